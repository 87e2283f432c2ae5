"""Admin views of the competency matrix. Each one asks ``permissions`` before doing anything."""

import datetime

import swapper
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.documents import get_document_model

from ..core.models import get_page_model_for
from ..core.views import AdminPageMixin
from . import permissions, services
from .forms import SelfAssessmentFormSet, ValidationFormSet


def get_profile(page_id):
    page_model = swapper.load_model("wagtailcore", "Page")
    page = get_object_or_404(page_model, pk=page_id).specific
    if not permissions.is_profile(page):
        raise Http404
    return page


def _competencies(matrix):
    return {row.competency.pk: row.competency for row in matrix.rows()}


def _form_rows(formset, matrix):
    """(matrix row, form) pairs grouped by dimension, for the templates."""
    forms = iter(formset.forms)
    return [(block, [(row, next(forms)) for row in block.rows]) for block in matrix.dimensions]


class TutorsAdminView(AdminPageMixin, TemplateView):
    header_icon = "group"


class MyMatrixView(TutorsAdminView):
    """A tutor's own self-assessment: one form per competency of the site's framework."""

    page_title = gettext_lazy("My competency matrix")
    template_name = "tutoria_cms/tutors/admin/my_matrix.html"

    def dispatch(self, request, *args, **kwargs):
        self.profile = permissions.profile_for_user(request.user)
        if self.profile is not None and not permissions.can_self_assess(request.user, self.profile):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_formset(self, matrix, data=None):
        documents = get_document_model().objects.filter(uploaded_by_user=self.request.user)
        initial = [
            {
                "competency": row.competency.pk,
                "level": row.self_level,
                "evidence": row.evidence,
                "evidence_url": row.evidence_url,
                "evidence_document": row.evidence_document_id,
            }
            for row in matrix.rows()
        ]
        return SelfAssessmentFormSet(
            data,
            initial=initial,
            prefix="matrix",
            form_kwargs={"levels": matrix.levels, "documents": documents},
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if self.profile is None:
            raise PermissionDenied
        matrix = services.current_matrix(self.profile)
        formset = self.get_formset(matrix, request.POST)
        competencies = _competencies(matrix)
        if formset.is_valid():
            try:
                for form in formset.forms:
                    data = form.cleaned_data
                    competency = competencies.get(data["competency"])
                    if competency is None:
                        raise ValidationError(_("This competency is not part of the framework."))
                    services.self_assess(
                        self.profile,
                        competency,
                        user=request.user,
                        level=data["level"],
                        evidence=data["evidence"],
                        evidence_url=data["evidence_url"],
                        evidence_document=data["evidence_document"],
                    )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Your self-assessment was saved. It becomes public when your profile is "
                        "next published, after moderation."
                    ),
                )
                return redirect("tutoria_tutors:my_matrix")
        return self.render_to_response(self.get_context_data(formset=formset, matrix=matrix))

    def get_context_data(self, formset=None, matrix=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.profile
        if self.profile is not None:
            matrix = matrix or services.current_matrix(self.profile)
            formset = formset or self.get_formset(matrix)
            context.update(matrix=matrix, formset=formset, form_rows=_form_rows(formset, matrix))
        return context


class ProfileMatrixView(TutorsAdminView):
    """A profile's whole matrix (evidence included); coordinators validate it here."""

    template_name = "tutoria_cms/tutors/admin/profile_matrix.html"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.profile = get_profile(page_id)
        if not permissions.can_view_matrix(request.user, self.profile):
            raise PermissionDenied
        self.can_validate = permissions.can_validate(request.user, self.profile)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Competency matrix")

    def get_page_subtitle(self):
        return self.profile.title

    def get_formset(self, matrix, data=None):
        initial = [
            {"competency": row.competency.pk, "level": row.validated_level} for row in matrix.rows()
        ]
        return ValidationFormSet(
            data, initial=initial, prefix="validation", form_kwargs={"levels": matrix.levels}
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if not self.can_validate:
            if permissions.is_coordinator(request.user):
                messages.error(
                    request,
                    _("You cannot validate your own competency matrix: another coordinator must."),
                )
                return redirect("tutoria_tutors:profile_matrix", self.profile.pk)
            raise PermissionDenied
        matrix = services.current_matrix(self.profile)
        formset = self.get_formset(matrix, request.POST)
        competencies = _competencies(matrix)
        if formset.is_valid():
            try:
                for form in formset.forms:
                    competency = competencies.get(form.cleaned_data["competency"])
                    if competency is None:
                        raise ValidationError(_("This competency is not part of the framework."))
                    services.validate(
                        self.profile,
                        competency,
                        user=request.user,
                        level=form.cleaned_data["level"],
                    )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The validation was saved."))
                return redirect("tutoria_tutors:profile_matrix", self.profile.pk)
        return self.render_to_response(self.get_context_data(formset=formset, matrix=matrix))

    def get_context_data(self, formset=None, matrix=None, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = matrix or services.current_matrix(self.profile)
        context.update(profile=self.profile, matrix=matrix, can_validate=self.can_validate)
        if self.can_validate:
            formset = formset or self.get_formset(matrix)
            context.update(formset=formset, form_rows=_form_rows(formset, matrix))
        return context


class AssessmentHistoryView(TutorsAdminView):
    """Who changed what and when in a profile's matrix, and the matrix as of a past date."""

    template_name = "tutoria_cms/tutors/admin/history.html"

    def dispatch(self, request, page_id, *args, **kwargs):
        self.profile = get_profile(page_id)
        if not permissions.can_view_history(request.user, self.profile):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Assessment history")

    def get_page_subtitle(self):
        return self.profile.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of_text = self.request.GET.get("as_of", "")
        as_of = None
        if as_of_text:
            try:
                as_of = datetime.date.fromisoformat(as_of_text)
            except ValueError:
                messages.error(self.request, _("Give the date as YYYY-MM-DD."))
        context.update(
            profile=self.profile,
            entries=services.assessment_history(self.profile),
            as_of=as_of,
            as_of_text=as_of_text,
            today=timezone.localdate(),
            matrix=services.matrix_as_of(self.profile, as_of) if as_of else None,
        )
        return context


class HeatMapView(TutorsAdminView):
    """The programme's matrix for coordinators: tutors x competencies, averages, and the
    competencies with the lowest averages as suggested training topics."""

    page_title = gettext_lazy("Competency heat map")
    template_name = "tutoria_cms/tutors/admin/heat_map.html"

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_view_heat_map(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index_model = get_page_model_for("tutor_index", required=False)
        directories = list(index_model.objects.order_by("path")) if index_model else []
        chosen = None
        directory_id = self.request.GET.get("directory")
        for directory in directories:
            if directory_id and str(directory.pk) == directory_id:
                chosen = directory
        if chosen is None and directories:
            chosen = directories[0]
        heat = None
        if chosen is not None:
            framework = services.framework_for_page(chosen)
            profiles = chosen.get_profile_model().objects.child_of(chosen).order_by("title", "pk")
            heat = services.heat_map(framework, profiles)
        context.update(directories=directories, directory=chosen, heat=heat)
        return context


def profile_matrix_url(profile):
    return reverse("tutoria_tutors:profile_matrix", args=[profile.pk])
