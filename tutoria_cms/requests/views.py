"""Admin actions on a request. Every one asks permissions.py and writes through services.

They are ``ObjectFormView``s (tutoria_cms.core.views): the request is looked up among the
ones the user may see (404 otherwise), then the action's permission is asked (403).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions, roles
from tutoria_cms.core.views import ObjectFormView

from . import deadlines, permissions, services
from .forms import (
    AssignTutorForm,
    DisclosureForm,
    ReferralForm,
    ReferralUpdateForm,
    SessionForm,
    TransitionForm,
)
from .models import Notification
from .notices import decision_notice

CONFIDENTIAL = _(
    "Confidential: only you and, once referred, the orientation service can read this."
)


def inspect_url(tutoring_request):
    return reverse("tutoria_requests:inspect", args=[tutoring_request.pk])


class RequestFormView(ObjectFormView):
    """An action on one request the user may see."""

    header_icon = "clipboard-list"

    def get_object_queryset(self):
        return permissions.visible_requests(self.request.user)

    def get_object_url(self):
        return inspect_url(self.object)

    def get_parent_breadcrumbs(self):
        return [
            {"url": reverse("tutoria_requests:list"), "label": _("Tutoring requests")},
            {"url": self.get_object_url(), "label": str(self.object)},
        ]


class TransitionView(RequestFormView):
    form_class = TransitionForm

    @cached_property
    def spec(self):
        spec = services.TRANSITIONS.get(self.kwargs["action"])
        if spec is None:
            raise Http404
        return spec

    def has_permission(self):
        self.spec  # noqa: B018 (an unknown action is not found, before the permission)
        if not services.action_offered(self.object, self.kwargs["action"]):
            # A decision the request's rule set does not allow does not exist for it.
            raise Http404
        return permissions.can_transition(self.request.user, self.object, self.kwargs["action"])

    def get_page_title(self):
        return self.spec.label

    def get_submit_label(self):
        return self.spec.label

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.kwargs["action"]}

    def get_success_message(self):
        return _("Done: the request was %(action)s.") % {"action": self.spec.past}

    def perform(self, form):
        return services.transition(
            self.object,
            self.kwargs["action"],
            self.request.user,
            reason=form.cleaned_data["reason"],
            regular_class=form.cleaned_data.get("regular_class", ""),
        )


def tutor_candidates(record):
    """The active tutors who belong to the institution of ``record``."""
    return (
        get_user_model()
        .objects.filter(
            groups__name=roles.TUTORS,
            is_active=True,
            tutoria_memberships__site_id=record.site_id,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class AssignTutorView(RequestFormView):
    form_class = AssignTutorForm
    page_title = _("Assign tutor")
    submit_label = _("Assign tutor")
    success_message = _("The tutor was assigned.")
    error_field = "tutor"

    def has_permission(self):
        return permissions.can_transition(self.request.user, self.object, "assign_tutor")

    def get_initial(self):
        return {"tutor": self.object.assigned_tutor_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tutors": tutor_candidates(self.object)}

    def perform(self, form):
        return services.assign_tutor(self.object, form.cleaned_data["tutor"], self.request.user)


class DisclosureView(RequestFormView):
    form_class = DisclosureForm
    page_title = _("Confidential details")
    success_message = _("The confidential details were saved.")
    notice = CONFIDENTIAL

    def has_permission(self):
        return permissions.can_read_disclosure(self.request.user, self.object)

    def get(self, request, *args, **kwargs):
        services.log_sensitive_read(request.user, self.object, "disclosure")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        disclosure = getattr(self.object, "disclosure", None)
        if disclosure is None:
            return {}
        return {"reasons": disclosure.reasons, "description": disclosure.description}

    def perform(self, form):
        return services.update_disclosure(self.object, self.request.user, **form.cleaned_data)


class TutorWorkView(RequestFormView):
    """The assigned tutor's records of the tutoring (confidential)."""

    notice = CONFIDENTIAL

    def has_permission(self):
        return permissions.is_assigned_tutor(self.request.user, self.object)


class RecordSessionView(TutorWorkView):
    form_class = SessionForm
    page_title = _("Record a session")
    success_message = _("The session was recorded.")

    def perform(self, form):
        return services.record_session(self.object, self.request.user, **form.cleaned_data)


class ReferView(TutorWorkView):
    form_class = ReferralForm
    page_title = _("Refer to a service")
    success_message = _("The student was referred.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site": self.object.site}

    def perform(self, form):
        return services.refer(self.object, self.request.user, **form.cleaned_data)


class UpdateReferralView(TutorWorkView):
    form_class = ReferralUpdateForm
    page_title = _("Referral follow-up")
    success_message = _("The referral was updated.")

    def has_permission(self):
        return permissions.can_read_disclosure(self.request.user, self.object)

    @cached_property
    def referral(self):
        return get_object_or_404(self.object.referrals, pk=self.kwargs["referral_id"])

    def get(self, request, *args, **kwargs):
        self.referral  # noqa: B018 (a referral of another request is not found)
        services.log_sensitive_read(request.user, self.object, "referrals")
        return super().get(request, *args, **kwargs)

    def get_intro(self):
        # When the service's next step is due (taking the student in, then closing).
        return deadlines.due_text(self.referral.due_on) or super().get_intro()

    def get_initial(self):
        return {"status": self.referral.status, "outcome_notes": self.referral.outcome_notes}

    def perform(self, form):
        return services.update_referral(self.referral, self.request.user, **form.cleaned_data)


class DecisionLetterView(RequestFormView):
    """Art. 248: the decision notice as a letter, for a student the e-mail did not reach (no
    address, or the mail server refused it). Coordination of the request's institution prints
    it, hands it over or posts it, and marks it delivered (the to-do then leaves the
    dashboard)."""

    form_class = forms.Form
    template_name = "tutoria_cms/requests/admin/letter.html"
    page_title = _("Decision letter")
    submit_label = _("Mark as delivered")
    success_message = _("The decision notice is recorded as delivered by letter.")

    def has_permission(self):
        return institutions.holds(self.request.user, permissions.MANAGE, self.object.site_id)

    @cached_property
    def notification(self):
        notification = (
            self.object.notifications.filter(event=Notification.DECISION)
            .order_by("-created_at")
            .first()
        )
        if notification is None:
            raise Http404
        return notification

    def get_intro(self):
        if self.notification.status in Notification.UNDELIVERED:
            return _(
                "The e-mail did not reach the student (%(status)s). Print this letter, hand it "
                "over or post it, then mark it as delivered."
            ) % {"status": self.notification.get_status_display()}
        return _("The decision notice: %(status)s.") % {
            "status": self.notification.get_status_display()
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subject, body = decision_notice(self.object)
        context.update(
            letter_subject=subject,
            letter_body=body,
            institution=institutions.institution_name(self.object.site),
            undelivered=self.notification.status in Notification.UNDELIVERED,
            print_url=reverse("tutoria_requests:print_letter", args=[self.object.pk]),
        )
        return context

    def perform(self, form):
        delivered = services.mark_delivered_by_letter(self.notification, self.request.user)
        if not delivered:
            raise ValidationError(_("This notice had already been delivered."))
        return delivered


class PrintLetterView(DecisionLetterView):
    """The letter alone, on a page made for printing (no admin chrome)."""

    template_name = "tutoria_cms/requests/letter_print.html"
    http_method_names = ["get", "head", "options"]
