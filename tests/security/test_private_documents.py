"""Documents of tutors' evidence and agreements' deliverables (#13): files in private storage,
restricted collections per institution, no anonymous download, downloads as attachments, and
the admin's chooser, documents listing and document API list only what a person may see (in
the document's institution)."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Site

from tests import factories
from tests.partnerships.conftest import make_agreement, make_document
from tutoria_cms.core import roles
from tutoria_cms.core.checks import check_document_storage
from tutoria_cms.core.documents import (
    AGREEMENT_DOCUMENTS,
    PURPOSES,
    TUTOR_EVIDENCE,
    file_document,
    purpose_collection,
)
from tutoria_cms.core.models import InstitutionMembership
from tutoria_cms.core.storage import PRIVATE_STORAGE_ALIAS
from tutoria_cms.partnerships import services as partnership_services
from tutoria_cms.partnerships.choices import Stage

pytestmark = pytest.mark.django_db

API = "/admin/api/main/documents/"


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
    # root → the institution's collection → the purpose's
    assert agreements != first and agreements.get_parent() == first.get_parent()
    assert agreements.get_parent().depth == 2


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


# Private storage ----------------------------------------------------------------------------


def test_documents_are_stored_in_private_storage(deliverable):
    name = deliverable.file.name
    assert storages[PRIVATE_STORAGE_ALIAS].exists(name)
    assert not storages["default"].exists(name)
    # No path, no storage URL: only Wagtail's serve view hands the file out.
    with pytest.raises(NotImplementedError):
        _ = deliverable.file.path
    with pytest.raises(NotImplementedError):
        _ = deliverable.file.url
    assert deliverable.url == reverse(
        "wagtaildocs_serve", args=[deliverable.pk, deliverable.filename]
    )
    assert not deliverable.is_stored_locally()


def test_an_upload_in_the_admin_goes_to_private_storage(coordinator, mx_home):
    from wagtail.models import Collection

    response = client_for(coordinator).post(
        reverse("wagtaildocs:add"),
        {
            "title": "Uploaded",
            "file": ContentFile(b"uploaded\n", name="uploaded.txt"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    document = get_document_model().objects.get(title="Uploaded")
    assert document.uploaded_by_user == coordinator
    assert storages[PRIVATE_STORAGE_ALIAS].exists(document.file.name)
    assert not storages["default"].exists(document.file.name)
    # Their own upload: listed for them, and its edit view opens (no path, no URL needed).
    assert (
        client_for(coordinator).get(reverse("wagtaildocs:edit", args=[document.pk])).status_code
        == 200
    )


def test_download_is_an_attachment_that_is_not_sniffed(deliverable, coordinator):
    response = client_for(coordinator).get(deliverable.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Secret deliverable\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert deliverable.filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")


def test_a_pdf_is_an_attachment_too(coordinator, mx_home):
    document = get_document_model().objects.create(
        title="Report", file=ContentFile(b"%PDF-1.4\n", name="report.pdf")
    )
    response = client_for(coordinator).get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_system_check_warns_of_a_document_storage_that_hands_out_urls(monkeypatch):
    assert check_document_storage() == []
    field = get_document_model()._meta.get_field("file")
    from django.db.models.fields.files import FieldFile

    monkeypatch.setattr(field, "attr_class", FieldFile)
    monkeypatch.setattr(field, "storage", storages["default"])
    (warning,) = check_document_storage()
    assert warning.id == "tutoria_core.W005"


# Institutions kept apart --------------------------------------------------------------------


def site_of(home):
    return Site.objects.get(root_page=home)


@pytest.fixture
def mx(mx_home):
    return site_of(mx_home)


@pytest.fixture
def br(br_home):
    return site_of(br_home)


def staff(name, site, *groups):
    return factories.UserFactory(username=name, groups=list(groups), sites=[site])


@pytest.fixture
def br_deliverable(br):
    coordinator = staff("br-coordinacao", br, roles.COORDINATION)
    agreement = make_agreement(title="Convênio", user=coordinator, site=br)
    document = make_document("BR deliverable")
    partnership_services.complete_stage(agreement, Stage.PLANNING, coordinator, document)
    document.refresh_from_db()
    return document


@pytest.fixture
def br_evidence(br_home, br):
    from tutoria_cms.tutors.models import Competency, CompetencyAssessment

    factories.load_seed_framework()
    tutor = staff("br-tutora", br, roles.TUTORS)
    index = factories.build_tutor_index(br_home)
    profile = factories.build_tutor_profile(index, user=tutor)
    document = get_document_model().objects.create(
        title="BR evidence",
        file=ContentFile(b"evidence\n", name="evidencia.txt"),
        uploaded_by_user=tutor,
    )
    CompetencyAssessment.objects.create(
        profile=profile, competency=Competency.objects.first(), evidence_document=document
    )
    document.refresh_from_db()
    return document


BR_TITLES = {"BR deliverable", "BR evidence"}


def listing_titles(client):
    response = client.get(reverse("wagtaildocs:index"))
    assert response.status_code == 200
    html = response.content.decode()
    return {title for title in BR_TITLES if title in html}


def titles_in_chooser(client):
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    return {title for title in BR_TITLES if title in html}


def test_documents_go_to_their_institutions_collection(br_deliverable, br_evidence, br, mx):
    assert br_deliverable.collection == purpose_collection(AGREEMENT_DOCUMENTS, br)
    assert br_evidence.collection == purpose_collection(TUTOR_EVIDENCE, br)
    assert purpose_collection(AGREEMENT_DOCUMENTS, mx) != br_deliverable.collection
    br_deliverable.refresh_from_db()  # collections are ordered by name: paths moved
    assert br_deliverable.collection.get_parent().name == "Universidade Exemplo"
    # Named in the institution's language.
    assert br_deliverable.collection.name == "Documentos de convênios"
    assert purpose_collection(AGREEMENT_DOCUMENTS, mx).name == "Documentos de convenios"


def test_anonymous_download_of_another_institutions_document_asks_for_login(
    br_deliverable, br_evidence
):
    for document in (br_deliverable, br_evidence):
        response = Client().get(document.url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_coordination_of_one_institution_cannot_reach_anothers_documents(
    br_deliverable, br_evidence, mx, br
):
    mx_coordination = client_for(staff("mx-coordinacion", mx, roles.COORDINATION))
    for document in (br_deliverable, br_evidence):
        response = mx_coordination.get(document.url)
        assert response.status_code == 403
        assert not hasattr(response, "streaming_content")
    assert titles_in_chooser(mx_coordination) == set()
    assert api_titles(mx_coordination) & BR_TITLES == set()
    assert listing_titles(mx_coordination) == set()
    for document in (br_deliverable, br_evidence):
        response = mx_coordination.get(reverse("wagtaildocs:edit", args=[document.pk]))
        assert response.status_code in (302, 403)

    br_coordination = client_for(staff("br-coordenacao", br, roles.COORDINATION))
    for document in (br_deliverable, br_evidence):
        response = br_coordination.get(document.url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert titles_in_chooser(br_coordination) == BR_TITLES
    assert api_titles(br_coordination) >= BR_TITLES


def test_communications_listing_leaves_out_restricted_documents(br_deliverable, mx, br):
    # Communications may change every document (root collection) but holds no role of the
    # restricted collections: not in the listing, the edit view or a download.
    communications = client_for(staff("br-comunicacao", br, roles.COMMUNICATIONS))
    assert listing_titles(communications) == set()
    response = communications.get(reverse("wagtaildocs:edit", args=[br_deliverable.pk]))
    assert response.status_code in (302, 403)
    assert communications.get(br_deliverable.url).status_code == 403


def test_the_role_must_be_held_in_the_documents_institution(br_deliverable, br_evidence, mx, br):
    person = factories.UserFactory(
        username="mixed", groups=[roles.COORDINATION, roles.TUTORS], sites=[]
    )
    coordination = Group.objects.get(name=roles.COORDINATION)
    tutors = Group.objects.get(name=roles.TUTORS)
    InstitutionMembership.objects.create(user=person, site=mx).roles.set([coordination])
    InstitutionMembership.objects.create(user=person, site=br).roles.set([tutors])
    client = client_for(person)
    # Agreements' documents need coordination (or board, quality) in Brazil: refused.
    assert client.get(br_deliverable.url).status_code == 403
    assert "BR deliverable" not in titles_in_chooser(client)
    assert "BR deliverable" not in api_titles(client)
    # Tutors' evidence is for tutors too: their Brazilian role passes.
    assert client.get(br_evidence.url).status_code == 200
    assert "BR evidence" in titles_in_chooser(client)


def test_superusers_keep_their_reach(br_deliverable, br_evidence):
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(superuser)
    for document in (br_deliverable, br_evidence):
        assert client.get(document.url).status_code == 200
    assert listing_titles(client) == BR_TITLES
    assert titles_in_chooser(client) == BR_TITLES


def test_every_purpose_names_roles():
    assert all(purpose.roles for purpose in PURPOSES.values())
