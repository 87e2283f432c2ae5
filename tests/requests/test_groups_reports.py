import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.requests.conftest import make_student, walk
from tutoria_cms.requests import services
from tutoria_cms.requests.models import ReportStatus, StudentGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(term):
    group = StudentGroup.objects.create(code="1A", name="Primer semestre A", term=term)
    group.members.set([make_student("G1"), make_student("G2"), make_student("G3")])
    return group


@pytest.fixture
def running(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    return walk(request, actors, "submit", "review", "approve", "start")


def test_coordinator_assigns_a_group_tutor_who_records_sessions(
    group, coordinator, tutor, other_tutor
):
    with pytest.raises(services.TransitionRefused):
        services.assign_group_tutor(group, tutor, tutor)
    services.assign_group_tutor(group, tutor, coordinator)
    members = list(group.members.all())
    session = services.record_group_session(
        group,
        tutor,
        date=datetime.date(2026, 3, 10),
        topic="Técnicas de estudio",
        modality="in_person",
        duration_minutes=90,
        attendees=members[:2],
    )
    assert set(session.attendees.all()) == set(members[:2])
    with pytest.raises(services.TransitionRefused):
        services.record_group_session(
            group,
            other_tutor,
            date=datetime.date(2026, 3, 10),
            topic="x",
            modality="in_person",
            duration_minutes=60,
        )
    with pytest.raises(ValidationError):
        services.record_group_session(
            group,
            tutor,
            date=datetime.date(2026, 3, 10),
            topic="x",
            modality="in_person",
            duration_minutes=60,
            attendees=[make_student("OUTSIDER")],
        )


def test_report_is_prefilled_from_the_records(running, tutor, term):
    for day, minutes in ((2, 60), (9, 30)):
        services.record_session(
            running,
            tutor,
            date=datetime.date(2026, 3, day),
            modality="video",
            duration_minutes=minutes,
        )
    services.record_session(
        running, tutor, date=datetime.date(2025, 1, 1), modality="video", duration_minutes=500
    )  # another term
    services.refer(running, tutor, reason="Orientación vocacional")
    report = services.prepare_report(term, tutor, tutoring_request=running)
    assert report.summary == {
        "sessions": 2,
        "hours": 1.5,
        "referrals": {"sent": 1},
        "workshop_sessions_attended": 0,
    }


def test_group_report_counts_group_sessions(group, coordinator, tutor, term):
    services.assign_group_tutor(group, tutor, coordinator)
    services.record_group_session(
        group,
        tutor,
        date=datetime.date(2026, 3, 10),
        topic="T",
        modality="in_person",
        duration_minutes=120,
    )
    report = services.prepare_report(term, tutor, group=group)
    assert report.summary["sessions"] == 1 and report.summary["hours"] == 2.0


def test_report_cycle_submit_lock_return_accept(running, tutor, coordinator, term):
    report = services.prepare_report(term, tutor, tutoring_request=running)
    with pytest.raises(services.TransitionError) as error:
        services.submit_report(report, tutor)
    assert error.value.code == "incomplete"
    services.update_report(
        report,
        tutor,
        progress="Mejoró su organización",
        difficulties="",
        recommendation="Continuar",
        outcome="continues",
    )
    report = services.submit_report(report, tutor)
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(services.TransitionError):
        services.update_report(
            report,
            tutor,
            progress="cambio",
            difficulties="",
            recommendation="x",
            outcome="completed",
        )
    with pytest.raises(services.TransitionError) as error:
        services.review_report(report, coordinator, accept=False)
    assert error.value.code == "comment_required"
    report = services.review_report(
        report, coordinator, accept=False, comment="Describe las dificultades"
    )
    assert report.status == ReportStatus.RETURNED
    services.update_report(
        report,
        tutor,
        progress="Mejoró",
        difficulties="Horarios",
        recommendation="Continuar",
        outcome="continues",
    )
    report = services.submit_report(report, tutor)
    report = services.review_report(report, coordinator, accept=True)
    assert report.status == ReportStatus.ACCEPTED and report.is_locked
    statuses = [h.status for h in report.history.order_by("history_id")]
    assert statuses == [
        "draft",
        "draft",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "accepted",
    ]


def test_only_the_tutor_prepares_and_only_coordination_reviews(
    running, other_tutor, tutor, board, term
):
    with pytest.raises(services.TransitionRefused):
        services.prepare_report(term, other_tutor, tutoring_request=running)
    report = services.prepare_report(term, tutor, tutoring_request=running)
    with pytest.raises(services.TransitionRefused):
        services.update_report(
            report,
            other_tutor,
            progress="x",
            difficulties="",
            recommendation="x",
            outcome="continues",
        )
    with pytest.raises(services.TransitionRefused):
        services.review_report(report, board, accept=True)


def test_group_form_offers_terms_members_and_tutors_of_the_coordinators_institution():
    """The term and members fields listed every institution's records; tutors showed their
    usernames only."""
    from django.test import Client
    from django.urls import reverse

    from tests import factories
    from tutoria_cms.academics.models import Term
    from tutoria_cms.core import roles

    mx = factories.build_site("es", "localhost", title="Inicio", default=True).get_site()
    br = factories.build_site("pt-br", "127.0.0.1", title="Início").get_site()
    terms, students = {}, {}
    for site in (mx, br):
        terms[site] = Term.objects.create(
            site=site,
            code=f"T{site.pk}",
            name="2026/1",
            starts_on=datetime.date(2026, 2, 2),
            ends_on=datetime.date(2026, 6, 30),
        )
        students[site] = make_student(f"S{site.pk}", site=site)
    tutor = factories.UserFactory(
        username="tutora.ana",
        groups=[roles.TUTORS],
        first_name="Ana",
        last_name="Ramírez",
        sites=["localhost"],
    )
    client = Client()
    client.force_login(factories.UserFactory(groups=[roles.COORDINATION], sites=["localhost"]))
    url = reverse("tutoria_groups:add")
    fields = client.get(url).context["form"].fields
    assert list(fields["term"].queryset) == [terms[mx]]
    assert list(fields["members"].queryset) == [students[mx]]
    assert (tutor.pk, "Ana Ramírez (tutora.ana)") in [
        (choice[0].value if hasattr(choice[0], "value") else choice[0], choice[1])
        for choice in fields["tutor"].choices
    ]
    data = {"code": "1A", "name": "Primer A", "term": terms[br].pk, "members": [students[br].pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert {"term", "members"} <= set(response.context["form"].errors)
    assert not StudentGroup.objects.exists()
