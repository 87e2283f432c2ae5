"""schema.org ``Event`` objects of a workshop page's sessions (JSON-LD, see
:mod:`tutoria_cms.core.seo`). Only what the public page shows: title, dates, place, the video
call link, the institution; nothing of the registrations."""

import datetime

from django.utils import timezone

from tutoria_cms.core import seo
from tutoria_cms.core.sites import site_for

OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
ONLINE = "https://schema.org/OnlineEventAttendanceMode"
MIXED = "https://schema.org/MixedEventAttendanceMode"


def _moment(date, time):
    return timezone.make_aware(datetime.datetime.combine(date, time)).isoformat()


def session_event(page, session, url, organiser, description):
    locations = []
    if session.place:
        locations.append({"@type": "Place", "name": session.place, "address": session.place})
    if session.video_url:
        locations.append({"@type": "VirtualLocation", "url": session.video_url})
    if session.place and session.video_url:
        mode = MIXED
    elif session.video_url:
        mode = ONLINE
    else:
        mode = OFFLINE
    event = {
        "@type": "Event",
        "name": page.title,
        "description": description,
        "url": url,
        "startDate": _moment(session.date, session.start_time),
        "endDate": _moment(session.date, session.end_time),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
    }
    if locations:
        event["location"] = locations[0] if len(locations) == 1 else locations
    if organiser:
        event["organizer"] = organiser
    return event


def workshop_events(page, request=None):
    """One ``Event`` per session of a workshop page (none for other pages)."""
    from .models import GroupWorkshopPageMixin

    if not isinstance(page, GroupWorkshopPageMixin):
        return []
    url = page.get_full_url(request)
    organiser = seo.site_organisation(site_for(page, request), request)
    description = seo.page_description(page)
    return [
        session_event(page, session, url, organiser, description)
        for session in page.ordered_sessions
    ]
