"""The history of an individual class (issue #14, item 4): who designated its tutor, which
requests joined it, who recorded, corrected or deleted its sessions; coordination of its
institution reads it, nobody else."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import institutions, roles
from tutoria_cms.core.choices import Modality
from tutoria_cms.requests import services
from tutoria_cms.requests.history import class_history
from tutoria_cms.requests.models import IndividualClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(class_request, coordinator, board, tutor):
    walk(
        class_request,
        {"submit": coordinator, "review": coordinator, "approve": board},
        "submit",
        "review",
        "approve",
    )
    individual_class = IndividualClass.objects.get()
    services.designate_tutor(individual_class, tutor, coordinator)
    services.transition(class_request, "start", coordinator)
    session = services.record_class_session(
        individual_class,
        tutor,
        date=datetime.date(2026, 3, 10),
        modality=Modality.IN_PERSON,
        duration_minutes=90,
    )
    services.update_class_session(
        session, coordinator, date=session.date, modality=Modality.VIDEO, duration_minutes=60
    )
    services.delete_class_session(session, tutor)
    return individual_class


def test_the_class_history_says_who_did_what(running, tutor, coordinator, board):
    entries = class_history(running)
    changes = [(entry.user, str(entry.change)) for entry in entries]
    assert any(
        user == coordinator and text.startswith("Tutor designated") and "tutor1" in text
        for user, text in changes
    )
    assert any(text.startswith("Requests: added") for _user, text in changes)
    assert any(user == tutor and text.startswith("Recorded") for user, text in changes)
    assert any(user == coordinator and text.startswith("Corrected") for user, text in changes)
    assert any(user == tutor and text.startswith("Deleted") for user, text in changes)


def test_coordination_opens_the_class_history_from_the_class_page(client, running, coordinator):
    client.force_login(coordinator)
    url = reverse("tutoria_classes:history", args=[running.pk])
    page = client.get(reverse("tutoria_classes:inspect", args=[running.pk])).text
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "Tutor designado" in response.text and "Corregida" in response.text  # es


def test_the_class_history_is_coordinations_of_the_institution(client, running, tutor, board):
    url = reverse("tutoria_classes:history", args=[running.pk])
    for user in (tutor, board):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403, 404)
    from tutoria_cms.core.models import InstitutionMembership

    outsider = factories.UserFactory(username="coord9", groups=[roles.COORDINATION])
    InstitutionMembership.objects.filter(user=outsider).delete()
    institutions.forget(outsider)
    client.force_login(outsider)
    assert client.get(url).status_code in (302, 403, 404)
