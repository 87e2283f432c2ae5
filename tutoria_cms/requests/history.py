"""Who changed a group's members and its sessions' attendance, and when (simple-history's
many-to-many snapshots, ``core.history``), for the group's history view."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import HistoryEntry, field_changes, m2m_changes

from .models import GroupSession, StudentGroup


def group_membership_history(group):
    """The changes of ``group``'s members and of the attendance of its sessions, newest
    first. Students read as their student number (as in the group's form, which the same
    coordinators use); five queries whatever the number of changes."""
    entries = []
    records = list(StudentGroup.history.filter(id=group.pk).select_related("history_user"))
    by_id = {record.history_id: record for record in records}
    for history_id, change in m2m_changes(StudentGroup, "members", records).items():
        record = by_id[history_id]
        entries.append(HistoryEntry(record.history_date, record.history_user, _("Group"), change))
    records = list(GroupSession.history.filter(group_id=group.pk).select_related("history_user"))
    by_id = {record.history_id: record for record in records}
    for history_id, change in m2m_changes(GroupSession, "attendees", records).items():
        record = by_id[history_id]
        subject = _("Session of %(date)s") % {"date": date_format(record.date, "SHORT_DATE_FORMAT")}
        entries.append(HistoryEntry(record.history_date, record.history_user, subject, change))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def class_history(individual_class):
    """What changed in an individual class, newest first (simple-history): its designated
    tutor, its requests (joined or removed), and its sessions (recorded, corrected,
    deleted), each with who and when. Requests read as their title (no confidential text).
    Five queries whatever the number of changes."""
    from .forms import tutor_label
    from .models import ClassSession, IndividualClass

    entries = []
    records = list(
        IndividualClass.history.filter(id=individual_class.pk).select_related("history_user")
    )
    by_id = {record.history_id: record for record in records}
    for history_id, change in m2m_changes(IndividualClass, "requests", records).items():
        record = by_id[history_id]
        entries.append(HistoryEntry(record.history_date, record.history_user, _("Class"), change))
    for row in field_changes(records, ("tutor",), {"tutor": tutor_label}):
        texts = [_("Opened")] if row.created else []
        texts += [
            _("Tutor designated: %(tutor)s") % {"tutor": change.new}
            for change in row.changes
            if change.new is not None
        ]
        entries += [row.entry(_("Class"), change=text, changes=[], created=False) for text in texts]
    kinds = {"+": _("Recorded"), "~": _("Corrected"), "-": _("Deleted")}
    for record in ClassSession.history.filter(
        individual_class_id=individual_class.pk
    ).select_related("history_user"):
        subject = _("Session of %(date)s") % {"date": date_format(record.date, "SHORT_DATE_FORMAT")}
        change = _("%(what)s: %(modality)s, %(minutes)d minutes") % {
            "what": kinds.get(record.history_type, record.history_type),
            "modality": record.get_modality_display(),
            "minutes": record.duration_minutes,
        }
        entries.append(HistoryEntry(record.history_date, record.history_user, subject, change))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
