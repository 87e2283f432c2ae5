"""The student's private calendar feed: their own tutoring, class and group sessions and the
sessions of the workshops they hold a seat in (nobody else's, no notes, nothing about who they
are), and the student area's "My calendar" section that turns it on, resets and turns it off."""

import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests import factories
from tests.students.conftest import BR_HOST, MX_HOST, client_for, signed_in
from tutoria_cms.academics.models import CurricularComponent, Term
from tutoria_cms.core.models import CalendarFeedToken
from tutoria_cms.requests.models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    RequestKind,
    RequestState,
    StudentGroup,
    TutoringRequest,
    TutoringSession,
)
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db

NOTES = "PRIVATE-NOTES-ABOUT-VALERIA"
TOPIC = "TOPIC-LIMITES-CONFIDENTIAL"
OTHER_NOTES = "OTHER-STUDENTS-SESSION-NOTES"
Status = WorkshopRegistration.Status


def today(days=0):
    return timezone.localdate() + datetime.timedelta(days=days)


def url(page):
    return page.relative_url(page.get_site())


def register(workshop, record, status=Status.CONFIRMED, verified=True):
    now = timezone.now()
    return WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=record.student_number,
        full_name=record.full_name,
        email=record.email,
        consent=True,
        consent_at=now,
        status=status,
        identity_verified_at=now if verified else None,
    )


def read(secret, host=MX_HOST):
    response = client_for(host).get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response, Calendar.from_ical(response.content)


def uids(calendar):
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


@pytest.fixture
def world(institutions):
    """Valeria (MX) with a tutoring session, a class session, a group session and workshop
    seats of every kind; Bruno (MX) with his own."""
    mx, br = institutions
    area = factories.build_student_area(mx.root_page, title="Mi espacio")
    term = Term.objects.create(
        site=mx, code="T-NOW", name="Este periodo", starts_on=today(-60), ends_on=today(60)
    )
    valeria = factories.make_student("MX001", site=mx, full_name="Valeria Gómez")
    bruno = factories.make_student("MX002", site=mx, full_name="Bruno Díaz")
    tutor = factories.UserFactory(username="tutora", first_name="Rosa", last_name="Luna")
    request = TutoringRequest.objects.create(
        site=mx,
        kind=RequestKind.SUPPORT,
        state=RequestState.IN_PROGRESS,
        student=valeria,
        term=term,
        assigned_tutor=tutor,
    )
    tutoring = TutoringSession.objects.create(
        request=request,
        date=today(3),
        modality="video",
        attention_type="individual",
        duration_minutes=90,
        private_notes=NOTES,
    )
    component = CurricularComponent.objects.create(
        site=mx, code="MAT101", name="Cálculo I", hours=60
    )
    individual = IndividualClass.objects.create(
        site=mx, term=term, component=component, tutor=tutor
    )
    individual.requests.add(request)
    class_session = ClassSession.objects.create(
        individual_class=individual,
        date=today(-5),
        modality="in_person",
        duration_minutes=120,
        topic=TOPIC,
    )
    group = StudentGroup.objects.create(
        site=mx, code="G1", name="Grupo de primer semestre", term=term, tutor=tutor
    )
    group.members.set([valeria, bruno])
    group_session = GroupSession.objects.create(
        group=group, date=today(-2), topic=TOPIC, modality="video", duration_minutes=45
    )
    bruno_request = TutoringRequest.objects.create(
        site=mx,
        kind=RequestKind.SUPPORT,
        state=RequestState.IN_PROGRESS,
        student=bruno,
        assigned_tutor=tutor,
    )
    bruno_session = TutoringSession.objects.create(
        request=bruno_request,
        date=today(-4),
        modality="telephone",
        duration_minutes=50,
        private_notes=OTHER_NOTES,
    )
    programme = factories.build_programme(factories.build_programme_index(mx.root_page))
    seated = factories.build_workshop(programme, title="Taller de técnicas de estudio")
    waiting = factories.build_workshop(programme, title="Taller en lista de espera")
    cancelled = factories.build_workshop(programme, title="Taller cancelado")
    unverified = factories.build_workshop(programme, title="Taller sin verificar")
    brunos = factories.build_workshop(programme, title="Taller de Bruno")
    register(seated, valeria)
    register(waiting, valeria, Status.WAITLISTED)
    register(cancelled, valeria, Status.CANCELLED)
    register(unverified, valeria, verified=False)
    register(brunos, bruno)
    return {
        "area": area,
        "programme": programme,
        "valeria": factories.make_student_user(valeria),
        "bruno": factories.make_student_user(bruno),
        "tutoring": tutoring,
        "class_session": class_session,
        "group_session": group_session,
        "bruno_session": bruno_session,
        "seated": seated,
        "brunos": brunos,
    }


def workshop_uid(workshop):
    (session,) = workshop.ordered_sessions
    return f"workshop-session-{session.pk}@{MX_HOST}"


def test_a_students_feed_has_their_sessions_and_workshops_and_nobody_elses(world):
    _token, secret = CalendarFeedToken.objects.issue(world["valeria"])
    response, calendar = read(secret)
    assert uids(calendar) == {
        f"tutoring-session-{world['tutoring'].pk}@{MX_HOST}",
        f"class-session-{world['class_session'].pk}@{MX_HOST}",
        f"group-session-{world['group_session'].pk}@{MX_HOST}",
        workshop_uid(world["seated"]),
    }
    by_uid = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    tutoring = by_uid[f"tutoring-session-{world['tutoring'].pk}@{MX_HOST}"]
    # The Mexican site's language; an all-day event on the date recorded.
    assert str(tutoring["SUMMARY"]) == "Sesión de tutoría · A distancia: videollamada · 90 min"
    assert tutoring.decoded("DTSTART") == world["tutoring"].date
    workshop = by_uid[workshop_uid(world["seated"])]
    assert str(workshop["SUMMARY"]) == "Taller de técnicas de estudio"
    assert str(workshop["LOCATION"]) == "Aula 3"
    # Nothing about who the student is nor what was written about them.
    text = response.content.decode()
    for secret_text in (
        NOTES,
        TOPIC,
        OTHER_NOTES,
        "Valeria",
        "MX001",
        "Rosa Luna",
        "Cálculo",
        "Grupo de primer semestre",
        "Taller de Bruno",
        "Taller en lista de espera",
        "Taller cancelado",
        "Taller sin verificar",
    ):
        assert secret_text not in text

    _token, secret = CalendarFeedToken.objects.issue(world["bruno"])
    _response, calendar = read(secret)
    assert uids(calendar) == {
        f"tutoring-session-{world['bruno_session'].pk}@{MX_HOST}",
        f"group-session-{world['group_session'].pk}@{MX_HOST}",
        workshop_uid(world["brunos"]),
    }


def test_a_tutor_who_is_also_a_student_gets_both(world):
    from tutoria_cms.core import roles
    from tutoria_cms.core.calendar import personal_events
    from tutoria_cms.students.models import LinkMethod, StudentAccount

    # A tutor (of Bruno's request) who studies at the institution too.
    tutor = factories.UserFactory(username="tutor-student", groups=[roles.TUTORS])
    TutoringRequest.objects.filter(pk=world["bruno_session"].request_id).update(
        assigned_tutor=tutor
    )
    record = factories.make_student("MX003", site=world["area"].get_site())
    StudentAccount.objects.create(
        user=tutor, record=record, method=LinkMethod.VERIFIED_EMAIL, evidence=record.email
    )
    register(world["seated"], record)
    assert {event.uid for event in personal_events(tutor)} == {
        f"tutoring-session-{world['bruno_session'].pk}@{MX_HOST}",  # as a tutor
        workshop_uid(world["seated"]),  # as a student
    }


def section(world):
    return url(world["area"]) + "calendar/"


def feed_address(body):
    match = re.search(r'id="calendar-feed-url"[^>]*value="([^"]+)"', body)
    return match.group(1) if match else None


def test_my_calendar_turns_on_shows_once_resets_and_turns_off(world):
    client = signed_in(world["valeria"])
    page = client.get(section(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mi calendario" in body and "Tu calendario suscribible está desactivado." in body
    # The programme's public feed is linked.
    assert world["programme"].full_url + "calendar/" in body
    assert not CalendarFeedToken.objects.exists()  # a visit makes nothing

    response = client.post(section(world), {"action": "create"})
    assert response.status_code == 302
    body = client.get(section(world)).content.decode()
    assert "Tu calendario suscribible está activado." in body  # the message
    address = feed_address(body)
    assert address.startswith(f"http://{MX_HOST}/calendar/") and address.endswith(".ics")
    assert "webcal://" + address.removeprefix("http://") in body
    path = address.removeprefix(f"http://{MX_HOST}")
    _response, calendar = read(path.removeprefix("/calendar/").removesuffix(".ics"))
    assert workshop_uid(world["seated"]) in uids(calendar)
    # Shown once: only its hash is kept.
    again = client.get(section(world)).content.decode()
    assert feed_address(again) is None and "Restablecer la dirección" in again

    client.post(section(world), {"action": "reset"})
    assert client_for(MX_HOST).get(path).status_code == 404  # the old address is gone
    new = feed_address(client.get(section(world)).content.decode())
    assert new and new != address
    assert client_for(MX_HOST).get(new.removeprefix(f"http://{MX_HOST}")).status_code == 200

    client.post(section(world), {"action": "off"})
    assert client_for(MX_HOST).get(new.removeprefix(f"http://{MX_HOST}")).status_code == 404
    assert not CalendarFeedToken.objects.filter(revoked_at__isnull=True).exists()
    assert "está desactivado" in client.get(section(world)).content.decode()


def test_my_calendar_acts_only_on_ones_own_feed_and_needs_csrf(world):
    _token, secret = CalendarFeedToken.objects.issue(world["bruno"])
    client = signed_in(world["valeria"])
    client.post(section(world), {"action": "off"})
    client.post(section(world), {"action": "reset"})
    assert client_for(MX_HOST).get(f"/calendar/{secret}.ics").status_code == 200
    checked = client_for(MX_HOST)
    checked.handler.enforce_csrf_checks = True
    checked.force_login(world["valeria"])
    assert checked.post(section(world), {"action": "off"}).status_code == 403
    assert CalendarFeedToken.objects.filter(user=world["valeria"]).count() == 1


def test_my_calendar_is_only_for_the_student(world):
    assert client_for(MX_HOST).get(section(world)).status_code == 302  # to sign in
    staff = factories.build_tutor_user("tutor1")
    response = signed_in(staff).post(section(world), {"action": "create"})
    assert response.status_code == 403
    assert not CalendarFeedToken.objects.filter(user=staff).exists()
    # A student of the other institution.
    record = factories.make_student(
        "BR001", site=world["area"].get_site().__class__.objects.get(hostname=BR_HOST)
    )
    assert signed_in(factories.make_student_user(record)).get(section(world)).status_code == 403
