"""Admin views shared by the apps: one form view and one operation view for the actions on a
record, in Wagtail's chrome, and the delete view that respects protected rows.

Every action of the suite is one of:

- ``ObjectFormView``: GET shows a form about one record, POST runs the app's service with the
  form's data (``perform``); the service's refusals (``ValidationError`` and the apps'
  ``*Error`` subclasses) become form errors; success: a message and back to the record;
- ``ObjectOperationView``: POST only (the button is on the record's page): confirm, reject,
  start a stage...; refusals become error messages;
- ``AdminFormView``: the same form page for actions about no record (import, export).

The record is found through ``get_object_queryset()``, the rows the user may see (missing or
out of scope: 404); ``has_permission()`` then decides whether the user may take the action
(``PermissionDenied``). All form pages render ``tutoria_cms/core/admin/form.html``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import (
    BaseObjectMixin,
    BaseOperationView,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.views.generic.models import DeleteView


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page whose header names it: Wagtail shows the breadcrumbs as the header, and
    the base breadcrumbs end at "Home"."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


def safe_next(request, default):
    """Where a form returns: its ``next`` (POST, then GET) when it stays on this host (and
    scheme), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def error_text(error):
    return " ".join(error.messages)


class AdminFormView(WagtailAdminTemplateMixin, FormView):
    """A form page of the admin whose valid data goes to one service call.

    Subclasses set ``form_class`` (or ``get_form_kwargs``), ``page_title``, ``perform(form)``
    (the service call, returning its result, kept as ``self.result``), ``get_success_url()``
    and ``has_permission()``. ``submit_label`` names the submit button; ``extra_submits`` are
    further submit buttons, ``(name, label)``, whose name the POST then carries.
    """

    template_name = "tutoria_cms/core/admin/form.html"
    # Not Django's PUT (its FormView takes PUT as POST).
    http_method_names = ["get", "post", "head", "options"]
    submit_label = gettext_lazy("Save")
    # The name the submit button adds to the POST (none: it adds nothing).
    submit_name = ""
    cancel_label = gettext_lazy("Cancel")
    extra_submits = ()
    success_message = ""
    # Shown above the form: a sentence about the action, and a warning (e.g. confidentiality).
    intro = ""
    notice = ""
    # The errors of the services shown in the form, and the field they go to (None: the form).
    domain_errors = (ValidationError,)
    error_field = None
    # Crumbs between "Home" and this page: [{"url": ..., "label": ...}].
    parent_breadcrumbs = ()

    def has_permission(self):
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        raise NotImplementedError

    def get_success_message(self):
        return self.success_message

    def get_cancel_url(self):
        return self.get_success_url()

    def get_intro(self):
        return self.intro

    def get_quote(self):
        """A text the action is about, quoted under the introduction."""
        return ""

    def get_submit_label(self):
        return self.submit_label

    def get_extra_submits(self):
        return self.extra_submits

    def add_domain_error(self, form, error):
        """A service's refusal as form errors: per field when it names the form's fields
        (a model's ``full_clean``), else on ``error_field`` (None: the whole form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(self.error_field, error)

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except self.domain_errors as error:
            self.add_domain_error(form, error)
            return self.form_invalid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_parent_breadcrumbs(self):
        return list(self.parent_breadcrumbs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *self.get_parent_breadcrumbs(),
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The form's widgets' assets (choosers, rich text...): without them a chooser's
        # button does nothing ("DocumentChooser is not defined").
        form = context.get("form")
        if form is not None:
            context["media"] = context["media"] + form.media if "media" in context else form.media
        context.update(
            submit_button_label=self.get_submit_label(),
            submit_name=self.submit_name,
            extra_submits=self.get_extra_submits(),
            cancel_url=self.get_cancel_url(),
            cancel_label=self.cancel_label,
            intro=self.get_intro(),
            quote=self.get_quote(),
            notice=self.notice,
        )
        return context


class ScopedObjectMixin:
    """Finds the record of the URL among ``get_object_queryset()`` (the rows the user may
    see: 404 otherwise) before ``has_permission()`` is asked; with
    ``permission_before_object``, the permission (which then does not need the record) is
    asked first, so a refused user learns nothing about which records exist."""

    permission_before_object = False

    def get_object_queryset(self):
        raise NotImplementedError

    def get_base_object_queryset(self):
        return self.get_object_queryset()

    def get_object(self):
        if self.permission_before_object and not self.has_permission():
            raise PermissionDenied
        return get_object_or_404(self.get_base_object_queryset(), pk=self.pk)

    def get_object_url(self):
        """The record's own page: where the action returns and its cancel link leads."""
        raise NotImplementedError


class ObjectFormView(ScopedObjectMixin, BaseObjectMixin, AdminFormView):
    """A form about one record (see the module's docstring)."""

    def get_page_subtitle(self):
        return str(self.object)

    def get_success_url(self):
        return self.get_object_url()

    def get_cancel_url(self):
        return self.get_object_url()

    def get_parent_breadcrumbs(self):
        return [
            *self.parent_breadcrumbs,
            {"url": self.get_object_url(), "label": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context


class ObjectOperationView(ScopedObjectMixin, BaseOperationView):
    """POST only: one service call on one record (``perform_operation``), then back to the
    record with a success message, or with the service's refusal as an error message."""

    http_method_names = ["post"]

    def has_permission(self):
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_object_url()

    def get_failure_url(self):
        return self.get_object_url()

    def post(self, request, *args, **kwargs):
        try:
            self.result = self.perform_operation()
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(self.get_failure_url())
        self.add_success_message()
        return redirect(self.get_success_url())


class ProtectedDeleteView(DeleteView):
    """Wagtail's delete view refuses to delete a row that others protect (``on_delete=
    PROTECT``) only when its reference index knows those rows; the others made the deletion a
    server error. Here the database's refusal is shown as a message and nothing is deleted
    (the deletion and its log entry run in one transaction)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("“%(object)s” cannot be deleted: other records depend on it.")
                % {"object": self.object},
            )
            return redirect(self.get_success_url())
