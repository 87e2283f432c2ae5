"""Read an agreement's history (simple-history rows) as entries for people: who, when, what
(``core.history``: each row's changes by ``diff_against``, many-to-many changes)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import field_changes, m2m_changes

from .models import Agreement, AgreementStage, Commitment


def _entries(records, subject, fields, created_fields, related=None):
    """``core.history.HistoryEntry`` of historical ``records`` (any order), each row diffed
    against its previous one: a created row shows ``created_fields`` only; a later row shows
    its changes (``fields``) and ``related`` ({history id: M2MChange}), if any."""
    related = related or {}
    entries = []
    for row in field_changes(records, fields):
        record = row.record
        if row.created or record.history_type == "+":
            changes = [change for change in row.changes if change.name in created_fields]
            entries.append(row.entry(subject(record), changes=changes, created=True))
            continue
        added = [related[record.history_id]] if record.history_id in related else []
        if row.changes or added:
            entries.append(row.entry(subject(record), related=added))
    return entries


def agreement_history(agreement):
    """Every recorded change of the agreement, its stages and commitments, newest first.

    Five queries, whatever the number of changes (the supported pages' snapshots and pages
    are two; the stages' deliverables one more when one changed).
    """
    records = list(Agreement.history.filter(id=agreement.pk).select_related("history_user"))
    entries = _entries(
        records,
        lambda r: _("Agreement"),
        ("current_stage", "signed_on", "starts_on", "expires_on", "title", "reference"),
        (),
        m2m_changes(Agreement, "supported_pages", records),
    )
    entries += _entries(
        AgreementStage.history.filter(agreement_id=agreement.pk).select_related("history_user"),
        lambda r: r.get_stage_display(),
        ("status", "deliverable", "notes"),
        ("status",),
    )
    entries += _entries(
        Commitment.history.filter(agreement_id=agreement.pk).select_related("history_user"),
        lambda r: (
            _("Commitment of %(party)s due on %(date)s")
            % {"party": r.get_party_display(), "date": date_format(r.due_on, "SHORT_DATE_FORMAT")}
        ),
        ("due_on", "fulfilled_on", "report", "description"),
        ("due_on",),
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
