import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tutoria_cms.academics.models import Term
from tutoria_cms.core import roles

pytestmark = pytest.mark.django_db

GOOD = b"code,name,starts_on,ends_on,kind\n2026-1,S1,2026-02-02,2026-06-30,regular\n"
BAD = b"code,name,starts_on,ends_on,kind\n2026-1,S1,2026-07-02,2026-06-30,regular\n"
URL = "/admin/tutoria/academics/import/"


def test_preview_then_confirm(client, coordinator):
    client.force_login(coordinator)
    assert reverse("tutoria_academics_import") == URL
    response = client.post(
        URL, {"file": SimpleUploadedFile("terms.csv", GOOD)}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert "Confirmar la importación" in response.text
    assert Term.objects.count() == 0  # a preview saves nothing
    token = response.context["token"]
    response = client.post(URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Term.objects.get().code == "2026-1"
    # The token is single-use.
    response = client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert Term.objects.count() == 1


def test_bad_file_lists_every_problem_and_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        URL, {"file": SimpleUploadedFile("terms.csv", BAD)}, HTTP_ACCEPT_LANGUAGE="pt-BR"
    )
    assert response.status_code == 200
    assert "Nada foi importado" in response.text and "linha 2" in response.text
    assert Term.objects.count() == 0


@pytest.mark.parametrize("role", [roles.TUTORS, roles.COMMUNICATIONS, roles.BOARD, roles.QUALITY])
def test_other_roles_cannot_import(client, role):
    user = factories.UserFactory(username=f"u-{role}", groups=[role])
    client.force_login(user)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    response = client.get(URL)
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    response = client.post(URL, {"file": SimpleUploadedFile("terms.csv", GOOD)})
    assert response.status_code in (302, 403) and Term.objects.count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
