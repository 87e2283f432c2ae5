"""Many-to-many changes made from the other side (issue #14, item 5): a student's groups, the
group sessions a student attended, a request's classes: each produces a history row of the
tracked object, with who changed it."""

import datetime

import pytest

from tests.requests.conftest import make_student
from tutoria_cms.core.history import m2m_changes
from tutoria_cms.requests.models import GroupSession, StudentGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(term):
    return StudentGroup.objects.create(site=term.site, code="1A", name="Grupo A", term=term)


def test_adding_a_student_to_a_group_from_the_students_side(group, coordinator):
    ana = make_student("R1")
    before = group.history.count()
    ana._history_user = coordinator
    ana.student_groups.add(group)
    assert group.history.count() == before + 1
    newest = group.history.first()
    assert newest.history_user == coordinator
    changes = m2m_changes(StudentGroup, "members", list(group.history.all()))
    assert [c.added for c in changes.values()] == [["R1"]]
    ana.student_groups.remove(group)
    changes = m2m_changes(StudentGroup, "members", list(group.history.all()))
    assert [c.removed for c in changes.values() if c.removed] == [["R1"]]


def test_clearing_a_students_groups_records_each_group(group, term, coordinator):
    other = StudentGroup.objects.create(site=term.site, code="1B", name="Grupo B", term=term)
    ana = make_student("R2")
    group.members.add(ana)
    other.members.add(ana)
    counts = (group.history.count(), other.history.count())
    ana.student_groups.clear()
    assert (group.history.count(), other.history.count()) == (counts[0] + 1, counts[1] + 1)
    assert not group.history.first().members.exists()


def test_attendance_from_the_students_side(group, coordinator):
    ana = make_student("R3")
    session = GroupSession.objects.create(
        site=group.site,
        group=group,
        date=datetime.date(2026, 3, 2),
        topic="Tema",
        modality="in_person",
        duration_minutes=60,
    )
    before = session.history.count()
    ana._history_user = coordinator
    ana.group_sessions_attended.add(session)
    assert session.history.count() == before + 1
    assert session.history.first().history_user == coordinator
    assert {row.studentrecord_id for row in session.history.first().attendees.all()} == {ana.pk}


def test_a_requests_class_from_the_requests_side(class_request, term, component, coordinator):
    from tutoria_cms.requests.models import IndividualClass

    individual_class = IndividualClass.objects.create(
        site=term.site, term=term, component=component
    )
    before = individual_class.history.count()
    class_request._history_user = coordinator
    class_request.individual_classes.add(individual_class)
    assert individual_class.history.count() == before + 1
    newest = individual_class.history.first()
    assert newest.history_user == coordinator
    assert {row.tutoringrequest_id for row in newest.requests.all()} == {class_request.pk}
