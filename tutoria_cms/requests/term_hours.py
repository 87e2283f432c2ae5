"""The requests app's contribution to term certificates (the ``register_tutoria_term_hours``
hook of ``tutoria_cms.workshops.certificates``): the minutes and number of the tutoring
activities a student received, or a tutor gave, in a term's dates.

Received: the student's individual tutoring sessions, the sessions of their individual classes
and the group sessions they attended (the same queries as the student area's "My tutoring",
``student_tutoring``). Given: the sessions of the requests assigned to the tutor, of the
individual classes they teach and of the groups they tutor. Only dates, durations and counts
are read: never a session's notes.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import ClassSession, GroupSession, TutoringSession
from .student_tutoring import own_classes, own_sessions

RECEIVED = "received"
GIVEN = "given"


def _line(key, label, queryset):
    totals = queryset.order_by().aggregate(minutes=Sum("duration_minutes"), sessions=Count("pk"))
    return {
        "key": key,
        "label": label,
        "minutes": totals["minutes"] or 0,
        "sessions": totals["sessions"] or 0,
    }


def received(student, term):
    dates = {"date__gte": term.starts_on, "date__lte": term.ends_on}
    attended = GroupSession.objects.filter(
        pk__in=GroupSession.objects.filter(
            attendees=student, group__members=student, site_id=student.site_id, **dates
        ).values("pk")
    )
    return [
        _line(
            "tutoring_sessions",
            _("Individual tutoring sessions"),
            own_sessions(student).filter(**dates),
        ),
        _line(
            "class_sessions",
            _("Individual class sessions"),
            ClassSession.objects.filter(
                individual_class__in=own_classes(student).values("pk"), **dates
            ),
        ),
        _line("group_sessions", _("Group tutoring sessions attended"), attended),
    ]


def given(tutor, term):
    scope = {"site_id": term.site_id, "date__gte": term.starts_on, "date__lte": term.ends_on}
    return [
        _line(
            "tutoring_sessions",
            _("Individual tutoring sessions"),
            TutoringSession.objects.filter(request__assigned_tutor=tutor, **scope),
        ),
        _line(
            "class_sessions",
            _("Individual class sessions"),
            ClassSession.objects.filter(individual_class__tutor=tutor, **scope),
        ),
        _line(
            "group_sessions",
            _("Group tutoring sessions"),
            GroupSession.objects.filter(group__tutor=tutor, **scope),
        ),
    ]


def term_hours(kind, holder, term):
    if holder is None or term is None:
        return []
    if kind == RECEIVED:
        if holder.site_id != term.site_id:
            return []
        return received(holder, term)
    if kind == GIVEN:
        return given(holder, term)
    return []
