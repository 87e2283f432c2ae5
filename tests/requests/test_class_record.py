"""Issue #14, "the record is right": the designated class tutor opens the requests behind
their class (read only, no confidential details), edits and deletes the class's sessions, the
work plan (PIT) records have their listing."""

import pytest
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.models import IndividualClass, SensitiveRead

pytestmark = pytest.mark.django_db

CONFIDED = "Confided: the student works night shifts"


@pytest.fixture
def approved(student, term, component, coordinator, board):
    request = services.create_request(
        kind="individual_class",
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="pt-br",
        reasons=[],
        description=CONFIDED,
    )
    return walk(
        request,
        {"submit": coordinator, "review": coordinator, "approve": board},
        "submit",
        "review",
        "approve",
    )


@pytest.fixture
def running(approved, coordinator, tutor):
    """A started class whose designated tutor is ``tutor``; the request is assigned to
    nobody (the class tutor is not its assigned tutor)."""
    individual_class = IndividualClass.objects.get()
    services.designate_tutor(individual_class, tutor, coordinator)
    services.transition(approved, "start", coordinator)
    approved.refresh_from_db()
    assert approved.assigned_tutor_id is None
    individual_class.refresh_from_db()
    return individual_class


# 1. The designated class tutor opens the requests behind their class ---------------------------


def test_the_class_tutor_sees_the_requests_of_their_class(running, approved, tutor):
    assert permissions.can_view(tutor, approved)
    assert list(permissions.visible_requests(tutor)) == [approved]


def test_the_class_tutor_reads_no_confidential_details_and_decides_nothing(
    running, approved, tutor
):
    assert not permissions.can_read_disclosure(tutor, approved)
    assert permissions.available_actions(tutor, approved) == []
    assert not permissions.can_record_work(tutor, approved)
    with pytest.raises(services.TransitionRefused):
        services.transition(approved, "close", tutor)


def test_the_class_tutor_opens_the_request_page(client, running, approved, tutor):
    client.force_login(tutor)
    url = reverse("tutoria_requests:inspect", args=[approved.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.text
    assert CONFIDED not in page
    for action in ("close", "withdraw", "approve"):
        assert reverse("tutoria_requests:transition", args=[approved.pk, action]) not in page
    assert reverse("tutoria_requests:disclosure", args=[approved.pk]) not in page
    assert reverse("tutoria_requests:record_session", args=[approved.pk]) not in page
    assert not SensitiveRead.objects.exists()  # nothing confidential was read
    # The confidential details' screen and the actions stay closed to them.
    assert client.get(reverse("tutoria_requests:disclosure", args=[approved.pk])).status_code in (
        403,
        404,
        302,
    )
    client.post(reverse("tutoria_requests:transition", args=[approved.pk, "close"]))
    approved.refresh_from_db()
    assert approved.state == "in_progress"


def test_the_class_page_links_to_its_requests_for_who_sees_them(
    client, running, approved, tutor, board
):
    request_url = reverse("tutoria_requests:inspect", args=[approved.pk])
    for user in (tutor, board):
        client.force_login(user)
        page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
        assert request_url in page
        assert client.get(request_url).status_code == 200


def test_the_request_page_links_to_its_class(client, running, approved, tutor):
    client.force_login(tutor)
    page = client.get(reverse("tutoria_requests:inspect", args=[approved.pk])).text
    assert reverse("tutoria_classes:inspect", args=[running.pk]) in page


def test_a_former_class_tutor_no_longer_sees_the_request(
    running, approved, tutor, other_tutor, coordinator
):
    services.designate_tutor(running, other_tutor, coordinator)
    assert not permissions.can_view(tutor, approved)
    assert permissions.can_view(other_tutor, approved)


def test_the_class_tutor_sees_no_request_outside_their_institution(running, approved, tutor):
    from tutoria_cms.core import institutions
    from tutoria_cms.core.models import InstitutionMembership

    InstitutionMembership.objects.filter(user=tutor).delete()
    institutions.forget(tutor)
    assert not permissions.can_view(tutor, approved)
    tutor.is_active = False
    tutor.save()
    assert not permissions.visible_requests(tutor).exists()


def test_a_tutor_of_another_class_does_not_see_the_request(running, approved, other_tutor):
    assert not permissions.can_view(other_tutor, approved)
    board2 = factories.UserFactory(username="board9", groups=[roles.BOARD])
    assert permissions.can_view(board2, approved)  # the board, as before

