"""Admin views: the stage, commitment and fulfilment actions of an agreement.

They check permissions (``permissions``) themselves, accept writes by POST only (CSRF-checked
by Django's middleware) and write only through ``services``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import permissions, services
from .choices import STAGE_ORDER, Stage
from .forms import CommitmentForm, CompleteStageForm, FulfilmentForm
from .models import Agreement, AgreementStage, Commitment


def inspect_url(agreement):
    return reverse("tutoria_agreements:inspect", args=[agreement.pk])


def complete_stage_url(agreement, stage):
    return reverse("tutoria_agreements:complete_stage", args=[agreement.pk, stage])


def start_stage_url(agreement, stage):
    return reverse("tutoria_agreements:start_stage", args=[agreement.pk, stage])


class AgreementActionMixin(WagtailAdminTemplateMixin):
    """Loads the agreement and checks the permission ``allowed(user)``."""

    header_icon = "doc-full"
    allowed = staticmethod(permissions.can_manage_stages)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        self.agreement = get_object_or_404(
            Agreement.objects.select_related("partner"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.agreement)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("tutoria_agreements:index"), "label": _("Agreements")},
            {"url": inspect_url(self.agreement), "label": str(self.agreement)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreement"] = self.agreement
        context["cancel_url"] = inspect_url(self.agreement)
        return context


class StageMixin(AgreementActionMixin):
    def dispatch(self, request, *args, **kwargs):
        if kwargs["stage"] not in STAGE_ORDER:
            raise Http404
        self.stage = Stage(kwargs["stage"])
        return super().dispatch(request, *args, **kwargs)

    def get_stage_row(self):
        row = (
            AgreementStage.objects.select_related("deliverable")
            .filter(agreement=self.agreement, stage=self.stage)
            .first()
        )
        return row or AgreementStage(agreement=self.agreement, stage=self.stage)


class CompleteStageView(StageMixin, TemplateView):
    template_name = "tutoria_cms/partnerships/admin/complete_stage.html"
    page_title = gettext_lazy("Complete a stage")
    http_method_names = ["get", "post"]

    def get_page_title(self):
        return _("Complete “%(stage)s”") % {"stage": self.stage.label}

    def get_form(self, data=None):
        row = self.get_stage_row()
        return CompleteStageForm(
            data,
            user=self.request.user,
            stage=self.stage,
            current_deliverable=row.deliverable,
            signed_on=self.agreement.signed_on,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.complete_stage(
                    self.agreement,
                    self.stage,
                    request.user,
                    form.cleaned_data.get("deliverable"),
                    signed_on=form.cleaned_data.get("signed_on"),
                    notes=form.cleaned_data.get("notes", ""),
                )
            except services.StageError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Stage “%(stage)s” completed.") % {"stage": self.stage.label}
                )
                return redirect(inspect_url(self.agreement))
        messages.error(request, _("The stage could not be completed."))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage"] = self.stage
        return context


class StartStageView(StageMixin, View):
    """POST only: mark a stage as in progress."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.start_stage(self.agreement, self.stage, request.user)
        except services.StageError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Stage “%(stage)s” started.") % {"stage": self.stage.label})
        return redirect(inspect_url(self.agreement))


class AddCommitmentView(AgreementActionMixin, TemplateView):
    template_name = "tutoria_cms/partnerships/admin/form.html"
    page_title = gettext_lazy("Add a commitment")
    header_icon = "list-ul"
    allowed = staticmethod(permissions.can_add_commitments)
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=CommitmentForm()))

    def post(self, request, *args, **kwargs):
        form = CommitmentForm(request.POST)
        if form.is_valid():
            services.add_commitment(self.agreement, request.user, **form.cleaned_data)
            messages.success(request, _("Commitment added."))
            return redirect(inspect_url(self.agreement))
        return self.render_to_response(self.get_context_data(form=form))


class RecordFulfilmentView(AgreementActionMixin, TemplateView):
    template_name = "tutoria_cms/partnerships/admin/form.html"
    page_title = gettext_lazy("Record fulfilment")
    header_icon = "tick"
    allowed = staticmethod(permissions.can_record_fulfilment)
    http_method_names = ["get", "post"]

    def get_commitment(self):
        return get_object_or_404(
            Commitment, pk=self.kwargs["commitment_id"], agreement=self.agreement
        )

    def get(self, request, *args, **kwargs):
        commitment = self.get_commitment()
        form = FulfilmentForm(user=request.user)
        return self.render_to_response(self.get_context_data(form=form, commitment=commitment))

    def post(self, request, *args, **kwargs):
        commitment = self.get_commitment()
        form = FulfilmentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.record_fulfilment(
                    commitment,
                    request.user,
                    fulfilled_on=form.cleaned_data["fulfilled_on"],
                    report=form.cleaned_data["report"],
                    document=form.cleaned_data.get("document"),
                )
            except services.CommitmentError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Fulfilment recorded."))
                return redirect(inspect_url(self.agreement))
        return self.render_to_response(self.get_context_data(form=form, commitment=commitment))
