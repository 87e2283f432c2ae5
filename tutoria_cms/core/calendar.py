"""iCalendar feeds (RFC 5545, written with the ``icalendar`` library).

- Public feeds: a programme's workshop sessions (``tutoria_cms.programmes``: the programme
  page's ``calendar/`` route; the events come from ``PROGRAMME_CALENDAR_HOOK``).
- Private feeds: one person's own calendar at ``/calendar/<token>.ics``, without signing in
  (calendar applications cannot), through a secret, revocable token
  (:class:`~tutoria_cms.core.models.CalendarFeedToken`). The events come from the apps through
  ``PERSONAL_CALENDAR_HOOK`` (``hook(user)`` returns a list of :class:`CalendarEvent`). A feed
  ends up in third-party calendar services: an event says *when* and *what kind*, never who
  the student is nor what they confided (docs/privacy.md).

Times are written in UTC (aware datetimes are converted); sessions known only by their date
are all-day events.
"""

import datetime
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.users.models import UserProfile

PERSONAL_CALENDAR_HOOK = "tutoria_personal_calendar_events"
PRODUCT_ID = "-//tutoria-cms//Calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass
class CalendarEvent:
    """One event of a feed. ``start``/``end`` are aware datetimes, or dates (all-day)."""

    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date | None = None
    location: str = ""
    url: str = ""
    description: str = ""
    categories: list = field(default_factory=list)
    last_modified: datetime.datetime | None = None
    cancelled: bool = False


def _utc(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    return value


def local_datetime(date, time):
    """``date`` at ``time`` in the site's time zone (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(date, time))


def build_calendar(name, events, now=None):
    """The calendar ``name`` with ``events``, as bytes (RFC 5545)."""
    from icalendar import Calendar, Event

    now = _utc(now or timezone.now())
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", str(name))
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", str(item.summary))
        event.add("dtstart", _utc(item.start))
        end = item.end
        if end is None and not isinstance(item.start, datetime.datetime):
            end = item.start + datetime.timedelta(days=1)
        if end is not None:
            event.add("dtend", _utc(end))
        if item.location:
            event.add("location", str(item.location))
        if item.url:
            event.add("url", item.url)
        if item.description:
            event.add("description", str(item.description))
        if item.categories:
            event.add("categories", [str(category) for category in item.categories])
        if item.last_modified:
            event.add("last-modified", _utc(item.last_modified))
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(name, events, filename, private=False):
    response = HttpResponse(build_calendar(name, events), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        # The address is a credential: kept by no shared cache, indexed by nobody.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    return response


def personal_events(user):
    """Every app's events for ``user`` (``PERSONAL_CALENDAR_HOOK``: as a tutor, as a student),
    soonest first, each UID once."""
    events = {}
    for hook in hooks.get_hooks(PERSONAL_CALENDAR_HOOK):
        for event in hook(user) or []:
            # Once, if two apps give the same event (a tutor's workshop they are registered for).
            events.setdefault(event.uid, event)
    return sorted(events.values(), key=lambda event: (_sort_key(event.start), event.uid))


def _sort_key(value):
    if isinstance(value, datetime.datetime):
        return _utc(value)
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


class PersonalFeedView(View):
    """``/calendar/<token>.ics``: the calendar of the token's owner. An unknown, revoked or
    malformed token, or an inactive account, is a bare 404 (nothing tells them apart). It
    only reads: GET (and HEAD)."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        return personal_feed(request, token)


def personal_feed(request, token):
    from .models import CalendarFeedToken

    feed_token = CalendarFeedToken.objects.for_token(token)
    if feed_token is None:
        raise Http404
    feed_token.mark_used()
    user = feed_token.user
    # In the language the person chose for the admin (calendar services send none of theirs).
    with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
        return calendar_response(
            gettext("My tutoring calendar"), personal_events(user), "calendar.ics", private=True
        )


# Making, showing and revoking one's own feed: the account's screen (below) and the student
# area's "My calendar" (tutoria_cms.students.calendar) ---------------------------------------

SETTINGS_URL_NAME = "tutoria_calendar_feed_settings"
FEED_URL_NAME = "tutoria_calendar_feed"
# The secret of a feed just made, shown once on the next view of the screen (not stored).
NEW_SECRET_SESSION_KEY = "tutoria_calendar_feed_new_secret"  # noqa: S105 (a session key)


def issue_feed(request):
    """Make the signed-in person's feed (replacing their active one, whose address stops
    working at once). Its secret waits in the session for the next view of the screen, which
    shows it once (:func:`feed_state`): only its hash is stored."""
    from .models import CalendarFeedToken

    _token, secret = CalendarFeedToken.objects.issue(request.user)
    request.session[NEW_SECRET_SESSION_KEY] = secret


def revoke_feed(request):
    """Turn off the signed-in person's feed: its address is a 404 from now on. Whether there
    was one to turn off."""
    from .models import CalendarFeedToken

    return bool(CalendarFeedToken.objects.revoke(request.user))


def feed_url(request, secret):
    """The feed's full address, on the host (and scheme) the person is using."""
    return request.build_absolute_uri(reverse(FEED_URL_NAME, kwargs={"token": secret}))


def feed_state(request):
    """``(active token or None, its address or None)``: the address only on the first view
    after :func:`issue_feed` (the secret leaves the session then)."""
    from .models import CalendarFeedToken

    token = CalendarFeedToken.objects.active_for(request.user)
    secret = request.session.pop(NEW_SECRET_SESSION_KEY, None)
    if secret and token is not None:
        return token, feed_url(request, secret)
    return token, None


# The account's screen: Account › More actions › Calendar feed -----------------------------


class CalendarFeedView(WagtailAdminTemplateMixin, TemplateView):
    """Create (or replace) and revoke the person's private calendar feed."""

    template_name = "tutoria_cms/core/calendar_feed.html"
    page_title = _("Calendar feed")
    header_icon = "date"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_token"], context["feed_url"] = feed_state(self.request)
        return context

    def post(self, request, *args, **kwargs):
        from wagtail.admin import messages

        action = request.POST.get("action")
        if action == "create":
            issue_feed(request)
            messages.success(
                request,
                gettext(
                    "Your calendar feed is ready. Copy its address now: it is shown only once."
                ),
            )
        elif action == "revoke" and revoke_feed(request):
            messages.success(
                request, gettext("Your calendar feed is revoked: its address no longer works.")
            )
        return redirect(SETTINGS_URL_NAME)


def admin_urlpatterns():
    return [path("calendar-feed/", CalendarFeedView.as_view(), name=SETTINGS_URL_NAME)]


def account_menu_item(request):
    return {
        "url": reverse(SETTINGS_URL_NAME),
        "label": gettext("Calendar feed"),
        "help_text": gettext(
            "A private address to follow your sessions and workshops in your calendar app."
        ),
    }
