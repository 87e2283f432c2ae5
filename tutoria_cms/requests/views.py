"""Admin actions on a request. Every one asks permissions.py and writes through services."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from tutoria_cms.core import roles

from . import permissions, services
from .forms import (
    AssignTutorForm,
    DisclosureForm,
    ReferralForm,
    ReferralUpdateForm,
    SessionForm,
    TransitionForm,
)
from .models import TutoringRequest


def inspect_url(request):
    return reverse("tutoria_requests:inspect", args=[request.pk])


class RequestActionView(View):
    template_name = "tutoria_cms/requests/admin/action.html"

    def get_request(self, user, pk):
        try:
            return permissions.visible_requests(user).get(pk=pk)
        except TutoringRequest.DoesNotExist:
            raise Http404 from None

    def render(self, http_request, context):
        return TemplateResponse(http_request, self.template_name, context)


class TransitionView(RequestActionView):
    def dispatch(self, http_request, pk, action):
        self.object = self.get_request(http_request.user, pk)
        spec = services.TRANSITIONS.get(action)
        if spec is None:
            raise Http404
        if not permissions.can_transition(http_request.user, self.object, action):
            raise PermissionDenied
        self.action, self.spec = action, spec
        return super().dispatch(http_request, pk, action)

    def context(self, form):
        return {
            "object": self.object,
            "form": form,
            "title": self.spec.label,
            "action": self.action,
            "cancel_url": inspect_url(self.object),
            "submit_label": self.spec.label,
        }

    def get(self, http_request, pk, action):
        return self.render(http_request, self.context(TransitionForm(action=action)))

    def post(self, http_request, pk, action):
        form = TransitionForm(http_request.POST, action=action)
        if form.is_valid():
            try:
                services.transition(
                    self.object, action, http_request.user, reason=form.cleaned_data["reason"]
                )
            except services.TransitionError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    http_request,
                    _("Done: the request was %(action)s.") % {"action": self.spec.past},
                )
                return redirect(inspect_url(self.object))
        return self.render(http_request, self.context(form))


def tutor_candidates():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.TUTORS, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class AssignTutorView(RequestActionView):
    def dispatch(self, http_request, pk):
        self.object = self.get_request(http_request.user, pk)
        if not permissions.can_transition(http_request.user, self.object, "assign_tutor"):
            raise PermissionDenied
        return super().dispatch(http_request, pk)

    def context(self, form):
        return {
            "object": self.object,
            "form": form,
            "title": _("Assign tutor"),
            "cancel_url": inspect_url(self.object),
            "submit_label": _("Assign tutor"),
        }

    def get(self, http_request, pk):
        form = AssignTutorForm(
            tutors=tutor_candidates(), initial={"tutor": self.object.assigned_tutor_id}
        )
        return self.render(http_request, self.context(form))

    def post(self, http_request, pk):
        form = AssignTutorForm(http_request.POST, tutors=tutor_candidates())
        if form.is_valid():
            try:
                services.assign_tutor(self.object, form.cleaned_data["tutor"], http_request.user)
            except services.TransitionError as error:
                form.add_error("tutor", error)
            else:
                messages.success(http_request, _("The tutor was assigned."))
                return redirect(inspect_url(self.object))
        return self.render(http_request, self.context(form))


class DisclosureView(RequestActionView):
    def dispatch(self, http_request, pk):
        self.object = self.get_request(http_request.user, pk)
        if not permissions.can_read_disclosure(http_request.user, self.object):
            raise PermissionDenied
        return super().dispatch(http_request, pk)

    def context(self, form):
        return {
            "object": self.object,
            "form": form,
            "title": _("Confidential details"),
            "cancel_url": inspect_url(self.object),
            "submit_label": _("Save"),
            "confidential": True,
        }

    def get(self, http_request, pk):
        services.log_sensitive_read(http_request.user, self.object, "disclosure")
        disclosure = getattr(self.object, "disclosure", None)
        initial = (
            {"reasons": disclosure.reasons, "description": disclosure.description}
            if disclosure
            else {}
        )
        return self.render(http_request, self.context(DisclosureForm(initial=initial)))

    def post(self, http_request, pk):
        form = DisclosureForm(http_request.POST)
        if form.is_valid():
            services.update_disclosure(self.object, http_request.user, **form.cleaned_data)
            messages.success(http_request, _("The confidential details were saved."))
            return redirect(inspect_url(self.object))
        return self.render(http_request, self.context(form))


class ServiceFormView(RequestActionView):
    """A form whose valid data goes to one service function; errors shown in the form."""

    form_class = None
    title = ""
    success_message = ""
    confidential = False

    def allowed(self, user):
        return permissions.is_assigned_tutor(user, self.object)

    def dispatch(self, http_request, pk, **kwargs):
        self.object = self.get_request(http_request.user, pk)
        if not self.allowed(http_request.user):
            raise PermissionDenied
        return super().dispatch(http_request, pk, **kwargs)

    def get_form(self, data=None):
        return self.form_class(data)

    def context(self, form):
        return {
            "object": self.object,
            "form": form,
            "title": self.title,
            "cancel_url": inspect_url(self.object),
            "submit_label": _("Save"),
            "confidential": self.confidential,
        }

    def get(self, http_request, pk, **kwargs):
        return self.render(http_request, self.context(self.get_form()))

    def post(self, http_request, pk, **kwargs):
        form = self.get_form(http_request.POST)
        if form.is_valid():
            try:
                self.save(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(http_request, self.success_message)
                return redirect(inspect_url(self.object))
        return self.render(http_request, self.context(form))


class RecordSessionView(ServiceFormView):
    form_class = SessionForm
    title = _("Record a session")
    success_message = _("The session was recorded.")
    confidential = True

    def save(self, data):
        services.record_session(self.object, self.request.user, **data)


class ReferView(ServiceFormView):
    form_class = ReferralForm
    title = _("Refer to a service")
    success_message = _("The student was referred.")
    confidential = True

    def save(self, data):
        services.refer(self.object, self.request.user, **data)


class UpdateReferralView(ServiceFormView):
    form_class = ReferralUpdateForm
    title = _("Referral follow-up")
    success_message = _("The referral was updated.")
    confidential = True

    def allowed(self, user):
        return permissions.can_read_disclosure(user, self.object)

    def dispatch(self, http_request, pk, referral_id):
        self.referral_id = referral_id
        return super().dispatch(http_request, pk, referral_id=referral_id)

    def get_form(self, data=None):
        referral = get_object_or_404(self.object.referrals, pk=self.referral_id)
        if data is None:
            services.log_sensitive_read(self.request.user, self.object, "referrals")
        initial = {"status": referral.status, "outcome_notes": referral.outcome_notes}
        return self.form_class(data, initial=initial)

    def save(self, data):
        referral = self.object.referrals.get(pk=self.referral_id)
        services.update_referral(referral, self.request.user, **data)
