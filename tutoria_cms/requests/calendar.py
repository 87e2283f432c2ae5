"""A tutor's sessions, and a student's, in their private calendar feed
(tutoria_cms.core.calendar).

Sessions are recorded by date and duration (no time of day): all-day events. An event says
only what kind of session it was, its modality and its length, with a neutral summary: never
the student, the request's reasons, the disclosure, the session's topic or private notes. A
feed is read by third-party calendar services (docs/privacy.md).

A tutor's: only the sessions of the institutions where the tutor is still an active member,
of the last year and the future. A student's (an account linked to their student record,
``tutoria_cms.students``): the tutoring sessions of their own requests, the sessions of their
individual classes and of their tutoring groups (as "My tutoring" shows them,
``student_tutoring.py``), of the last year and the future; the same neutral events, so the
feed says nothing about the student either.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from tutoria_cms.core import institutions
from tutoria_cms.core.calendar import CalendarEvent

from .models import ClassSession, GroupSession, TutoringSession

# How far back the feed goes.
PAST_DAYS = 365


def _summary(kind, session):
    return gettext("%(kind)s · %(modality)s · %(minutes)d min") % {
        "kind": kind,
        "modality": session.get_modality_display(),
        "minutes": session.duration_minutes,
    }


def _event(prefix, kind, session, last_modified=None):
    return CalendarEvent(
        uid=f"{prefix}-{session.pk}@{session.site.hostname}",
        summary=_summary(kind, session),
        start=session.date,
        categories=[kind, session.get_modality_display()],
        last_modified=last_modified,
    )


def tutor_events(user, today=None):
    if user is None or not user.is_active:
        return []
    since = (today or timezone.localdate()) - datetime.timedelta(days=PAST_DAYS)

    def mine(queryset):
        # Only in the institutions where the tutor is still a member (site_ids_for).
        return institutions.scope(queryset.filter(date__gte=since), user).select_related("site")

    tutoring = mine(TutoringSession.objects.filter(request__assigned_tutor=user))
    classes = mine(ClassSession.objects.filter(individual_class__tutor=user))
    groups = mine(GroupSession.objects.filter(group__tutor=user))
    events = [
        _event("tutoring-session", gettext("Tutoring session"), session, session.created_at)
        for session in tutoring
    ]
    events += [
        _event("class-session", gettext("Individual class session"), session, session.created_at)
        for session in classes
    ]
    events += [
        _event("group-session", gettext("Group tutoring session"), session) for session in groups
    ]
    return events


def student_record_of(user):
    """The student record ``user``'s account is linked to (``tutoria_cms.students``), or None."""
    from django.apps import apps

    if user is None or not user.is_active or not apps.is_installed("tutoria_cms.students"):
        return None
    from tutoria_cms.students.linking import account_of

    account = account_of(user)
    return account.record if account is not None else None


def student_events(user, today=None):
    from .student_tutoring import own_classes, own_groups, own_sessions

    student = student_record_of(user)
    if student is None:
        return []
    since = (today or timezone.localdate()) - datetime.timedelta(days=PAST_DAYS)
    tutoring = own_sessions(student).filter(date__gte=since).select_related("site")
    classes = ClassSession.objects.filter(
        individual_class__in=own_classes(student).values("pk"),
        site_id=student.site_id,
        date__gte=since,
    ).select_related("site")
    groups = GroupSession.objects.filter(
        group__in=own_groups(student).values("pk"), site_id=student.site_id, date__gte=since
    ).select_related("site")
    # Only the columns an event needs: never a private note or a topic.
    fields = ("pk", "date", "modality", "duration_minutes", "site__hostname")
    events = [
        _event("tutoring-session", gettext("Tutoring session"), session, session.created_at)
        for session in tutoring.only(*fields, "created_at", "request_id", "site_id")
    ]
    events += [
        _event("class-session", gettext("Individual class session"), session, session.created_at)
        for session in classes.only(*fields, "created_at", "individual_class_id", "site_id")
    ]
    events += [
        _event("group-session", gettext("Group tutoring session"), session)
        for session in groups.only(*fields, "group_id", "site_id")
    ]
    return events
