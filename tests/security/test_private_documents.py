"""Documents of tutors' evidence and agreements' deliverables (#13): restricted collections,
no anonymous download, and the admin's chooser and document API list only what a person may
see."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction

from tests import factories
from tests.partnerships.conftest import make_agreement, make_document
from tutoria_cms.core import roles
from tutoria_cms.core.documents import (
    AGREEMENT_DOCUMENTS,
    TUTOR_EVIDENCE,
    file_document,
    purpose_collection,
)
from tutoria_cms.partnerships import services as partnership_services
from tutoria_cms.partnerships.choices import Stage

pytestmark = pytest.mark.django_db

API = "/admin/api/main/documents/"


@pytest.fixture(autouse=True)
def documents_on_disk(settings, tmp_path):
    """Wagtail serves documents from a local path when the storage has one, and
    InMemoryStorage claims one it does not have: a real (temporary) folder here."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def user(role, name=None):
    return factories.UserFactory(username=name or f"u-{role}"[:30], groups=[role])


@pytest.fixture
def coordinator(db):
    return user(roles.COORDINATION, "coordinacion")


@pytest.fixture
def deliverable(coordinator, mx_home):
    agreement = make_agreement(user=coordinator)
    document = make_document("Secret deliverable")
    partnership_services.complete_stage(agreement, Stage.PLANNING, coordinator, document)
    document.refresh_from_db()
    return document


@pytest.fixture
def evidence(mx_home):
    tutor = user(roles.TUTORS, "tutora")
    document = get_document_model().objects.create(
        title="Secret evidence",
        file=ContentFile(b"evidence\n", name="evidence.txt"),
        uploaded_by_user=tutor,
    )
    file_document(document, TUTOR_EVIDENCE)
    document.refresh_from_db()
    return document


@pytest.fixture
def public_document(mx_home):
    return get_document_model().objects.create(
        title="Public leaflet", file=ContentFile(b"leaflet\n", name="leaflet.txt")
    )


def test_collections_are_created_once_with_group_restrictions(db):
    first = purpose_collection(TUTOR_EVIDENCE)
    assert purpose_collection(TUTOR_EVIDENCE) == first
    (restriction,) = CollectionViewRestriction.objects.filter(collection=first)
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert {g.name for g in restriction.groups.all()} == {roles.TUTORS, roles.COORDINATION}
    agreements = purpose_collection(AGREEMENT_DOCUMENTS)
    assert agreements != first and agreements.get_parent().depth == 1


def test_a_completed_stage_files_its_deliverable(deliverable):
    assert deliverable.collection == purpose_collection(AGREEMENT_DOCUMENTS)


def test_a_self_assessment_files_its_evidence_document(mx_home):
    from tutoria_cms.tutors.models import CompetencyAssessment

    factories.load_seed_framework()
    from tutoria_cms.tutors.models import Competency

    tutor = factories.build_tutor_user("tutor-evidence")
    index = factories.build_tutor_index(mx_home)
    profile = factories.build_tutor_profile(index, user=tutor)
    document = get_document_model().objects.create(
        title="Evidence", file=ContentFile(b"x\n", name="x.txt"), uploaded_by_user=tutor
    )
    CompetencyAssessment.objects.create(
        profile=profile, competency=Competency.objects.first(), evidence_document=document
    )
    document.refresh_from_db()
    assert document.collection == purpose_collection(TUTOR_EVIDENCE)


def test_anonymous_download_of_a_restricted_document_fails(deliverable, evidence, public_document):
    for document in (deliverable, evidence):
        response = Client().get(document.url)
        assert response.status_code == 302 and "login" in response["Location"]
        assert not hasattr(response, "streaming_content")
    assert Client().get(public_document.url).status_code == 200


def test_only_the_collections_roles_download(deliverable, evidence):
    assert client_for(user(roles.COMMUNICATIONS)).get(deliverable.url).status_code != 200
    assert client_for(user(roles.TUTORS)).get(deliverable.url).status_code != 200
    assert client_for(user(roles.QUALITY)).get(deliverable.url).status_code == 200
    assert client_for(user(roles.COMMUNICATIONS, "c2")).get(evidence.url).status_code != 200
    assert client_for(user(roles.COORDINATION, "c3")).get(evidence.url).status_code == 200


def api_titles(client):
    response = client.get(API)
    assert response.status_code == 200, response.content[:500]
    return {item["title"] for item in response.json()["items"]}


def chooser_titles(client):
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    return {
        title
        for title in ("Secret deliverable", "Secret evidence", "Public leaflet")
        if title in html
    }


def test_document_api_and_chooser_show_only_visible_documents(
    deliverable, evidence, public_document, coordinator
):
    communications = client_for(user(roles.COMMUNICATIONS))
    assert api_titles(communications) == {"Public leaflet"}
    assert chooser_titles(communications) == {"Public leaflet"}
    coordination = client_for(coordinator)
    assert {"Secret deliverable", "Secret evidence"} <= chooser_titles(coordination)
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert {"Secret deliverable", "Secret evidence", "Public leaflet"} <= api_titles(
        client_for(superuser)
    )


def test_a_tutor_sees_their_own_upload_but_not_deliverables(deliverable, evidence):
    tutor = evidence.uploaded_by_user
    titles = chooser_titles(client_for(tutor))
    assert "Secret evidence" in titles and "Secret deliverable" not in titles
    assert "Secret deliverable" not in api_titles(client_for(tutor))
