"""Read an agreement's history (simple-history rows) as entries for people: who, when, what."""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import m2m_changes

from .choices import CurrentStage, Party, Stage, StageStatus
from .models import Agreement, AgreementStage, Commitment


@dataclass
class Entry:
    when: object
    user: object
    subject: str
    changes: list = field(default_factory=list)  # (label, old, new)
    related: list = field(default_factory=list)  # core.history.M2MChange: "added ...; removed ..."
    created: bool = False


def _label(choices, value):
    if value in (None, ""):
        return None
    try:
        return choices(value).label
    except ValueError:
        return value


def _entries(records, subject, fields, created_changes, related=None):
    """Entries from historical ``records`` (any order), diffing each against its previous one.

    ``related``: {history id: M2MChange} of the records' many-to-many fields."""
    previous = {}
    entries = []
    related = related or {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+" or before is None:
            entries.append(
                Entry(
                    record.history_date,
                    record.history_user,
                    subject(record),
                    created_changes(record),
                    created=True,
                )
            )
            continue
        changes = [
            (label, display(getattr(before, name)), display(getattr(record, name)))
            for name, label, display in fields
            if getattr(before, name) != getattr(record, name)
        ]
        added = [related[record.history_id]] if record.history_id in related else []
        if changes or added:
            entries.append(
                Entry(
                    record.history_date,
                    record.history_user,
                    subject(record),
                    changes,
                    related=added,
                )
            )
    return entries


def _same(value):
    return value


def agreement_history(agreement):
    """Every recorded change of the agreement, its stages and commitments, newest first.

    Five queries, whatever the number of changes (the supported pages' snapshots and pages
    are two).
    """
    stage_fields = [
        ("status", _("status"), lambda v: _label(StageStatus, v)),
        ("deliverable_id", _("deliverable"), _same),
        ("notes", _("notes"), _same),
    ]
    commitment_fields = [
        ("due_on", _("due on"), _same),
        ("fulfilled_on", _("fulfilled on"), _same),
        ("report", _("fulfilment report"), _same),
        ("description", _("commitment"), _same),
    ]
    agreement_fields = [
        ("current_stage", _("current stage"), lambda v: _label(CurrentStage, v)),
        ("signed_on", _("signed on"), _same),
        ("starts_on", _("starts on"), _same),
        ("expires_on", _("expires on"), _same),
        ("title", _("title"), _same),
        ("reference", _("reference number"), _same),
    ]
    records = list(Agreement.history.filter(id=agreement.pk).select_related("history_user"))
    entries = _entries(
        records,
        lambda r: _("Agreement"),
        agreement_fields,
        lambda r: [],
        m2m_changes(Agreement, "supported_pages", records),
    )
    entries += _entries(
        AgreementStage.history.filter(agreement_id=agreement.pk).select_related("history_user"),
        lambda r: _label(Stage, r.stage),
        stage_fields,
        lambda r: [(_("status"), None, _label(StageStatus, r.status))],
    )
    entries += _entries(
        Commitment.history.filter(agreement_id=agreement.pk).select_related("history_user"),
        lambda r: (
            _("Commitment of %(party)s due on %(date)s")
            % {"party": _label(Party, r.party), "date": date_format(r.due_on, "SHORT_DATE_FORMAT")}
        ),
        commitment_fields,
        lambda r: [(_("due on"), None, r.due_on)],
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
