import datetime

import pytest
from django.utils import timezone

from tests import factories
from tutoria_cms.academics.models import StudentRecord
from tutoria_cms.core import roles
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.models import MentoringProgramme, Participant

# Pairs are confirmed "now": the tests' dates are relative to the real today.
TODAY = timezone.localdate()
PERIOD = (TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=120))


def make_student(number, name=None, **kwargs):
    if "site" not in kwargs:
        from tutoria_cms.core.institutions import default_site

        kwargs["site"] = default_site()
    return StudentRecord.objects.create(
        student_number=number,
        full_name=name or f"Estudiante {number}",
        email=f"{number}@alumnos.example.edu",
        curriculum_hours=3000,
        completed_hours=300,
        **kwargs,
    )


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coord", groups=[roles.COORDINATION])


@pytest.fixture
def mentor_user(db):
    return factories.UserFactory(username="mentor_a", groups=[roles.TUTORS])


@pytest.fixture
def other_mentor_user(db):
    return factories.UserFactory(username="mentor_b", groups=[roles.TUTORS])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tutor_x", groups=[roles.TUTORS])


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


@pytest.fixture
def board(db):
    return factories.UserFactory(username="colegiado", groups=[roles.BOARD])


@pytest.fixture
def mentoring_page(programme_index):
    return factories.build_programme(
        programme_index,
        title="Mentoría entre iguales",
        kind="peer_mentoring",
        modalities=["video", "in_person"],
    )


@pytest.fixture
def mentoring(mentoring_page):
    return MentoringProgramme.objects.create(
        page=mentoring_page,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        guidelines="Respeta la confidencialidad y acuerda un horario.",
        mentor_capacity=2,
        meeting_every_days=14,
        check_in_every_days=30,
        minimum_score=30,
    )


def participant(
    programme,
    role,
    number,
    *,
    user=None,
    goals=(),
    interests=(),
    experience=0,
    availability=("mon_am",),
    languages=("español",),
    capacity=None,
    **kwargs,
):
    return Participant.objects.create(
        programme=programme,
        role=role,
        student=make_student(number, **kwargs),
        user=user,
        goals=list(goals),
        interests=list(interests),
        experience=experience,
        availability=list(availability),
        languages=list(languages),
        capacity=capacity,
    )


@pytest.fixture
def mentor_a(mentoring, mentor_user):
    return participant(
        mentoring,
        "mentor",
        "M001",
        user=mentor_user,
        name="Mentora Alicia",
        goals=["técnicas de estudio", "cálculo"],
        interests=["música"],
        experience=2,
        availability=["mon_am", "wed_pm"],
    )


@pytest.fixture
def mentor_b(mentoring, other_mentor_user):
    return participant(
        mentoring,
        "mentor",
        "M002",
        user=other_mentor_user,
        name="Mentor Bruno",
        goals=["programación"],
        interests=["fútbol"],
        experience=3,
        availability=["tue_am", "wed_pm"],
    )


@pytest.fixture
def mentee_1(mentoring):
    return participant(
        mentoring,
        "mentee",
        "E001",
        name="Elena Confidencial",
        goals=["Técnicas de Estudio"],
        interests=["musica"],
        availability=["mon_am", "wed_pm"],
    )


@pytest.fixture
def mentee_2(mentoring):
    return participant(
        mentoring,
        "mentee",
        "E002",
        name="Ernesto Reservado",
        goals=["programación"],
        interests=["fútbol"],
        availability=["tue_am"],
    )


def confirmed_pair(programme, mentor, mentee, user, today=TODAY):
    return services.pair_manually(programme, mentor, mentee, user, today=today)


@pytest.fixture
def pair(mentoring, mentor_a, mentee_1, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return confirmed_pair(mentoring, mentor_a, mentee_1, coordinator)


@pytest.fixture
def pair_b(mentoring, mentor_b, mentee_2, coordinator):
    return confirmed_pair(mentoring, mentor_b, mentee_2, coordinator)


def smart(**overrides):
    data = {
        "specific": "Aprobar Cálculo I en el primer parcial",
        "indicator": "Calificación del primer parcial (0 a 10)",
        "target": "8",
        "achievable_relevant": "Tiene tiempo para estudiar y es la materia que más le preocupa.",
        "due_date": TODAY + datetime.timedelta(days=40),
    }
    data.update(overrides)
    return data
