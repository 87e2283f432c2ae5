"""Student journey ("My requests"): sign in on the public site, land on the student area, file
a support request after accepting the privacy notice, then follow it on the timeline once
coordination has decided it and assigned a tutor; another student's request is "not found".
Also the individual-class request's pre-check: the board's verdict before sending."""

import datetime

import pytest

from tests import factories
from tests.e2e.conftest import server_idle
from tests.e2e.journeys.conftest import STUDENT_PASSWORD, es, student_signs_in
from tutoria_cms.core import roles
from tutoria_cms.core.models import InstitutionSettings
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, RequestState, TutoringRequest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTICE = "Tus datos personales se usan solo para darte tutoría (aviso de prueba)."
REASON = "Tu solicitud cumple los criterios del programa: comienza la próxima semana."


@pytest.fixture
def student_area(site):
    from wagtail.models import Site

    mexican = Site.objects.get(root_page=site)
    settings = InstitutionSettings.for_site(mexican)
    settings.privacy_notice = f"<p>{NOTICE}</p>"
    settings.save()
    area = factories.build_student_area(site, title="Mi espacio")
    record = factories.make_student(
        "MX001", site=mexican, full_name="Valeria Gómez Ruiz", email="valeria@example.edu"
    )
    # Signed up and confirmed (the factory adds the verified address allauth signs in by).
    factories.make_student_user(record, password=STUDENT_PASSWORD)
    return mexican, area, record


def sign_in_as_student(visitor, email):
    page = visitor()
    page.get_by_role("link", name="Iniciar sesión", exact=True).click()
    page.wait_for_url("**/accounts/login/**")
    return student_signs_in(page, email)


def test_student_files_a_support_request_and_follows_it(student_area, visitor):
    mexican, area, record = student_area
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    tutor = factories.UserFactory(
        username="tutora.ana", groups=[roles.TUTORS], first_name="Ana", last_name="Ramírez"
    )
    other = factories.make_student("MX002", site=mexican, full_name="Otro Estudiante")
    others = services.create_request(
        kind=RequestKind.SUPPORT, student=other, user=coordinator, site=mexican, reasons=["health"]
    )

    page = sign_in_as_student(visitor, record.email)
    page.locator("main").get_by_role("link", name=es("My requests")).first.click()
    page.get_by_text(es("You have not filed any request yet.")).wait_for()
    page.get_by_role("link", name=es("Ask for tutoring support")).click()

    # The privacy notice first, accepted with the request.
    page.get_by_text(NOTICE).wait_for()
    page.get_by_role("button", name=es("Send my request")).click()
    page.get_by_text(es("Accept the privacy notice to file a request.")).first.wait_for()
    page.get_by_label(es("I have read the privacy notice and I accept it.")).check()
    page.get_by_label(es("Academic performance")).check()
    page.get_by_label(es("Tell us more (optional)")).fill("Me cuesta Cálculo I.")
    page.get_by_role("button", name=es("Send my request")).click()
    page.get_by_text(es("Your request has been sent. You can follow it here.")).wait_for()
    assert es("Submitted") in page.locator("main").inner_text()

    with server_idle():
        request = TutoringRequest.objects.get(student=record)
        assert request.state == RequestState.SUBMITTED
        assert request.privacy_notice_version == 1
        request = services.transition(request, "review", coordinator)
        request = services.transition(request, "approve", coordinator, reason=REASON)
        services.assign_tutor(request, tutor, coordinator)

    page.reload()
    text = page.locator("main").inner_text()
    assert es("Decision: approved") in text, text
    assert REASON in text
    assert es("Tutor assigned") in text and "Ana Ramírez" in text
    assert "coordinacion" not in text

    # Another student's request, by changing the number in the address: not found.
    address = page.url.replace(f"/requests/{request.pk}/", f"/requests/{others.pk}/")
    response = page.goto(address)
    assert response.status == 404
    assert es("Page not found") in page.content()


def test_student_checks_an_individual_class_request_before_sending_it(student_area, visitor):
    from tutoria_cms.academics.models import CurricularComponent, Term

    mexican, area, record = student_area
    Term.objects.create(
        site=mexican,
        code="2026-1",
        name="Primavera 2026",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    CurricularComponent.objects.create(site=mexican, code="MAT101", name="Cálculo I", hours=60)

    page = sign_in_as_student(visitor, record.email)
    page.locator("main").get_by_role("link", name=es("My requests")).first.click()
    page.get_by_role("link", name=es("Ask for an individual teaching class")).click()
    page.get_by_label(es("Term"), exact=True).select_option(label="2026-1 · Primavera 2026")
    page.get_by_label(es("Curricular component"), exact=True).select_option(
        label="MAT101 · Cálculo I"
    )
    page.get_by_label(es("Its schedule clashes with another mandatory component of mine")).check()
    page.get_by_role("button", name=es("Check my request")).click()

    page.get_by_role("heading", name=es("Check your request")).wait_for()
    text = page.locator("main").inner_text()
    assert es("Eligibility verdict") in text
    assert "art. 24" in text  # the articles of the rule set, as the board reads them
    page.get_by_role("button", name=es("Go back and change it")).click()
    page.get_by_role("button", name=es("Check my request")).click()
    page.get_by_role("button", name=es("Confirm and send my request")).click()
    page.get_by_text(es("Your request has been sent. You can follow it here.")).wait_for()
    with server_idle():
        request = TutoringRequest.objects.get(student=record)
        assert request.kind == RequestKind.INDIVIDUAL_CLASS
        assert request.state == RequestState.SUBMITTED and request.schedule_clash
