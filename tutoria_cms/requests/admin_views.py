"""Admin views for group tutoring, end-of-term reports and individual classes.

Every view asks permissions.py (or the object's own tutor) and writes through services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import permissions, services
from .forms import AssignTutorForm, GroupSessionForm, ReportForm, ReviewForm
from .views import tutor_candidates

ACTION_TEMPLATE = "tutoria_cms/requests/admin/action.html"


class FormView(View):
    """GET shows the form, POST validates and calls ``save``; refusals shown in the form."""

    title = ""
    success_message = ""

    def get_form(self, data=None):
        raise NotImplementedError

    def save(self, data):
        raise NotImplementedError

    def render(self, form):
        return TemplateResponse(
            self.request,
            ACTION_TEMPLATE,
            {
                "object": self.object,
                "form": form,
                "title": self.title,
                "cancel_url": self.cancel_url(),
                "submit_label": _("Save"),
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                result = self.save(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, self.success_message)
                return redirect(self.success_url(result))
        return self.render(form)


class GroupSessionView(FormView):
    title = _("Record a group session")
    success_message = _("The session was recorded.")

    def dispatch(self, request, pk):
        self.object = get_object_or_404(permissions.visible_groups(request.user), pk=pk)
        if self.object.tutor_id != request.user.pk:
            raise PermissionDenied
        return super().dispatch(request, pk)

    def cancel_url(self):
        return reverse("tutoria_groups:index")

    def get_form(self, data=None):
        return GroupSessionForm(data, group=self.object)

    def save(self, data):
        return services.record_group_session(self.object, self.request.user, **data)

    def success_url(self, result):
        return reverse("tutoria_groups:index")


class PrepareReportView(View):
    """Create (or reopen) the tutor's report for a request or group, then edit it.

    Only the request's assigned tutor (or the group's tutor) reaches it: a subject the user
    cannot see is not found, one they see but do not tutor is refused.
    """

    def dispatch(self, request, kind, pk):
        if kind == "request":
            self.subject = get_object_or_404(permissions.visible_requests(request.user), pk=pk)
            allowed = permissions.is_assigned_tutor(request.user, self.subject)
            self.subject_url = reverse("tutoria_requests:inspect", args=[pk])
        elif kind == "group":
            self.subject = get_object_or_404(permissions.visible_groups(request.user), pk=pk)
            allowed = self.subject.tutor_id == request.user.pk
            self.subject_url = reverse("tutoria_groups:index")
        else:
            raise Http404
        if not allowed:
            raise PermissionDenied
        self.kind = kind
        return super().dispatch(request, kind, pk)

    def get(self, request, kind, pk):
        from django import forms

        return TemplateResponse(
            request,
            ACTION_TEMPLATE,
            {
                "form": forms.Form(),
                "title": _("End-of-term report"),
                "object": _("The report is pre-filled from the records of the term."),
                "cancel_url": reverse("tutoria_reports:index"),
                "submit_label": _("Prepare the report"),
            },
        )

    def post(self, request, kind, pk):
        term = self.subject.term
        if term is None:
            messages.error(request, _("The request has no term: a report belongs to a term."))
            return redirect(self.subject_url)
        try:
            report = services.prepare_report(term, request.user, **{self.kind: self.subject})
        except services.TransitionRefused:
            raise PermissionDenied from None
        return redirect(reverse("tutoria_reports:edit_report", args=[report.pk]))


class EditReportView(FormView):
    title = _("End-of-term report")
    success_message = _("The report was saved.")

    def dispatch(self, request, pk):
        self.object = get_object_or_404(permissions.visible_reports(request.user), pk=pk)
        if self.object.tutor_id != request.user.pk:
            raise PermissionDenied
        return super().dispatch(request, pk)

    def cancel_url(self):
        return reverse("tutoria_reports:inspect", args=[self.object.pk])

    def get_form(self, data=None):
        report = self.object
        return ReportForm(
            data,
            initial={
                "progress": report.progress,
                "difficulties": report.difficulties,
                "recommendation": report.recommendation,
                "outcome": report.outcome,
            },
        )

    def save(self, data):
        report = services.update_report(self.object, self.request.user, **data)
        if "submit" in self.request.POST:
            report = services.submit_report(report, self.request.user)
        return report

    def success_url(self, result):
        return reverse("tutoria_reports:inspect", args=[result.pk])

    def render(self, form):
        response = super().render(form)
        response.context_data["extra_submit"] = _("Save and submit to the coordinator")
        return response


class ReviewReportView(FormView):
    title = _("Review the report")
    success_message = _("The report was reviewed.")

    def dispatch(self, request, pk):
        self.object = get_object_or_404(permissions.visible_reports(request.user), pk=pk)
        if not permissions.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def cancel_url(self):
        return reverse("tutoria_reports:inspect", args=[self.object.pk])

    def get_form(self, data=None):
        return ReviewForm(data)

    def save(self, data):
        accept = "accept" in self.request.POST
        return services.review_report(
            self.object, self.request.user, accept=accept, comment=data["comment"]
        )

    def success_url(self, result):
        return self.cancel_url()

    def render(self, form):
        response = super().render(form)
        response.context_data["review"] = True
        return response


class DesignateTutorView(FormView):
    title = _("Designate the tutor")
    success_message = _("The tutor was designated.")

    def dispatch(self, request, pk):
        self.object = get_object_or_404(permissions.visible_classes(request.user), pk=pk)
        if not permissions.is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def cancel_url(self):
        return reverse("tutoria_classes:index")

    def get_form(self, data=None):
        return AssignTutorForm(
            data, tutors=tutor_candidates(), initial={"tutor": self.object.tutor_id}
        )

    def save(self, data):
        return services.designate_tutor(self.object, data["tutor"], self.request.user)

    def success_url(self, result):
        return self.cancel_url()
