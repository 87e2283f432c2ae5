"""Each Wagtail Site renders in its own language; the admin works in es, pt-BR and en."""

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(mx_home, br_home):
    mx_programme = factories.build_programme(
        factories.build_programme_index(mx_home), modalities=["in_person"]
    )
    br_programme = factories.build_programme(
        factories.build_programme_index(br_home, title="Programas"),
        title="Programa de Tutoria",
        modalities=["in_person"],
    )
    return mx_programme, br_programme


def test_each_site_is_served_in_its_language(client, two_sites):
    mx_programme, br_programme = two_sites
    mx = client.get(mx_programme.get_url(), HTTP_HOST="localhost")
    assert mx.status_code == 200
    assert mx.headers["Content-Language"] == "es"
    assert '<html lang="es">' in mx.text
    assert "Presencial" in mx.text and "Buscar" in mx.text
    br = client.get(br_programme.get_url(), HTTP_HOST="127.0.0.1")
    assert br.status_code == 200
    assert br.headers["Content-Language"] == "pt-br"
    assert '<html lang="pt-br">' in br.text
    assert "Presencial" in br.text and "Pesquisar" in br.text
    assert "Buscar" not in br.text


def test_browser_language_does_not_change_the_public_site(client, two_sites):
    mx_programme, _br = two_sites
    response = client.get(
        mx_programme.get_url(), HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9"
    )
    assert response.headers["Content-Language"] == "es"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("es", "Panel de control"), ("pt-BR", "Painel"), ("en", "Dashboard")],
)
def test_admin_follows_the_browser_language(client, accept, expected):
    admin = factories.UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert expected in response.text


def test_admin_follows_the_editor_preference_over_the_browser(client):
    admin = factories.UserFactory(username="boss", is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "pt-br"
    profile.save()
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Painel" in response.text
