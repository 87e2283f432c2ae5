"""Admin views: the stage, commitment and fulfilment actions of an agreement.

They check permissions (``permissions``) themselves, accept writes by POST only (CSRF-checked
by Django's middleware) and write only through ``services``. They are the suite's
``ObjectFormView`` and ``ObjectOperationView`` (tutoria_cms.core.views); the permission is
asked before the agreement is looked up.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from ..core.views import ObjectFormView, ObjectOperationView
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


class AgreementActionMixin:
    """The permission ``allowed(user)``, then the agreement (404)."""

    header_icon = "doc-full"
    allowed = staticmethod(permissions.can_manage_stages)
    # The permission the action needs in the agreement's institution (another institution's
    # agreement, or one where the user lacks it, is not found).
    institution_perm = permissions.CHANGE_STAGE
    permission_before_object = True

    def has_permission(self):
        return self.allowed(self.request.user)

    def get_object_queryset(self):
        return permissions.visible_agreements(
            self.request.user,
            Agreement.objects.select_related("partner"),
            perm=self.institution_perm,
        )

    @property
    def agreement(self):
        return self.object

    def get_object_url(self):
        return inspect_url(self.object)


class AgreementFormView(AgreementActionMixin, ObjectFormView):
    def get_parent_breadcrumbs(self):
        return [
            {"url": reverse("tutoria_agreements:index"), "label": _("Agreements")},
            *super().get_parent_breadcrumbs(),
        ]


class StageMixin:
    """An unknown stage is not found (before anything else)."""

    def get_object(self):
        if self.kwargs["stage"] not in STAGE_ORDER:
            raise Http404
        self.stage = Stage(self.kwargs["stage"])
        return super().get_object()

    def get_stage_row(self):
        row = (
            AgreementStage.objects.select_related("deliverable")
            .filter(agreement=self.agreement, stage=self.stage)
            .first()
        )
        return row or AgreementStage(agreement=self.agreement, stage=self.stage)


class CompleteStageView(StageMixin, AgreementFormView):
    form_class = CompleteStageForm
    submit_label = gettext_lazy("Complete the stage")

    def get_page_title(self):
        return _("Complete “%(stage)s”") % {"stage": self.stage.label}

    def get_intro(self):
        return _(
            "Complete the stage “%(stage)s” of “%(agreement)s”. Its deliverable is kept as "
            "evidence."
        ) % {"stage": self.stage.label, "agreement": self.agreement.title}

    def get_form_kwargs(self):
        row = self.get_stage_row()
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "stage": self.stage,
            "current_deliverable": row.deliverable,
            "signed_on": self.agreement.signed_on,
        }

    def perform(self, form):
        return services.complete_stage(
            self.agreement,
            self.stage,
            self.request.user,
            form.cleaned_data.get("deliverable"),
            signed_on=form.cleaned_data.get("signed_on"),
            notes=form.cleaned_data.get("notes", ""),
        )

    def get_success_message(self):
        return _("Stage “%(stage)s” completed.") % {"stage": self.stage.label}

    def form_invalid(self, form):
        messages.error(self.request, _("The stage could not be completed."))
        return super().form_invalid(form)


class StartStageView(StageMixin, AgreementActionMixin, ObjectOperationView):
    """POST only: mark a stage as in progress."""

    def perform_operation(self):
        return services.start_stage(self.agreement, self.stage, self.request.user)

    def get_success_message(self):
        return _("Stage “%(stage)s” started.") % {"stage": self.stage.label}


class AddCommitmentView(AgreementFormView):
    form_class = CommitmentForm
    page_title = gettext_lazy("Add a commitment")
    success_message = gettext_lazy("Commitment added.")
    header_icon = "list-ul"
    allowed = staticmethod(permissions.can_add_commitments)
    institution_perm = permissions.ADD_COMMITMENT

    def perform(self, form):
        return services.add_commitment(self.agreement, self.request.user, **form.cleaned_data)


class RecordFulfilmentView(AgreementFormView):
    form_class = FulfilmentForm
    page_title = gettext_lazy("Record fulfilment")
    success_message = gettext_lazy("Fulfilment recorded.")
    header_icon = "tick"
    allowed = staticmethod(permissions.can_record_fulfilment)
    institution_perm = permissions.CHANGE_COMMITMENT

    @cached_property
    def commitment(self):
        return get_object_or_404(
            Commitment, pk=self.kwargs["commitment_id"], agreement=self.agreement
        )

    def get_intro(self):
        return _("Commitment of %(party)s, due on %(date)s:") % {
            "party": self.commitment.get_party_display(),
            "date": formats.date_format(self.commitment.due_on, "DATE_FORMAT"),
        }

    def get_quote(self):
        return self.commitment.description

    def get_form_kwargs(self):
        self.commitment  # noqa: B018 (another agreement's commitment is not found)
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.record_fulfilment(
            self.commitment,
            self.request.user,
            fulfilled_on=form.cleaned_data["fulfilled_on"],
            report=form.cleaned_data["report"],
            document=form.cleaned_data.get("document"),
        )
