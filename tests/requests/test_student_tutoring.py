"""The student area's "My tutoring" (requests app): the signed-in student's own tutors,
sessions, classes, groups and referrals, never what staff wrote about them, and nobody
else's."""

import datetime
import re

import pytest
from django.utils import timezone

from tests import factories
from tests.students.conftest import BR_HOST, MX_HOST, client_for, institutions, signed_in  # noqa: F401
from tutoria_cms.academics.models import CurricularComponent, Term
from tutoria_cms.requests.models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    Referral,
    ReferralStatus,
    RequestKind,
    RequestState,
    StudentGroup,
    TutoringRequest,
    TutoringSession,
)

pytestmark = pytest.mark.django_db

NOTES = "PRIVATE-NOTES-ABOUT-VALERIA"
REASON = "REFERRAL-REASON-ANXIETY"
OUTCOME = "REFERRAL-OUTCOME-NOTES"
OTHER_NOTES = "OTHER-STUDENTS-SESSION-NOTES"


def url(page):
    return page.relative_url(page.get_site())


def today(days=0):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def world(institutions):  # noqa: F811
    """Valeria (MX) with a tutor, sessions, a class, a group and a referral; Bruno (MX) and
    Ana (BR) with their own."""
    mx, br = institutions
    areas = (
        factories.build_student_area(mx.root_page, title="Mi espacio"),
        factories.build_student_area(br.root_page, title="Minha área"),
    )
    term = Term.objects.create(
        site=mx, code="T-NOW", name="Este periodo", starts_on=today(-60), ends_on=today(60)
    )
    old_term = Term.objects.create(
        site=mx, code="T-OLD", name="Periodo anterior", starts_on=today(-300), ends_on=today(-120)
    )
    valeria = factories.make_student("MX001", site=mx, full_name="Valeria Gómez")
    bruno = factories.make_student("MX002", site=mx, full_name="Bruno Díaz")
    ana = factories.make_student("BR001", site=br, full_name="Ana Souza")
    tutor = factories.UserFactory(username="tutora", first_name="Rosa", last_name="Luna")
    other_tutor = factories.UserFactory(username="tutor2", first_name="Hugo", last_name="Sol")
    request = TutoringRequest.objects.create(
        site=mx,
        kind=RequestKind.SUPPORT,
        state=RequestState.IN_PROGRESS,
        student=valeria,
        term=term,
        assigned_tutor=tutor,
    )
    # A request closed long ago: its tutor is not the student's tutor now.
    TutoringRequest.objects.create(
        site=mx,
        kind=RequestKind.SUPPORT,
        state=RequestState.CLOSED,
        student=valeria,
        assigned_tutor=factories.UserFactory(username="t3", first_name="Old", last_name="Tutor"),
    )
    TutoringSession.objects.create(
        request=request,
        date=today(-10),
        modality="video",
        attention_type="individual",
        duration_minutes=90,
        private_notes=NOTES,
    )
    TutoringSession.objects.create(
        request=request, date=today(-200), modality="in_person", duration_minutes=600
    )
    Referral.objects.create(
        request=request,
        service=factories.referral_service(mx, "Psicología"),
        reason=REASON,
        outcome_notes=OUTCOME,
        status=ReferralStatus.FOLLOW_UP,
        status_changed_at=timezone.now(),
    )
    component = CurricularComponent.objects.create(
        site=mx, code="MAT101", name="Cálculo I", hours=60
    )
    individual = IndividualClass.objects.create(
        site=mx, term=term, component=component, tutor=other_tutor
    )
    individual.requests.add(request)
    ClassSession.objects.create(
        individual_class=individual,
        date=today(-5),
        modality="in_person",
        duration_minutes=120,
        topic="Límites y continuidad",
    )
    group = StudentGroup.objects.create(
        site=mx, code="G1", name="Grupo de primer semestre", term=term, tutor=other_tutor
    )
    group.members.set([valeria, bruno])
    held = GroupSession.objects.create(
        group=group,
        date=today(-3),
        topic="Técnicas de estudio",
        modality="video",
        duration_minutes=60,
    )
    held.attendees.set([valeria])
    missed = GroupSession.objects.create(
        group=group,
        date=today(-2),
        topic="Gestión del tiempo",
        modality="video",
        duration_minutes=45,
    )
    missed.attendees.set([bruno])
    # Bruno's own tutoring, and a group Valeria is not in.
    bruno_request = TutoringRequest.objects.create(
        site=mx,
        kind=RequestKind.SUPPORT,
        state=RequestState.IN_PROGRESS,
        student=bruno,
        assigned_tutor=factories.UserFactory(username="t4", first_name="Bea", last_name="Mar"),
    )
    TutoringSession.objects.create(
        request=bruno_request,
        date=today(-4),
        modality="telephone",
        duration_minutes=50,
        private_notes=OTHER_NOTES,
    )
    bruno_class = IndividualClass.objects.create(
        site=mx,
        term=old_term,
        component=CurricularComponent.objects.create(
            site=mx, code="EST101", name="Estadística", hours=60
        ),
    )
    bruno_class.requests.add(bruno_request)
    bruno_group = StudentGroup.objects.create(
        site=mx, code="G9", name="Grupo de Bruno", term=old_term
    )
    bruno_group.members.set([bruno])
    return {
        "areas": areas,
        "valeria": factories.make_student_user(valeria),
        "bruno": factories.make_student_user(bruno),
        "ana": factories.make_student_user(ana),
        "class": individual,
        "group": group,
        "bruno_class": bruno_class,
        "bruno_group": bruno_group,
    }


def section(world):
    return url(world["areas"][0]) + "tutoring/"


def test_the_student_sees_their_tutor_sessions_classes_groups_and_referrals(world):
    client = signed_in(world["valeria"])
    response = client.get(section(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "My tutoring" in body or "Mis tutorías" in body
    assert "Rosa Luna" in body  # the tutor of the request in progress
    assert "Old Tutor" not in body  # a closed request's tutor is not theirs now
    # Two sessions (video, 1.5 h; in person, 10 h), in Spanish.
    assert ">1,50<" in body and ">10<" in body and "11,50" in body
    assert not re.search(r"\dE\+\d", body)  # no Decimal in scientific notation
    assert "Cálculo I" in body and "Hugo Sol" in body
    assert "Grupo de primer semestre" in body
    assert "Psicología" in body
    # Nobody else's.
    assert "Bea Mar" not in body and "Estadística" not in body and "Grupo de Bruno" not in body


def test_private_notes_and_referral_texts_never_reach_the_student(world):
    client = signed_in(world["valeria"])
    pages = [
        section(world),
        section(world) + f"class/{world['class'].pk}/",
        section(world) + f"group/{world['group'].pk}/",
        url(world["areas"][0]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for secret in (NOTES, REASON, OUTCOME, OTHER_NOTES):
            assert secret not in body, (path, secret)


def test_class_and_group_pages_show_their_sessions_and_attendance(world):
    client = signed_in(world["valeria"])
    body = client.get(section(world) + f"class/{world['class'].pk}/").content.decode()
    assert "Límites y continuidad" in body and ">2<" in body
    body = client.get(section(world) + f"group/{world['group'].pk}/").content.decode()
    assert "Técnicas de estudio" in body and "Gestión del tiempo" in body
    # Attended the first, not the second: said in words, not by colour.
    assert body.index("Técnicas de estudio") < body.index("Sí") < body.index("Gestión del tiempo")
    assert body.index("Gestión del tiempo") < body.rindex(">No<")


def test_another_students_class_or_group_is_not_found(world):
    client = signed_in(world["valeria"])
    assert client.get(section(world) + f"class/{world['bruno_class'].pk}/").status_code == 404
    assert client.get(section(world) + f"group/{world['bruno_group'].pk}/").status_code == 404
    assert client.get(section(world) + "class/999999/").status_code == 404
    # Bruno is in Valeria's group: he sees it, without Valeria's attendance.
    body = signed_in(world["bruno"]).get(section(world) + f"group/{world['group'].pk}/")
    assert body.status_code == 200
    assert "Valeria" not in body.content.decode()


def test_the_overview_summarises_the_terms_sessions(world):
    body = signed_in(world["valeria"]).get(url(world["areas"][0])).content.decode()
    # This term: one tutoring session, one class session, one group session attended (the
    # session of 200 days ago and the group session missed do not count).
    assert "3 sesiones este periodo" in body


def test_staff_other_institutions_students_and_anonymous_are_kept_out(world):
    path = section(world)
    assert signed_in(world["ana"]).get(path).status_code == 403
    staff = factories.build_tutor_user("coordinadora")
    assert signed_in(staff).get(path).status_code == 403
    anonymous = client_for(MX_HOST).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Ana, in her own area, sees none of the Mexican records.
    body = signed_in(world["ana"], BR_HOST).get(url(world["areas"][1]) + "tutoring/")
    assert body.status_code == 200
    assert "Rosa Luna" not in body.content.decode()
    assert (
        signed_in(world["ana"], BR_HOST)
        .get(url(world["areas"][1]) + f"tutoring/group/{world['group'].pk}/")
        .status_code
        == 404
    )
