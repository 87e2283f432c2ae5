"""Who changed a group's members and its sessions' attendance, and when (simple-history's
many-to-many snapshots, ``core.history``), for the group's history view."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import m2m_changes

from .models import GroupSession, StudentGroup


@dataclass
class MembershipEntry:
    when: object
    user: object
    subject: str
    change: object  # core.history.M2MChange


def group_membership_history(group):
    """The changes of ``group``'s members and of the attendance of its sessions, newest
    first. Students read as their student number (as in the group's form, which the same
    coordinators use); five queries whatever the number of changes."""
    entries = []
    records = list(StudentGroup.history.filter(id=group.pk).select_related("history_user"))
    by_id = {record.history_id: record for record in records}
    for history_id, change in m2m_changes(StudentGroup, "members", records).items():
        record = by_id[history_id]
        entries.append(
            MembershipEntry(record.history_date, record.history_user, _("Group"), change)
        )
    records = list(GroupSession.history.filter(group_id=group.pk).select_related("history_user"))
    by_id = {record.history_id: record for record in records}
    for history_id, change in m2m_changes(GroupSession, "attendees", records).items():
        record = by_id[history_id]
        subject = _("Session of %(date)s") % {"date": date_format(record.date, "SHORT_DATE_FORMAT")}
        entries.append(MembershipEntry(record.history_date, record.history_user, subject, change))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
