"""Admin screens for group tutoring, end-of-term reports and individual classes, per role."""

import pytest
from django.urls import reverse

from tests.requests.conftest import make_student, walk
from tutoria_cms.requests import services
from tutoria_cms.requests.models import IndividualClass, ReportStatus, StudentGroup, TermReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(term, coordinator, tutor):
    group = StudentGroup.objects.create(code="1A", name="Grupo 1A", term=term, tutor=tutor)
    group.members.set([make_student("G1"), make_student("G2")])
    return group


def test_tutor_sees_only_own_groups_and_records_a_session(
    client, group, term, tutor, other_tutor, coordinator
):
    StudentGroup.objects.create(code="2B", name="Grupo 2B", term=term, tutor=other_tutor)
    client.force_login(tutor)
    page = client.get(reverse("tutoria_groups:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Grupo 1A" in page.text and "Grupo 2B" not in page.text
    members = list(group.members.values_list("pk", flat=True))
    response = client.post(
        reverse("tutoria_groups:session", args=[group.pk]),
        {
            "date": "2026-03-10",
            "topic": "Estilos de aprendizaje",
            "modality": "in_person",
            "duration_minutes": "60",
            "attendees": members[:1],
        },
    )
    assert response.status_code == 302
    assert group.sessions.get().attendees.count() == 1
    client.force_login(other_tutor)
    assert client.get(reverse("tutoria_groups:session", args=[group.pk])).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("tutoria_groups:index"))
    assert "Grupo 1A" in page.text and "Grupo 2B" in page.text


def test_report_round_trip_through_the_admin(
    client, support_request, coordinator, board, tutor, other_tutor, term
):
    support_request.term = term
    support_request.save()
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "submit", "review", "approve", "start")
    client.force_login(tutor)
    response = client.post(reverse("tutoria_reports:prepare", args=["request", request.pk]))
    report = TermReport.objects.get()
    assert response["Location"] == reverse("tutoria_reports:edit_report", args=[report.pk])
    response = client.post(
        reverse("tutoria_reports:edit_report", args=[report.pk]),
        {
            "progress": "Avanza",
            "difficulties": "",
            "recommendation": "Continuar",
            "outcome": "continues",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # Locked: the tutor can no longer change it.
    response = client.post(
        reverse("tutoria_reports:edit_report", args=[report.pk]),
        {"progress": "Cambio", "recommendation": "x", "outcome": "completed"},
    )
    assert response.status_code == 200 and "ya no se puede modificar" in response.text
    client.force_login(other_tutor)
    assert client.get(reverse("tutoria_reports:inspect", args=[report.pk])).status_code in (
        302,
        403,
        404,
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("tutoria_reports:review", args=[report.pk]), {"return": "1", "comment": ""}
    )
    assert response.status_code == 200
    response = client.post(
        reverse("tutoria_reports:review", args=[report.pk]), {"accept": "1", "comment": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_classes_listing_and_designation(client, term, component, coordinator, tutor, other_tutor):
    cls = IndividualClass.objects.create(term=term, component=component)
    client.force_login(coordinator)
    response = client.post(reverse("tutoria_classes:designate", args=[cls.pk]), {"tutor": tutor.pk})
    assert response.status_code == 302
    client.force_login(tutor)
    page = client.get(reverse("tutoria_classes:index"))
    assert page.status_code == 200 and "MAT101" in page.text
    client.force_login(other_tutor)
    response = client.get(reverse("tutoria_classes:index"))
    assert response.status_code in (302, 403) or "MAT101" not in response.text
    assert client.get(reverse("tutoria_classes:designate", args=[cls.pk])).status_code in (
        302,
        403,
        404,
    )


def test_listings_link_each_row_to_its_page_and_actions(
    client, group, term, component, coordinator, tutor
):
    """The classes' and reports' listings name each row with a title cell: the class's row
    carries its "More options" menu (designate the tutor), the report's row links to the
    report's page (where it is reviewed)."""
    cls = IndividualClass.objects.create(term=term, component=component)
    report = TermReport.objects.create(
        term=term, group=group, tutor=tutor, status=ReportStatus.SUBMITTED
    )
    client.force_login(coordinator)
    page = client.get(reverse("tutoria_classes:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert f"More options for &#x27;{cls}&#x27;" in page.text
    assert f'href="{reverse("tutoria_classes:designate", args=[cls.pk])}"' in page.text
    page = client.get(reverse("tutoria_reports:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{reverse("tutoria_reports:inspect", args=[report.pk])}"' in page.text


def test_a_tutor_with_reports_of_their_own_cannot_inspect_another_tutors_report(
    client, group, term, tutor, other_tutor, coordinator, support_request, board
):
    """The viewset opens to any tutor with a report; each report only to its tutor (and
    coordination): another tutor's report is not found, and its text is not shown."""
    support_request.term = term
    support_request.save()
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "submit", "review", "approve", "start")
    report = services.prepare_report(term, tutor, tutoring_request=request)
    services.update_report(
        report,
        tutor,
        progress="PRIVATE-PROGRESS",
        difficulties="",
        recommendation="Continuar",
        outcome="continues",
    )
    other_group = StudentGroup.objects.create(
        code="2B", name="Grupo 2B", term=term, tutor=other_tutor
    )
    own_report = services.prepare_report(term, other_tutor, group=other_group)
    url = reverse("tutoria_reports:inspect", args=[report.pk])

    client.force_login(other_tutor)
    assert client.get(reverse("tutoria_reports:inspect", args=[own_report.pk])).status_code == 200
    response = client.get(url)
    assert response.status_code == 404
    assert "PRIVATE-PROGRESS" not in response.text
    for user in (tutor, coordinator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "PRIVATE-PROGRESS" in response.text


def test_only_the_tutor_reaches_the_prepare_report_view(
    client, group, term, tutor, other_tutor, coordinator, support_request, board
):
    """GET used to answer any admin user; now, as POST always did, only the assigned tutor
    (request) or the group's tutor: others see nothing (404) or are refused (403)."""
    support_request.term = term
    support_request.save()
    request = services.assign_tutor(support_request, tutor, coordinator)
    urls = [
        reverse("tutoria_reports:prepare", args=["request", request.pk]),
        reverse("tutoria_reports:prepare", args=["group", group.pk]),
    ]
    client.force_login(tutor)
    for url in urls:
        assert client.get(url).status_code == 200
    for user in (other_tutor, coordinator, board):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            # Wagtail turns PermissionDenied into a redirect to the dashboard.
            assert response.status_code in (302, 404), (user, url)
            assert response.status_code == 404 or response["Location"] == "/admin/"
            assert client.post(url).status_code in (302, 404)
    assert not TermReport.objects.exists()
    client.force_login(tutor)
    assert (
        client.get(reverse("tutoria_reports:prepare", args=["other", group.pk])).status_code == 404
    )
