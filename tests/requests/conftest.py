import pytest

from tests import factories
from tutoria_cms.academics.models import (
    ComponentRecord,
    StudentRecord,
)
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind


def make_student(number="2019001", **kwargs):
    values = {
        "full_name": "Maria da Silva",
        "email": f"{number}@example.edu",
        "curriculum_hours": 3000,
        "completed_hours": 2800,
    }
    values.update(kwargs)
    return StudentRecord.objects.create(student_number=number, **values)


@pytest.fixture
def student(db):
    return make_student()


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coord", groups=[roles.COORDINATION])


@pytest.fixture
def board(db):
    return factories.UserFactory(username="board", groups=[roles.BOARD])


@pytest.fixture
def orientation(db):
    return factories.UserFactory(username="orient", groups=[roles.ORIENTATION])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tutor1", groups=[roles.TUTORS])


@pytest.fixture
def other_tutor(db):
    return factories.UserFactory(username="tutor2", groups=[roles.TUTORS])


@pytest.fixture
def class_request(student, term, component, coordinator):
    return services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="pt-br",
    )


@pytest.fixture
def support_request(student, coordinator):
    return services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coordinator,
        reasons=["emotional", "family_substance"],
        description="CONFIDENTIAL-XYZ family matter",
    )


def walk(request, user_by_action, *actions, reason=""):
    for action in actions:
        request = services.transition(request, action, user_by_action[action], reason=reason)
    return request


def add_failures(student, component, absence=0, grade=0):
    return ComponentRecord.objects.create(
        student=student,
        component=component,
        failures_by_absence=absence,
        failures_by_grade=grade,
    )
