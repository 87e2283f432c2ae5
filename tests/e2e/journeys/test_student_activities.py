"""Journey of a student (tutoria_cms.students): signs in on the public site, opens "My
tutoring" (sees their session, never its private notes), then "My workshops", and cancels a
registration: the first on the waiting list gets the seat."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.e2e.journeys.conftest import (
    STUDENT_PASSWORD,
    es,
    new_page,
    open_area_section,
    request_in_progress,
    student_signs_in,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PRIVATE_NOTES = "Notas privadas: ansiedad ante los exámenes de Cálculo"


def test_student_sees_their_tutoring_and_cancels_a_workshop_registration(site, browsing):
    from tutoria_cms.requests import services
    from tutoria_cms.workshops.models import WorkshopRegistration

    Status = WorkshopRegistration.Status
    factories.build_student_area(site, title="Mi espacio")
    request = request_in_progress(student_number="MX2019001")
    services.record_session(
        request,
        request.assigned_tutor,
        date=timezone.localdate() - datetime.timedelta(days=3),
        modality="video",
        duration_minutes=90,
        private_notes=PRIVATE_NOTES,
    )
    lucia = request.student
    lucia.email = "lucia.hernandez@example.edu"
    lucia.save()
    # Signed up and confirmed (the factory adds the verified address allauth signs in by).
    user = factories.make_student_user(lucia, password=STUDENT_PASSWORD)
    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(
        programme, title="Taller de técnicas de estudio", capacity=1
    )
    now = timezone.now()
    mine = WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=lucia.student_number,
        full_name=lucia.full_name,
        email=lucia.email,
        consent=True,
        consent_at=now,
        status=Status.CONFIRMED,
        identity_verified_at=now,
        created_at=now - datetime.timedelta(days=2),
    )
    other = factories.make_student("MX2019002", full_name="Bruno Díaz")
    waiting = WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=other.student_number,
        full_name=other.full_name,
        email=other.email,
        consent=True,
        consent_at=now,
        status=Status.WAITLISTED,
        identity_verified_at=now,
        created_at=now - datetime.timedelta(days=1),
    )

    page = student_signs_in(new_page(browsing), user.email)

    # My tutoring: the tutor and the session, not what the tutor wrote about it.
    open_area_section(page, "My tutoring")
    page.wait_for_url("**/mi-espacio/tutoring/")
    page.get_by_role("heading", name=es("Tutoring sessions")).wait_for()
    main = page.locator("main").inner_text()
    assert "Ana Ramírez" in main, main
    assert es("At a distance: video call") in main and "1,5" in main, main
    assert PRIVATE_NOTES not in page.content()

    # My workshops: cancel, confirm.
    open_area_section(page, "My workshops")
    page.wait_for_url("**/mi-espacio/workshops/")
    assert es("Confirmed") in page.locator("main").inner_text()
    page.get_by_role("link", name="Taller de técnicas de estudio").first.wait_for()
    cancel_link = es("Cancel my registration for %(workshop)s") % {"workshop": workshop.title}
    page.get_by_role("link", name=cancel_link).click()
    page.get_by_role("heading", name=es("Cancel a registration")).wait_for()
    page.get_by_role("button", name=es("Cancel my registration"), exact=True).click()
    page.wait_for_url("**/mi-espacio/workshops/")
    page.get_by_role("heading", name=es("Cancelled registrations")).wait_for()
    assert "Taller de técnicas de estudio" in page.get_by_role("status").inner_text()

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
