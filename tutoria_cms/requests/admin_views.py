"""Admin views for group tutoring, end-of-term reports and individual classes.

Every view asks permissions.py (or the object's own tutor) and writes through services; they
are ``ObjectFormView``s (tutoria_cms.core.views): the object is looked up among the ones the
user may see (404 otherwise), then the action's permission is asked (403).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.views import ObjectFormView

from . import permissions, services
from .forms import AssignTutorForm, ClassSessionForm, GroupSessionForm, ReportForm, ReviewForm
from .views import tutor_candidates


class GroupSessionView(ObjectFormView):
    form_class = GroupSessionForm
    page_title = _("Record a group session")
    success_message = _("The session was recorded.")
    header_icon = "group"

    def get_object_queryset(self):
        return permissions.visible_groups(self.request.user)

    def has_permission(self):
        return self.object.tutor_id == self.request.user.pk

    def get_object_url(self):
        return reverse("tutoria_groups:index")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.object}

    def perform(self, form):
        return services.record_group_session(self.object, self.request.user, **form.cleaned_data)


class PrepareReportView(ObjectFormView):
    """Create (or reopen) the tutor's report for a request or group, then edit it.

    Only the request's assigned tutor (or the group's tutor) reaches it: a subject the user
    cannot see is not found, one they see but do not tutor is refused.
    """

    form_class = forms.Form
    page_title = _("End-of-term report")
    submit_label = _("Prepare the report")
    intro = _("The report is pre-filled from the records of the term.")
    header_icon = "doc-full"

    def get_object_queryset(self):
        kind = self.kwargs["kind"]
        if kind == "request":
            return permissions.visible_requests(self.request.user)
        if kind == "group":
            return permissions.visible_groups(self.request.user)
        raise Http404

    def has_permission(self):
        if self.kwargs["kind"] == "request":
            return permissions.is_assigned_tutor(self.request.user, self.object)
        return self.object.tutor_id == self.request.user.pk

    def get_object_url(self):
        if self.kwargs["kind"] == "request":
            return reverse("tutoria_requests:inspect", args=[self.object.pk])
        return reverse("tutoria_groups:index")

    def get_cancel_url(self):
        return reverse("tutoria_reports:index")

    def perform(self, form):
        term = self.object.term
        if term is None:
            raise ValidationError(_("The request has no term: a report belongs to a term."))
        # The URL's kind, "request" or "group", names the service's keyword.
        record = "tutoring_request" if self.kwargs["kind"] == "request" else "group"
        try:
            return services.prepare_report(term, self.request.user, **{record: self.object})
        except services.TransitionRefused:
            raise PermissionDenied from None

    def get_success_url(self):
        return reverse("tutoria_reports:edit_report", args=[self.result.pk])


class ReportFormView(ObjectFormView):
    header_icon = "doc-full"

    def get_object_queryset(self):
        return permissions.visible_reports(self.request.user)

    def get_object_url(self):
        return reverse("tutoria_reports:inspect", args=[self.object.pk])


class EditReportView(ReportFormView):
    form_class = ReportForm
    page_title = _("End-of-term report")
    success_message = _("The report was saved.")
    extra_submits = [("submit", _("Save and submit to the coordinator"))]

    def has_permission(self):
        return self.object.tutor_id == self.request.user.pk

    def get_initial(self):
        report = self.object
        return {
            "progress": report.progress,
            "difficulties": report.difficulties,
            "recommendation": report.recommendation,
            "outcome": report.outcome,
        }

    def perform(self, form):
        report = services.update_report(self.object, self.request.user, **form.cleaned_data)
        if "submit" in self.request.POST:
            report = services.submit_report(report, self.request.user)
        return report


class ReviewReportView(ReportFormView):
    form_class = ReviewForm
    page_title = _("Review the report")
    success_message = _("The report was reviewed.")
    submit_label = _("Accept")
    submit_name = "accept"
    extra_submits = [("return", _("Return with the comment"))]

    def has_permission(self):
        return permissions.coordinates(self.request.user, self.object)

    def perform(self, form):
        return services.review_report(
            self.object,
            self.request.user,
            accept="accept" in self.request.POST,
            comment=form.cleaned_data["comment"],
        )


class DesignateTutorView(ObjectFormView):
    form_class = AssignTutorForm
    page_title = _("Designate the tutor")
    success_message = _("The tutor was designated.")
    header_icon = "user"

    def get_object_queryset(self):
        return permissions.visible_classes(self.request.user)

    def has_permission(self):
        return permissions.coordinates(self.request.user, self.object)

    def get_object_url(self):
        return reverse("tutoria_classes:index")

    def get_initial(self):
        return {"tutor": self.object.tutor_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tutors": tutor_candidates(self.object)}

    def perform(self, form):
        return services.designate_tutor(self.object, form.cleaned_data["tutor"], self.request.user)


class ClassSessionView(ObjectFormView):
    """The class's designated tutor (or coordination) records a session of the class."""

    form_class = ClassSessionForm
    page_title = _("Record a class session")
    success_message = _("The session was recorded.")
    header_icon = "date"

    def get_object_queryset(self):
        return permissions.visible_classes(self.request.user)

    def has_permission(self):
        return permissions.can_record_class_sessions(self.request.user, self.object)

    def get_object_url(self):
        return reverse("tutoria_classes:inspect", args=[self.object.pk])

    def perform(self, form):
        return services.record_class_session(self.object, self.request.user, **form.cleaned_data)

    def get_success_message(self):
        """The warning of the class's in-person share, when at risk, comes with it."""
        share = self.object.in_person_share
        if share.warns:
            return f"{self.success_message} {share.warning}"
        return self.success_message


class ClassSessionObjectView(ObjectFormView):
    """A session of an individual class, corrected or deleted by the class's designated tutor
    (or coordination) while the class is open; the URL names the session, found among the
    sessions of the classes the user sees (404 otherwise)."""

    header_icon = "date"

    def get_object_queryset(self):
        from .models import ClassSession

        return ClassSession.objects.filter(
            individual_class__in=permissions.visible_classes(self.request.user)
        ).select_related("individual_class", "individual_class__component")

    def has_permission(self):
        return permissions.can_record_class_sessions(
            self.request.user, self.object.individual_class
        )

    def get_page_subtitle(self):
        return str(self.object.individual_class)

    def get_object_url(self):
        return reverse("tutoria_classes:inspect", args=[self.object.individual_class_id])

    def get_parent_breadcrumbs(self):
        return [
            *self.parent_breadcrumbs,
            {"url": self.get_object_url(), "label": str(self.object.individual_class)},
        ]

    def with_share(self, message):
        """The warning of the class's in-person share, when at risk, comes with it."""
        share = self.object.individual_class.in_person_share
        return f"{message} {share.warning}" if share.warns else message


class EditClassSessionView(ClassSessionObjectView):
    form_class = ClassSessionForm
    page_title = _("Edit the class session")
    success_message = _("The session was updated.")

    def get_initial(self):
        session = self.object
        return {
            "date": session.date,
            "modality": session.modality,
            "duration_minutes": session.duration_minutes,
            "topic": session.topic,
        }

    def perform(self, form):
        return services.update_class_session(self.object, self.request.user, **form.cleaned_data)

    def get_success_message(self):
        return self.with_share(self.success_message)


class DeleteClassSessionView(ClassSessionObjectView):
    form_class = forms.Form
    page_title = _("Delete the class session")
    submit_label = _("Yes, delete")
    success_message = _("The session was deleted.")
    header_icon = "bin"

    def get_intro(self):
        session = self.object
        return _(
            "Delete the session of %(date)s (%(modality)s, %(minutes)d minutes)? The class's "
            "in-person share and its tutor's work plan will no longer count it; its history "
            "keeps it."
        ) % {
            "date": date_format(session.date, "SHORT_DATE_FORMAT"),
            "modality": session.get_modality_display(),
            "minutes": session.duration_minutes,
        }

    def perform(self, form):
        return services.delete_class_session(self.object, self.request.user)

    def get_success_message(self):
        return self.with_share(self.success_message)
