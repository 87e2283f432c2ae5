"""Journey of a student (issue #16, "done when"): signs in, downloads the attendance
certificate of a workshop they attended from "My workshops", checks it on its public
verification page, and subscribes to the programme's calendar from the workshop's page."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.e2e.journeys.conftest import (
    STUDENT_PASSWORD,
    es,
    new_page,
    open_area_section,
    student_signs_in,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
    user = factories.make_student_user(valeria, password=STUDENT_PASSWORD)
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
    page = student_signs_in(new_page(browsing), user.email)

    # My workshops: the certificate, as a PDF.
    open_area_section(page, "My workshops")
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


def a_student_tutored_last_term(site):
    """Valeria was tutored last term: two sessions (1.5 h and 1 h) with Rosa Luna."""
    from wagtail.models import Site

    from tutoria_cms.academics.models import Term
    from tutoria_cms.requests.models import (
        RequestKind,
        RequestState,
        TutoringRequest,
        TutoringSession,
    )

    factories.build_student_area(site, title="Mi espacio")
    institution = Site.objects.get(root_page=site)
    today = timezone.localdate()
    term = Term.objects.create(
        site=institution,
        code="2026-1",
        name="Periodo 2026-1",
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today - datetime.timedelta(days=20),
    )
    valeria = factories.make_student(
        "MX001", site=institution, full_name="Valeria Gómez", email="valeria.gomez@example.edu"
    )
    user = factories.make_student_user(valeria, password=STUDENT_PASSWORD)
    tutor = factories.UserFactory(username="tutora", first_name="Rosa", last_name="Luna")
    request = TutoringRequest.objects.create(
        site=institution,
        kind=RequestKind.SUPPORT,
        state=RequestState.CLOSED,
        student=valeria,
        term=term,
        assigned_tutor=tutor,
    )
    for days, minutes in ((100, 90), (60, 60)):
        TutoringSession.objects.create(
            request=request,
            date=today - datetime.timedelta(days=days),
            modality="in_person",
            attention_type="individual",
            duration_minutes=minutes,
        )
    return user, term


def test_a_student_downloads_their_tutoring_certificate_of_last_term_and_checks_it(site, browsing):
    from tutoria_cms.workshops.models import Certificate

    user, term = a_student_tutored_last_term(site)
    page = student_signs_in(new_page(browsing), user.email)

    open_area_section(page, "My tutoring")
    page.wait_for_url("**/mi-espacio/tutoring/")
    name = es("Download my tutoring certificate for %(term)s") % {"term": term.name}
    with page.expect_download() as caught:
        page.get_by_role("link", name=name).click()
    download = caught.value
    certificate = Certificate.objects.get(term=term)
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The code printed on it leads to its public verification page: her name, the term and
    # the hours, nothing of what was talked about.
    page.goto(f"/certificates/verify/{certificate.code}/")
    facts = page.locator("main").inner_text()
    assert "Valeria Gómez" in facts and "Periodo 2026-1" in facts, facts
    assert "2,50" in facts or "2.5" in facts, facts
