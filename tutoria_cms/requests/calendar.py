"""A tutor's sessions in their private calendar feed (tutoria_cms.core.calendar).

Sessions are recorded by date and duration (no time of day): all-day events. An event says
only what kind of session it was, its modality and its length, with a neutral summary: never
the student, the request's reasons, the disclosure, the session's topic or private notes. A
feed is read by third-party calendar services (docs/privacy.md).

Only the sessions of the institutions where the tutor is still an active member, of the last
year and the future.
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
