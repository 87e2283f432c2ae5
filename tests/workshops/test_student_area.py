"""The student area's "My workshops" (workshops app): the signed-in student's own registrations
(identity established, of their institution), sessions, attendance and certificates, and
cancelling one, which gives the seat to the next on the waiting list."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.students.conftest import BR_HOST, MX_HOST, client_for, institutions, signed_in  # noqa: F401
from tutoria_cms.workshops import certificates
from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

pytestmark = pytest.mark.django_db

Status = WorkshopRegistration.Status
IMPOSTOR = "Nombre-Tecleado-Por-Otro"
IMPOSTOR_EMAIL = "impostor@example.com"


def url(page):
    return page.relative_url(page.get_site())


def register(workshop, record, status=Status.CONFIRMED, verified=True, **extra):
    now = timezone.now()
    values = {
        "workshop_id": workshop.pk,
        "student_number": record.student_number if record else "MX001",
        "full_name": record.full_name if record else IMPOSTOR,
        "email": record.email if record else IMPOSTOR_EMAIL,
        "consent": True,
        "consent_at": now,
        "status": status,
        "identity_verified_at": now if verified else None,
        "created_at": now,
    }
    values.update(extra)
    return WorkshopRegistration.objects.create(**values)


@pytest.fixture
def world(institutions):  # noqa: F811
    mx, br = institutions
    areas = (
        factories.build_student_area(mx.root_page, title="Mi espacio"),
        factories.build_student_area(br.root_page, title="Minha área"),
    )
    programme = factories.build_programme(factories.build_programme_index(mx.root_page))
    upcoming = factories.build_workshop(
        programme,
        title="Taller de técnicas de estudio",
        capacity=1,
        sessions=[factories.session_data(days=-7), factories.session_data(days=7)],
    )
    past = factories.build_workshop(
        programme,
        title="Taller de gestión del tiempo",
        sessions=[
            factories.session_data(days=-20, start="10:00", end="12:00"),
            factories.session_data(days=-13, start="10:00", end="11:30"),
        ],
    )
    other = factories.build_workshop(programme, title="Taller de escritura académica")
    br_programme = factories.build_programme(
        factories.build_programme_index(br.root_page), title="Programa de tutoria"
    )
    br_workshop = factories.build_workshop(br_programme, title="Oficina de estudos")
    valeria = factories.make_student("MX001", site=mx, full_name="Valeria Gómez")
    bruno = factories.make_student("MX002", site=mx, full_name="Bruno Díaz")
    ana = factories.make_student("BR001", site=br, full_name="Ana Souza")
    mine = register(upcoming, valeria, created_at=timezone.now() - datetime.timedelta(days=3))
    waiting = register(
        upcoming, bruno, Status.WAITLISTED, created_at=timezone.now() - datetime.timedelta(days=2)
    )
    attended = register(past, valeria)
    first, second = past.workshop_sessions.order_by("date")
    Attendance.objects.create(session=first, registration=attended, present=True)
    Attendance.objects.create(session=second, registration=attended, present=False)
    staff = factories.UserFactory(username="coordinacion", groups=["Tutoring coordination"])
    certificate, _created = certificates.issue_workshop_certificate(attended, staff)
    # Someone typed Valeria's number on the public form: not confirmed from her record's
    # address, nobody verified it. And a sign-up still awaiting its e-mail link.
    typed = register(other, None, verified=False)
    pending = register(
        programme_workshop_pending := factories.build_workshop(programme, title="Taller pendiente"),
        valeria,
        Status.PENDING,
        verified=False,
    )
    # A registration with Valeria's number in the other institution's workshop.
    elsewhere = register(br_workshop, valeria)
    anas = register(br_workshop, ana)
    return {
        "areas": areas,
        "valeria": factories.make_student_user(valeria),
        "bruno": factories.make_student_user(bruno),
        "ana": factories.make_student_user(ana),
        "staff": staff,
        "upcoming": upcoming,
        "mine": mine,
        "waiting": waiting,
        "attended": attended,
        "certificate": certificate,
        "typed": typed,
        "pending": pending,
        "pending_workshop": programme_workshop_pending,
        "elsewhere": elsewhere,
        "anas": anas,
    }


def section(world, index=0):
    return url(world["areas"][index]) + "workshops/"


def test_the_student_sees_their_registrations_attendance_and_certificate(world):
    response = signed_in(world["valeria"]).get(section(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Taller de técnicas de estudio" in body and "Taller de gestión del tiempo" in body
    # The workshop links to its page.
    assert f'href="{url(world["upcoming"])}"' in body
    # The past workshop: one session of two attended, two hours; its certificate.
    assert "2 horas" in body or "2 hours" in body
    assert f"{world['attended'].pk}/certificate/" in body
    assert f"/certificates/verify/{world['certificate'].code}/" in body
    # The registration in the coming workshop can be cancelled; the past one cannot.
    assert f"{world['mine'].pk}/cancel/" in body
    assert f"{world['attended'].pk}/cancel/" not in body


def test_unverified_pending_and_other_institutions_registrations_are_not_the_students(world):
    body = signed_in(world["valeria"]).get(section(world)).content.decode()
    # The sign-up typed with her number is mentioned (its workshop), never what was typed.
    assert "Taller de escritura académica" in body
    assert IMPOSTOR not in body and IMPOSTOR_EMAIL not in body
    assert f"{world['typed'].pk}/cancel/" not in body
    assert "Taller pendiente" not in body
    assert "Oficina de estudos" not in body
    # Nor Bruno's registration.
    assert "Bruno" not in body


def test_the_waiting_list_place_is_shown(world):
    body = signed_in(world["bruno"]).get(section(world)).content.decode()
    assert "Taller de técnicas de estudio" in body
    assert "<dd>1</dd>" in body  # first in line
    assert "Valeria" not in body


def test_cancelling_gives_the_seat_to_the_next_on_the_waiting_list(world):
    client = signed_in(world["valeria"])
    cancel_url = section(world) + f"{world['mine'].pk}/cancel/"
    confirmation = client.get(cancel_url)
    assert confirmation.status_code == 200
    assert "csrfmiddlewaretoken" in confirmation.content.decode()
    world["mine"].refresh_from_db()
    assert world["mine"].status == Status.CONFIRMED  # asking changes nothing
    response = client.post(cancel_url)
    assert response.status_code == 302 and response["Location"].endswith(section(world))
    world["mine"].refresh_from_db()
    world["waiting"].refresh_from_db()
    assert world["mine"].status == Status.CANCELLED
    assert world["waiting"].status == Status.CONFIRMED
    assert world["mine"].history.first().history_user == world["valeria"]
    body = client.get(section(world)).content.decode()
    assert "Taller de técnicas de estudio" in body  # now among the cancelled


def test_a_past_workshop_cannot_be_cancelled(world):
    client = signed_in(world["valeria"])
    cancel_url = section(world) + f"{world['attended'].pk}/cancel/"
    page = client.get(cancel_url)
    assert page.status_code == 200
    assert 'method="post" class="tutoria-form"' not in page.content.decode()
    response = client.post(cancel_url)
    assert response.status_code == 409
    world["attended"].refresh_from_db()
    assert world["attended"].status == Status.CONFIRMED


def test_another_students_registration_is_not_found(world):
    client = signed_in(world["valeria"])
    # The control: her own registration's pages are found.
    assert client.get(section(world) + f"{world['mine'].pk}/cancel/").status_code == 200
    for registration in ("waiting", "typed", "pending", "elsewhere", "anas"):
        pk = world[registration].pk
        for action in ("cancel", "certificate"):
            response = client.get(section(world) + f"{pk}/{action}/")
            assert response.status_code == 404, (registration, action)
        assert client.post(section(world) + f"{pk}/cancel/").status_code == 404
        world[registration].refresh_from_db()
        assert world[registration].status != Status.CANCELLED
    assert (
        signed_in(world["bruno"])
        .get(section(world) + f"{world['attended'].pk}/certificate/")
        .status_code
        == 404
    )


def test_the_holder_downloads_their_certificate(world, monkeypatch):
    monkeypatch.setattr(certificates, "render_pdf", lambda certificate: b"%PDF-1.7 test")
    response = signed_in(world["valeria"]).get(
        section(world) + f"{world['attended'].pk}/certificate/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert world["certificate"].code in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_staff_other_institutions_students_and_anonymous_are_kept_out(world):
    path = section(world)
    cancel_url = path + f"{world['mine'].pk}/cancel/"
    for user in (world["ana"], world["staff"]):
        assert signed_in(user).get(path).status_code == 403
        assert signed_in(user).post(cancel_url).status_code == 403
    anonymous = client_for(MX_HOST).post(cancel_url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    world["mine"].refresh_from_db()
    assert world["mine"].status == Status.CONFIRMED
    # Ana's area lists only her registration in her institution.
    body = signed_in(world["ana"], BR_HOST).get(section(world, 1)).content.decode()
    assert "Oficina de estudos" in body and "Taller" not in body


def test_the_overview_counts_active_registrations(world):
    body = signed_in(world["valeria"]).get(url(world["areas"][0])).content.decode()
    assert "2 inscripciones activas a talleres" in body
