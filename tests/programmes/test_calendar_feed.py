"""The programme's public iCalendar feed (its page's ``calendar/`` route): the sessions of its
live, public workshops, and nothing of a draft or private programme nor of another site."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from tests import factories


def es(message):
    """As the Mexican site (Spanish) shows it: pages and feeds speak the site's language."""
    with translation.override("es"):
        return translation.gettext(message)


pytestmark = pytest.mark.django_db


def feed_url(programme):
    return programme.get_url() + "calendar/"


def read_feed(client, programme, host="localhost"):
    response = client.get(feed_url(programme), HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_lists_the_sessions_of_the_programmes_live_public_workshops(client, programme):
    workshop = factories.build_workshop(
        programme,
        title="Técnicas de estudio",
        sessions=[
            factories.session_data(days=3, start="09:30", end="11:00", place="Aula 3"),
            factories.session_data(
                days=10,
                start="16:00",
                end="18:00",
                place="",
                video_url=("https://meet.example.org/secret-room"),
            ),
        ],
    )
    draft = factories.build_workshop(programme, title="Borrador")
    draft.unpublish()
    private = factories.build_workshop(programme, title="Solo personal")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    calendar = read_feed(client, programme)
    found = events(calendar)
    first, second = workshop.ordered_sessions
    assert set(found) == {
        f"workshop-session-{first.pk}@localhost",
        f"workshop-session-{second.pk}@localhost",
    }
    event = found[f"workshop-session-{first.pk}@localhost"]
    assert str(event["SUMMARY"]) == "Técnicas de estudio"
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(first.date, datetime.time(9, 30), tzinfo=zone)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)  # written in UTC
    assert event.decoded("DTEND") == start + datetime.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Aula 3"
    assert str(event["URL"]) == workshop.get_full_url()
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event
    assert event.decoded("LAST-MODIFIED") == workshop.last_published_at.replace(microsecond=0)
    online = found[f"workshop-session-{second.pk}@localhost"]
    assert "secret-room" not in calendar.to_ical().decode()  # no video call link in a feed
    assert str(online["LOCATION"]) == es("At a distance: video call")
    assert "Borrador" not in calendar.to_ical().decode()
    assert "Solo personal" not in calendar.to_ical().decode()


def test_uids_are_stable_when_the_workshop_is_published_again(client, programme):
    workshop = factories.build_workshop(programme)
    before = set(events(read_feed(client, programme)))
    workshop.title = "Técnicas de estudio (nueva edición)"
    workshop.save_revision().publish()
    calendar = read_feed(client, programme)
    assert set(events(calendar)) == before
    assert "nueva edición" in calendar.to_ical().decode()


def test_another_sites_workshops_are_not_in_the_feed(client, programme, br_programme, br_workshop):
    factories.build_workshop(programme, title="Taller de aquí")
    calendar = read_feed(client, programme)
    assert "Oficina de estudos" not in calendar.to_ical().decode()
    br_calendar = read_feed(client, br_programme, host="127.0.0.1")
    (event,) = br_calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Oficina de estudos"
    assert str(event["UID"]).endswith("@127.0.0.1")


def test_draft_programme_has_no_feed(client, programme):
    factories.build_workshop(programme)
    url = feed_url(programme)
    read_feed(client, programme)  # while published, it has one
    programme.unpublish()
    assert client.get(url, HTTP_HOST="localhost").status_code == 404


@pytest.mark.parametrize("restriction_type", ["login", "password"])
def test_private_programme_has_no_feed(client, admin_user, programme, restriction_type):
    factories.build_workshop(programme, title="Taller interno")
    assert "Taller interno" in read_feed(client, programme).to_ical().decode()
    PageViewRestriction.objects.create(
        page=programme, restriction_type=restriction_type, password="clave"
    )
    response = client.get(feed_url(programme), HTTP_HOST="localhost")
    assert response.status_code == 404
    # Not even for someone who may read the page: a feed's address carries no sign-in.
    client.force_login(admin_user)
    response = client.get(feed_url(programme), HTTP_HOST="localhost")
    assert response.status_code == 404
    assert "Taller interno" not in response.content.decode()


def test_programme_in_a_private_section_has_no_feed(client, programme_index, programme):
    factories.build_workshop(programme)
    read_feed(client, programme)
    PageViewRestriction.objects.create(page=programme_index, restriction_type="login")
    assert client.get(feed_url(programme), HTTP_HOST="localhost").status_code == 404


def test_programme_and_workshop_pages_link_to_the_feed(client, programme):
    workshop = factories.build_workshop(programme)
    href = programme.get_url() + "calendar/"
    for page in (programme, workshop):
        html = client.get(page.get_url(), HTTP_HOST="localhost").content.decode()
        head = html.split("</head>")[0]
        title = es("Calendar of the programme's workshops")
        assert (
            f'<link rel="alternate" type="text/calendar" title="{title}" href="{href}">'
        ) in head
        body = html.split("<body>")[1]
        subscribe = es("Subscribe to the calendar")
        assert f'<a href="{href}" type="text/calendar">{subscribe}</a>' in body


def test_private_programme_pages_do_not_link_to_a_feed(client, admin_user, programme):
    public = client.get(programme.get_url(), HTTP_HOST="localhost").content.decode()
    assert es("Subscribe to the calendar") in public
    PageViewRestriction.objects.create(page=programme, restriction_type="login")
    client.force_login(admin_user)
    html = client.get(programme.get_url(), HTTP_HOST="localhost").content.decode()
    assert "text/calendar" not in html
    assert es("Subscribe to the calendar") not in html


def test_the_page_its_children_and_its_feed_are_all_served(client, programme):
    """The route serves the feed and leaves the page and its workshops as they were."""
    workshop = factories.build_workshop(programme)
    read_feed(client, programme)
    assert client.get(programme.get_url(), HTTP_HOST="localhost").status_code == 200
    assert client.get(workshop.get_url(), HTTP_HOST="localhost").status_code == 200
    assert client.get(programme.get_url() + "nope/", HTTP_HOST="localhost").status_code == 404


def test_times_follow_the_sites_time_zone(client, programme, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    workshop = factories.build_workshop(
        programme, sessions=[factories.session_data(days=5, start="10:00", end="12:00")]
    )
    (session,) = workshop.ordered_sessions
    (event,) = read_feed(client, programme).walk("VEVENT")
    expected = datetime.datetime.combine(
        session.date, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo")
    )
    assert event.decoded("DTSTART") == expected
    assert timezone.is_aware(event.decoded("DTSTART"))
