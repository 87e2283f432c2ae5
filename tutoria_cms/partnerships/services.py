"""Every write that changes an agreement's stages or commitments, and the warnings.

Stage rules (seed 002):
- the five stages go in order: a stage starts and completes only once the previous one is
  completed;
- a stage is completed only with its deliverable attached as a Wagtail document (diagnosis,
  programme, signed agreement, follow-up report, assessment);
- the execution (signature) stage needs the signature date, which becomes the agreement's
  ``signed_on`` (the "signed agreement" indicator counts it);
- the follow-up stage reports on commitments: it needs at least one.
Refusals are :class:`StageError` with a translated message. Rows are locked while they change
(``select_for_update``) so that two people completing the same stage at once complete it once.
Every save goes through ``core.history.attributed`` (``_history_user``), so the history says
who did it, in commands too.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.history import attributed

from .choices import DELIVERABLES, STAGE_ORDER, CurrentStage, Stage, StageStatus
from .models import Agreement, AgreementStage, Commitment

# Agreements expiring within this many days are announced to coordinators.
EXPIRY_WARNING_DAYS = 60


class StageError(ValidationError):
    """A stage change refused; the message is translated and safe to show."""


class CommitmentError(ValidationError):
    pass


def create_agreement(agreement, user=None):
    """Save a new agreement and give it its five pending stages."""
    with transaction.atomic():
        attributed(agreement, user).save()
        ensure_stages(agreement, user)
    return agreement


def ensure_stages(agreement, user=None):
    """Create the missing stage rows of ``agreement`` (idempotent)."""
    existing = set(agreement.stages.values_list("stage", flat=True))
    for code in STAGE_ORDER:
        if code not in existing:
            attributed(AgreementStage(agreement=agreement, stage=code), user).save()


def _locked_stages(agreement):
    Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk").get()
    ensure_stages(agreement)
    return {
        row.stage: row
        for row in AgreementStage.objects.select_for_update().filter(agreement=agreement)
    }


def _check_previous_completed(rows, stage):
    position = STAGE_ORDER.index(stage)
    if position == 0:
        return
    previous = rows[STAGE_ORDER[position - 1]]
    if not previous.is_completed:
        raise StageError(
            _("“%(stage)s” cannot begin before “%(previous)s” is completed."),
            code="out_of_order",
            params={"stage": Stage(stage).label, "previous": Stage(previous.stage).label},
        )


def _check_stage(stage):
    if stage not in STAGE_ORDER:
        raise StageError(_("Unknown stage."), code="unknown_stage")
    return Stage(stage)


def _next_stage(stage):
    position = STAGE_ORDER.index(stage)
    if position + 1 < len(STAGE_ORDER):
        return STAGE_ORDER[position + 1]
    return CurrentStage.DONE


def start_stage(agreement, stage, user):
    """Mark ``stage`` as in progress (the previous stage must be completed)."""
    stage = _check_stage(stage)
    with transaction.atomic():
        rows = _locked_stages(agreement)
        row = rows[stage]
        if row.is_completed:
            raise StageError(_("This stage is already completed."), code="completed")
        _check_previous_completed(rows, stage)
        if row.status == StageStatus.IN_PROGRESS:
            return row
        row.status = StageStatus.IN_PROGRESS
        row.started_at = timezone.now()
        attributed(row, user).save()
    return row


def complete_stage(
    agreement, stage, user, deliverable=None, *, signed_on=None, notes="", today=None
):
    """Complete ``stage`` with its deliverable; returns the stage row.

    ``deliverable`` is a Wagtail document (or None to keep one attached before).
    For the execution stage, ``signed_on`` (or the agreement's) is the signature date.
    """
    stage = _check_stage(stage)
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = _locked_stages(agreement)
        agreement = Agreement.objects.get(pk=agreement.pk)
        row = rows[stage]
        if row.is_completed:
            raise StageError(_("This stage is already completed."), code="completed")
        _check_previous_completed(rows, stage)
        deliverable = deliverable or row.deliverable
        if deliverable is None:
            raise StageError(
                _("Attach the %(deliverable)s (a document) to complete “%(stage)s”."),
                code="deliverable_required",
                params={"deliverable": DELIVERABLES[stage], "stage": stage.label},
            )
        if stage == Stage.EXECUTION:
            signed_on = signed_on or agreement.signed_on
            if signed_on is None:
                raise StageError(
                    _("Enter the date the agreement was signed to complete the signature stage."),
                    code="signed_on_required",
                )
            if signed_on > today:
                raise StageError(
                    _("The signature date cannot be in the future."), code="signed_on_future"
                )
            if agreement.expires_on is not None and signed_on >= agreement.expires_on:
                raise StageError(
                    _(
                        "The agreement was signed on or after its expiry date: correct the "
                        "dates first."
                    ),
                    code="signed_after_expiry",
                )
        if stage == Stage.FOLLOW_UP and not agreement.commitments.exists():
            raise StageError(
                _("Record the commitments of each party before completing the follow-up."),
                code="no_commitments",
            )
        now = timezone.now()
        row.status = StageStatus.COMPLETED
        row.deliverable = deliverable
        row.started_at = row.started_at or now
        row.completed_at = now
        row.completed_by = user
        if notes:
            row.notes = notes
        attributed(row, user).save()
        agreement.current_stage = _next_stage(stage)
        fields = ["current_stage"]
        if stage == Stage.EXECUTION:
            agreement.signed_on = signed_on
            fields.append("signed_on")
        attributed(agreement, user).save(update_fields=fields)
    return row


# Commitments ----------------------------------------------------------------------------------


def add_commitment(agreement, user, *, party, description, due_on):
    commitment = Commitment(
        agreement=agreement, party=party, description=description, due_on=due_on
    )
    commitment.full_clean()
    attributed(commitment, user).save()
    return commitment


def record_fulfilment(commitment, user, *, fulfilled_on, report, document=None, today=None):
    """Record that ``commitment`` was fulfilled on ``fulfilled_on``, with its report."""
    today = today or timezone.localdate()
    report = (report or "").strip()
    if not report:
        raise CommitmentError(
            _("Write the fulfilment report of this commitment."), code="report_required"
        )
    if fulfilled_on is None:
        raise CommitmentError(_("Enter the date it was fulfilled."), code="date_required")
    if fulfilled_on > today:
        raise CommitmentError(
            _("The fulfilment date cannot be in the future."), code="fulfilled_on_future"
        )
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        commitment.fulfilled_on = fulfilled_on
        commitment.report = report
        if document is not None:
            commitment.report_document = document
        attributed(commitment, user).save()
    return commitment


# Warnings and indicator ---------------------------------------------------------------------


def overdue_commitments(today=None):
    """Commitments not fulfilled and due before ``today`` (due today is not overdue)."""
    return (
        Commitment.objects.overdue(today)
        .select_related("agreement", "agreement__partner")
        .order_by("due_on", "pk")
    )


def expiring_agreements(today=None, within_days=EXPIRY_WARNING_DAYS):
    """Signed agreements expiring between ``today`` and ``today + within_days`` (inclusive)."""
    today = today or timezone.localdate()
    return (
        Agreement.objects.signed()
        .filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(within_days))
        .select_related("partner")
        .order_by("expires_on", "pk")
    )


def signed_agreements(site=None, start=None, end=None, user=None):
    """Number of agreements signed between ``start`` and ``end`` (inclusive dates).

    The seed's unit of measure, "signed agreement". ``site`` limits it to one institution;
    ``user``: to the institutions of the person asking.
    """
    agreements = Agreement.objects.signed().for_site(site)
    if user is not None:
        agreements = institutions.scope(agreements, user)
    if start is not None:
        agreements = agreements.filter(signed_on__gte=start)
    if end is not None:
        agreements = agreements.filter(signed_on__lte=end)
    return agreements.count()
