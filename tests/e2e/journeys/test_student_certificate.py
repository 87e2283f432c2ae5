"""Journey of a student (issue #16, "done when"): signs in, downloads the attendance
certificate of a workshop they attended from "My workshops", checks it on its public
verification page, and subscribes to the programme's calendar from the workshop's page."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.e2e.journeys.conftest import es, new_page

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "A-long-student-passphrase-42"  # noqa: S105


def a_student_who_attended(site):
    """Valeria attended one session of two of a past workshop; coordination issued her
    certificate. The programme has another workshop coming."""
    from tutoria_cms.workshops import certificates
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    factories.build_student_area(site, title="Mi espacio")
    programme = factories.build_programme(factories.build_programme_index(site))
    past = factories.build_workshop(
        programme,
        title="Taller de gestión del tiempo",
        sessions=[
            factories.session_data(days=-20, start="10:00", end="12:00"),
            factories.session_data(days=-13, start="10:00", end="11:30"),
        ],
    )
    factories.build_workshop(
        programme,
        title="Taller de técnicas de estudio",
        sessions=[factories.session_data(days=10, start="16:00", end="18:00")],
    )
    valeria = factories.make_student(
        "MX001", full_name="Valeria Gómez", email="valeria.gomez@example.edu"
    )
    user = factories.make_student_user(valeria, password=PASSWORD)
    now = timezone.now()
    attended = WorkshopRegistration.objects.create(
        workshop_id=past.pk,
        student_number=valeria.student_number,
        full_name=valeria.full_name,
        email=valeria.email,
        consent=True,
        consent_at=now,
        status=WorkshopRegistration.Status.CONFIRMED,
        identity_verified_at=now,
        created_at=now - datetime.timedelta(days=30),
    )
    first, second = past.workshop_sessions.order_by("date")
    Attendance.objects.create(session=first, registration=attended, present=True)
    Attendance.objects.create(session=second, registration=attended, present=False)
    coordinator = factories.UserFactory(username="coordinacion", groups=["Tutoring coordination"])
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    return user, past, certificate


def test_a_student_downloads_and_checks_their_certificate_and_subscribes_to_the_calendar(
    site, browsing
):
    import icalendar

    user, workshop, certificate = a_student_who_attended(site)
    page = new_page(browsing)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=es("Sign In")).click()
    page.wait_for_url("**/mi-espacio/")

    # My workshops: the certificate, as a PDF.
    page.get_by_role("navigation", name=es("Student area")).get_by_role(
        "link", name=es("My workshops")
    ).click()
    page.wait_for_url("**/mi-espacio/workshops/")
    download_name = es("Download the attendance certificate of %(workshop)s (PDF)") % {
        "workshop": workshop.title
    }
    with page.expect_download() as caught:
        page.get_by_role("link", name=download_name).click()
    download = caught.value
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Its verification page shows the certificate's facts.
    page.get_by_role("link", name=es("Its verification page")).click()
    page.wait_for_url(f"**/certificates/verify/{certificate.code}/")
    facts = page.locator("main").inner_text()
    assert "Valeria Gómez" in facts and workshop.title in facts, facts

    # The programme's calendar, from the workshop's own page.
    page.go_back()
    page.wait_for_url("**/mi-espacio/workshops/")
    page.get_by_role("link", name=workshop.title, exact=True).first.click()
    page.wait_for_url(f"**{workshop.url}")
    link = page.get_by_role("link", name=es("Subscribe to the calendar"))
    answer = page.request.get(link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.body())
    summaries = [str(event.get("summary")) for event in calendar.walk("VEVENT")]
    assert any("Taller de técnicas de estudio" in summary for summary in summaries), summaries
