"""Journey of a student (tutoria_cms.students): signs in on the public site, opens "My
calendar" from their area, turns their private calendar feed on, and the address shown is a
calendar (read without signing in, as a calendar app reads it) with the session of the workshop
they hold a seat in."""

import urllib.request

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from tests.e2e.journeys.conftest import (
    STUDENT_PASSWORD,
    es,
    new_page,
    open_area_section,
    student_signs_in,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_student_turns_on_their_calendar_feed_and_it_has_their_workshop(site, browsing):
    from tutoria_cms.workshops.models import WorkshopRegistration

    factories.build_student_area(site, title="Mi espacio")
    lucia = factories.make_student(
        "MX2019001", full_name="Lucía Hernández", email="lucia.hernandez@example.edu"
    )
    user = factories.make_student_user(lucia, password=STUDENT_PASSWORD)
    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(programme, title="Taller de técnicas de estudio")
    now = timezone.now()
    WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=lucia.student_number,
        full_name=lucia.full_name,
        email=lucia.email,
        consent=True,
        consent_at=now,
        status=WorkshopRegistration.Status.CONFIRMED,
        identity_verified_at=now,
    )
    (session,) = workshop.ordered_sessions

    page = student_signs_in(new_page(browsing), user.email)

    open_area_section(page, "My calendar")
    page.wait_for_url("**/mi-espacio/calendar/")
    page.get_by_text(es("Your calendar feed is off.")).wait_for()
    # The programme's public calendar is linked too.
    page.get_by_role(
        "link", name=es("Calendar of %(programme)s (iCalendar)") % {"programme": programme.title}
    ).wait_for()

    page.get_by_role("button", name=es("Turn on my calendar feed")).click()
    page.get_by_role("status").get_by_text(
        es("Your calendar feed is on. Copy its address now: it is shown only once.")
    ).wait_for()
    address = page.get_by_label(
        es("Address of your calendar feed (copy it now: it is shown only once)")
    ).input_value()
    assert address.startswith(site.get_site().root_url + "/calendar/"), address
    assert address.endswith(".ics")

    with urllib.request.urlopen(address, timeout=30) as response:  # noqa: S310 (the live server)
        assert response.headers["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.read())
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    event = events[f"workshop-session-{session.pk}@localhost"]
    assert str(event["SUMMARY"]) == "Taller de técnicas de estudio"
    assert "Lucía" not in calendar.to_ical().decode()
