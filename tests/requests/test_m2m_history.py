"""Many-to-many history (simple-history's ``m2m_fields``): group members, group-session
attendance and individual classes' requests, who changed them and when, the group's history
view, and "as of" (core.history and the "Tutoring sessions" sheet)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.requests.conftest import make_student, walk
from tutoria_cms.core.history import m2m_as_of, m2m_changes
from tutoria_cms.requests import services
from tutoria_cms.requests.models import GroupSession, IndividualClass, StudentGroup

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def group(term):
    group = StudentGroup.objects.create(
        site=term.site, code="1A", name="Primer semestre A", term=term
    )
    group.history.update(history_date=days_ago(10))  # created ten days ago, no members
    return group


def change(group, user, when, method, *students):
    group._history_user, group._history_date = user, when
    getattr(group.members, method)(*students)


def test_adding_and_removing_a_member_records_who_and_when(group, coordinator):
    ana, bea = make_student("M1"), make_student("M2")
    change(group, coordinator, days_ago(5), "add", ana, bea)
    change(group, coordinator, days_ago(2), "remove", ana)
    records = list(group.history.order_by("history_date", "history_id"))
    newest = records[-1]
    assert newest.history_user == coordinator
    assert newest.history_date == group._history_date
    assert {row.studentrecord_id for row in newest.members.all()} == {bea.pk}
    changes = m2m_changes(StudentGroup, "members", records)
    assert [(c.added, c.removed) for c in changes.values()] == [(["M1", "M2"], []), ([], ["M1"])]
    assert str(changes[newest.history_id]) == "Members: removed M1"


def test_members_as_of_a_date(group, coordinator):
    ana, bea = make_student("M1"), make_student("M2")
    change(group, coordinator, days_ago(5), "add", ana, bea)
    change(group, coordinator, days_ago(2), "remove", ana)
    assert m2m_as_of(StudentGroup, "members", days_ago(7)) == {group.pk: set()}
    assert m2m_as_of(StudentGroup, "members", days_ago(3)) == {group.pk: {ana.pk, bea.pk}}
    assert m2m_as_of(StudentGroup, "members", timezone.now(), [group.pk]) == {group.pk: {bea.pk}}
    assert m2m_as_of(StudentGroup, "members", days_ago(20)) == {}


def test_group_history_view_shows_member_and_attendance_changes_translated(
    group, coordinator, tutor
):
    ana, bea = make_student("M1"), make_student("M2")
    change(group, coordinator, days_ago(3), "add", ana, bea)
    services.assign_group_tutor(group, tutor, coordinator)
    services.record_group_session(
        group,
        tutor,
        date=datetime.date(2026, 3, 10),
        topic="Técnicas de estudio",
        modality="in_person",
        duration_minutes=90,
        attendees=[bea],
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("tutoria_groups:history", args=[group.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Integrantes y asistencia" in html
    assert "Integrantes: alta de M1, M2" in html
    assert "Asistentes: alta de M2" in html
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "Presentes: inclusão de M2" in html


def test_another_institutions_coordinator_sees_no_group_history(group, br_home):
    from tests import factories
    from tutoria_cms.core import roles

    outsider = factories.UserFactory(groups=[roles.COORDINATION], sites=["127.0.0.1"])
    client = Client()
    client.force_login(outsider)
    response = client.get(reverse("tutoria_groups:history", args=[group.pk]))
    assert response.status_code in (403, 404)


def test_approving_a_class_request_records_the_approver_in_the_class_history(
    class_request, coordinator, board
):
    actors = {"submit": coordinator, "review": coordinator, "approve": board}
    walk(class_request, actors, "submit", "review", "approve")
    individual_class = IndividualClass.objects.get()
    newest = individual_class.history.order_by("-history_date", "-history_id").first()
    assert newest.history_user == board
    assert [row.tutoringrequest_id for row in newest.requests.all()] == [class_request.pk]


def test_sessions_sheet_as_of_counts_the_attendance_of_that_day(
    group, coordinator, tutor, programme
):
    from tutoria_cms.accreditation.builder import build_workbook
    from tutoria_cms.accreditation.context import build_context

    ana, bea = make_student("M1"), make_student("M2")
    group.members.add(ana, bea)
    group.tutor, group.programme = tutor, programme  # a site's export: its programmes' groups
    group.save()
    session = services.record_group_session(
        group,
        tutor,
        date=timezone.localdate() - datetime.timedelta(days=6),
        topic="T",
        modality="in_person",
        duration_minutes=60,
        attendees=[ana],
    )
    GroupSession.history.update(history_date=days_ago(5))
    session._history_date = days_ago(1)
    session.attendees.add(bea)  # corrected a day ago

    def present(as_of):
        context = build_context({"site": "localhost", "as_of": as_of.isoformat()})
        buffer = io.BytesIO()
        build_workbook(context, buffer)
        book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
        rows = list(book["Tutoring sessions"].iter_rows(values_only=True))[1:]
        return [row[7] for row in rows if row[6] == "1A"]  # "Students present"

    assert present(timezone.localdate() - datetime.timedelta(days=3)) == [1]
    assert present(timezone.localdate()) == [2]
    assert present(timezone.localdate() - datetime.timedelta(days=10)) == []


def test_baseline_gives_earlier_history_rows_the_members_of_that_moment(group):
    """The migration's baseline: rows written before tracking get the current members."""
    from django.apps import apps

    from tutoria_cms.core.history import baseline_m2m_history, m2m_history_model

    ana = make_student("M1")
    group.members.add(ana)
    m2m_history_model(StudentGroup, "members").objects.all().delete()
    baseline_m2m_history(apps, "tutoria_requests", "StudentGroup", "members")
    for record in group.history.all():
        assert [row.studentrecord_id for row in record.members.all()] == [ana.pk]
    assert m2m_changes(StudentGroup, "members", group.history.all()) == {}
