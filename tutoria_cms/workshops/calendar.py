"""The workshops' sessions as calendar events: in their programme's public feed, in the
private feed of the tutors who facilitate them, and in the private feed of the students
registered for them (tutoria_cms.core.calendar).

Only what the workshop's public page says: the title, the date and times, the place (or
"at a distance"), the page's address. Never a video call link (the page gives it to whoever
reads it; a calendar service keeps it), nor anything about who signed up: a student's event is
the very event of the programme's public feed (the same UID).
"""

from django.apps import apps
from django.db.models import Prefetch

from tutoria_cms.core.calendar import CalendarEvent, local_datetime
from tutoria_cms.core.choices import Modality

from .models import GroupWorkshopPageMixin, WorkshopSession, get_page_model


def hostname_of(page):
    site = page.get_site()
    return site.hostname if site is not None else "localhost"


def session_uid(session, hostname):
    """Stable across publications: the session's row keeps its id while the page is edited."""
    return f"workshop-session-{session.pk}@{hostname}"


def session_location(session, workshop):
    """The place; else, for a session by video call, "At a distance: video call" (the link
    itself stays on the page)."""
    if (session.place or "").strip():
        return session.place.strip()
    if session.video_url:
        return str(Modality.VIDEO.label)
    return workshop.get_modality_display()


def session_events(workshop, request=None, hostname=None):
    hostname = hostname or hostname_of(workshop)
    url = workshop.get_full_url(request) or ""
    return [
        CalendarEvent(
            uid=session_uid(session, hostname),
            summary=workshop.title,
            start=local_datetime(session.date, session.start_time),
            end=local_datetime(session.date, session.end_time),
            location=session_location(session, workshop),
            url=url,
            categories=[workshop.get_topic_display(), workshop.get_modality_display()],
            # Sessions change only when the workshop page is published.
            last_modified=workshop.last_published_at,
        )
        for session in workshop.ordered_sessions
    ]


def _with_sessions(queryset):
    return (
        queryset.type(GroupWorkshopPageMixin)
        .specific()
        .prefetch_related(
            Prefetch("workshop_sessions", queryset=WorkshopSession.objects.order_by("date", "pk")),
            for_specific_subqueries=True,
        )
    )


def programme_events(programme, request=None):
    """The sessions of the live, public workshops of ``programme`` (its children: so of its
    own site only)."""
    workshops = _with_sessions(
        get_page_model().objects.child_of(programme).live().public().order_by("path")
    )
    hostname = hostname_of(programme)
    events = []
    for workshop in workshops:
        events.extend(session_events(workshop, request, hostname))
    return events


def facilitator_events(user):
    """The sessions of the live, public workshops naming ``user``'s tutor profile among their
    facilitators (when the tutor directory is installed)."""
    if not apps.is_installed("tutoria_cms.tutors"):
        return []
    from tutoria_cms.tutors.permissions import profile_for_user

    from .models import get_workshops_facilitated_by

    profile = profile_for_user(user)
    if profile is None:
        return []
    pks = [workshop.pk for workshop in get_workshops_facilitated_by(profile)]
    workshops = _with_sessions(get_page_model().objects.filter(pk__in=pks).order_by("path"))
    events = []
    for workshop in workshops:
        events.extend(session_events(workshop))
    return events


def programme_calendar_url(workshop, request=None):
    """The public feed of the workshop's programme (its parent page), or None."""
    parent = workshop.get_parent()
    if parent is None:
        return None
    # Its own class without a query for its own fields (the feed's URL needs only the page's).
    parent = parent.specific_deferred
    feed_url = getattr(parent, "calendar_feed_url", None)
    return feed_url(request) if callable(feed_url) else None


def student_events(user):
    """The sessions of the live workshops the student whose record ``user``'s account is linked
    to holds a seat in: their own registrations as "My workshops" counts them (of their
    institution, identity established: ``student_area.own_registrations``), confirmed; not
    the waiting list, not cancelled ones."""
    if user is None or not user.is_active or not apps.is_installed("tutoria_cms.students"):
        return []
    from tutoria_cms.students.linking import account_of

    from .models import WorkshopRegistration
    from .student_area import own_registrations

    account = account_of(user)
    if account is None:
        return []
    pks = (
        own_registrations(account.record)
        .filter(status=WorkshopRegistration.Status.CONFIRMED)
        .values("workshop_id")
    )
    workshops = _with_sessions(get_page_model().objects.filter(pk__in=pks).live().order_by("path"))
    hostname = account.record.site.hostname
    events = []
    for workshop in workshops:
        events.extend(session_events(workshop, hostname=hostname))
    return events
