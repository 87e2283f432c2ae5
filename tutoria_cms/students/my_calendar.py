"""The student area's "My calendar" section: the student's private calendar feed.

The same feed as a tutor's (``tutoria_cms.core.calendar``: ``/calendar/<secret>.ics``, made,
shown once, replaced and revoked by the same functions), reached from the student area since
students have no admin. Its events come from the apps' ``tutoria_personal_calendar_events``
hooks: for an account linked to a student record, their tutoring, class and group sessions
(``tutoria_cms.requests``) and the sessions of the workshops they hold a seat in
(``tutoria_cms.workshops``). The section also links the public feeds of the institution's
programmes.

Every action is a POST with the CSRF token (a GET never makes or changes a feed), and acts
only on the signed-in person's own feed.
"""

from django.apps import apps
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.calendar import feed_state, issue_feed, revoke_feed

SLUG = "calendar"
LABEL = _("My calendar")
DESCRIPTION = _("Your sessions and workshops in your calendar app, by a private address.")


def programme_feeds(request, site):
    """[{"title", "url"}] of the public feeds of the live, public programmes of ``site``."""
    if site is None or not apps.is_installed("tutoria_cms.programmes"):
        return []
    from tutoria_cms.core.models import get_page_model_for

    model = get_page_model_for("programme", required=False)
    if model is None:
        return []
    feeds = []
    programmes = model.objects.live().public().descendant_of(site.root_page).order_by("path")
    for programme in programmes:
        url = programme.calendar_feed_url(request)
        if url:
            feeds.append({"title": programme.title, "url": request.build_absolute_uri(url)})
    return feeds


def webcal(url):
    """The ``webcal://`` form of a feed's address, which calendar apps open to subscribe."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url.removeprefix(scheme)
    return url


def my_calendar(page, request):
    here = page.get_url(request) + f"{SLUG}/"
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "reset"):
            issue_feed(request)
            if action == "reset":
                messages.success(
                    request,
                    gettext(
                        "Your calendar feed has a new address: the old one no longer works. "
                        "Copy the new one now: it is shown only once."
                    ),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Your calendar feed is on. Copy its address now: it is shown only once."
                    ),
                )
        elif action == "off" and revoke_feed(request):
            messages.success(
                request, gettext("Your calendar feed is off: its address no longer works.")
            )
        return redirect(here)
    feed_token, url = feed_state(request)
    context = {
        "feed_token": feed_token,
        "feed_url": url,
        "webcal_url": webcal(url) if url else None,
        "programme_feeds": programme_feeds(request, page.get_site()),
    }
    return page.render_section(request, SLUG, "tutoria_cms/students/my_calendar.html", context)


def summary(request):
    from tutoria_cms.core.models import CalendarFeedToken

    if CalendarFeedToken.objects.active_for(request.user) is not None:
        return gettext("Your calendar feed is on.")
    return None


urlpatterns = [path("", my_calendar, name=SLUG)]
