"""What the public site tells search engines and link previews: sitemap.xml and robots.txt per
Wagtail Site, the icons, the description, canonical, Open Graph and Twitter tags, schema.org
JSON-LD, and the 404 and 500 pages in the site's language."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from wagtail.models import PageViewRestriction

from sites.home.models import HomePage
from tests import factories
from tutoria_cms.partnerships.models import PartnershipIndexPage

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
JSON_LD = re.compile(
    r'<script type="application/ld\+json"(?: nonce="([^"]+)")?>(.*?)</script>', re.DOTALL
)


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def json_ld(response):
    found = JSON_LD.findall(response.text)
    assert len(found) == 1, found
    return json.loads(found[0][1])


def types_in(document):
    return [item["@type"] for item in document["@graph"]]


@pytest.fixture
def mx_pages(mx_home):
    """A page of every public type on the Mexican site."""
    mx_home.introduction = "<p>La <b>Universidad de Ejemplo</b> acompaña a sus estudiantes.</p>"
    mx_home.institution = "Universidad de Ejemplo"
    mx_home.save_revision().publish()
    programme_index = factories.build_programme_index(mx_home)
    programme = factories.build_programme(
        programme_index, introduction="<p>Acompañamiento durante toda la carrera.</p>"
    )
    workshop = factories.build_workshop(
        programme,
        introduction="<p>Técnicas para estudiar mejor &amp; con menos estrés.</p>",
        sessions=[
            factories.session_data(days=7),
            factories.session_data(days=14, place="", video_url="https://meet.example.edu/x"),
        ],
    )
    tutor_index = factories.build_tutor_index(mx_home)
    tutor = factories.build_tutor_profile(
        tutor_index,
        biography="<p>Matemática aplicada.</p>",
        department="Facultad de Ciencias",
        contact_email="ana.perez@example.edu",
        disciplines=["Matemáticas"],
    )
    partnerships = factories.add_page(mx_home, PartnershipIndexPage(title="Convenios"))
    return {
        "home": HomePage.objects.get(pk=mx_home.pk),
        "programme_index": programme_index,
        "programme": programme,
        "workshop": workshop,
        "tutor_index": tutor_index,
        "tutor": tutor,
        "partnerships": partnerships,
    }


# sitemap.xml ------------------------------------------------------------------------------


def sitemap_locations(client, host):
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (the site's own sitemap)
    return {loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)}


def test_sitemap_lists_the_sites_live_public_pages_only(client, mx_pages, br_home):
    br_programmes = factories.build_programme_index(br_home, title="Programas BR")
    draft = factories.build_programme(mx_pages["programme_index"], title="Borrador")
    draft.unpublish()
    private = factories.build_programme(mx_pages["programme_index"], title="Privado")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    locations = sitemap_locations(client, "localhost")

    expected = {page.get_full_url() for page in mx_pages.values()}
    assert expected == locations
    assert draft.get_full_url() not in locations
    assert private.get_full_url() not in locations
    assert all(location.startswith("http://localhost/") for location in locations)

    br_locations = sitemap_locations(client, "127.0.0.1")
    assert br_locations == {br_home.get_full_url(), br_programmes.get_full_url()}
    assert not br_locations & locations


# robots.txt, icons, manifest --------------------------------------------------------------


def test_robots_txt_points_to_the_sites_own_sitemap(client, mx_home, br_home):
    response = client.get("/robots.txt", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /documents/" in lines
    assert "Sitemap: http://127.0.0.1/sitemap.xml" in lines
    mx = client.get("/robots.txt", HTTP_HOST="localhost")
    assert "Sitemap: http://localhost/sitemap.xml" in mx.text.splitlines()


def test_favicon_is_reachable(client, mx_pages):
    response = client.get("/favicon.ico", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
    assert client.post("/favicon.ico", HTTP_HOST="localhost").status_code == 405
    assert finders.find("favicon.svg")
    assert finders.find("apple-touch-icon.png")
    page = client.get(mx_pages["home"].get_url(), HTTP_HOST="localhost").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="apple-touch-icon" href="/static/apple-touch-icon.png">' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_each_site_has_its_own_manifest(client, mx_pages, br_home):
    response = client.get("/manifest.webmanifest", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Universidad de Ejemplo"
    assert manifest["lang"] == "es"
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
    br = json.loads(client.get("/manifest.webmanifest", HTTP_HOST="127.0.0.1").content)
    assert br["name"] == "Universidade Exemplo"
    assert br["lang"] == "pt-br"


# Description, canonical, Open Graph, Twitter --------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["home", "programme_index", "programme", "workshop", "tutor_index", "tutor", "partnerships"],
)
def test_every_public_page_describes_itself(client, mx_pages, key):
    page = mx_pages[key]
    response = client.get(page.get_url(), HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.text
    description = meta(html, "name", "description")
    assert description and description.strip()
    assert len(description) <= 160
    assert "<" not in description
    url = page.get_full_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:title") == page.title
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:site_name") == "Universidad de Ejemplo"
    assert meta(html, "property", "og:locale") == "es"
    assert meta(html, "name", "twitter:card") == "summary"
    assert meta(html, "name", "twitter:title") == page.title
    assert meta(html, "property", "og:image") is None  # no page has a picture here


def test_description_falls_back_to_the_pages_own_text(client, mx_pages):
    html = client.get(mx_pages["workshop"].get_url(), HTTP_HOST="localhost").text
    assert meta(html, "name", "description") == (
        "Técnicas para estudiar mejor &amp; con menos estrés."
    )
    home = client.get(mx_pages["home"].get_url(), HTTP_HOST="localhost").text
    assert meta(home, "name", "description") == (
        "La Universidad de Ejemplo acompaña a sus estudiantes."
    )


def test_search_description_wins(client, mx_pages):
    programme = mx_pages["programme"]
    programme.search_description = "Tutorías para toda la carrera."
    programme.save_revision().publish()
    html = client.get(programme.get_url(), HTTP_HOST="localhost").text
    assert meta(html, "name", "description") == "Tutorías para toda la carrera."
    assert meta(html, "property", "og:description") == "Tutorías para toda la carrera."


def test_search_page_has_a_description_and_no_canonical(client, mx_pages):
    html = client.get("/search/?q=taller", HTTP_HOST="localhost").text
    assert meta(html, "name", "description")
    assert 'rel="canonical"' not in html


def test_tutor_photo_is_the_preview_image(client, mx_pages):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    tutor = mx_pages["tutor"]
    tutor.photo = Image.objects.create(title="Ana", file=get_test_image_file())
    tutor.save_revision().publish()
    html = client.get(tutor.get_url(), HTTP_HOST="localhost").text
    image = meta(html, "property", "og:image")
    assert image and image.startswith("http://localhost/")
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    person = json_ld(client.get(tutor.get_url(), HTTP_HOST="localhost"))["@graph"][0]
    assert person["image"].startswith("http://localhost/")


# JSON-LD --------------------------------------------------------------------------------


def test_home_page_is_an_educational_organisation(client, mx_pages):
    response = client.get(mx_pages["home"].get_url(), HTTP_HOST="localhost")
    document = json_ld(response)
    assert document["@context"] == "https://schema.org"
    assert types_in(document) == ["EducationalOrganization"]
    assert document["@graph"][0]["name"] == "Universidad de Ejemplo"
    assert document["@graph"][0]["url"] == "http://localhost/"


def test_workshop_sessions_are_events(client, mx_pages):
    workshop = mx_pages["workshop"]
    document = json_ld(client.get(workshop.get_url(), HTTP_HOST="localhost"))
    assert types_in(document) == ["Event", "Event"]
    first, second = document["@graph"]
    session = workshop.ordered_sessions[0]
    assert first["name"] == workshop.title
    assert first["url"] == workshop.get_full_url()
    assert first["startDate"].startswith(session.date.isoformat() + "T10:00:00")
    assert first["endDate"].startswith(session.date.isoformat() + "T12:00:00")
    assert first["location"] == {"@type": "Place", "name": "Aula 3", "address": "Aula 3"}
    assert first["eventAttendanceMode"].endswith("OfflineEventAttendanceMode")
    assert second["eventAttendanceMode"].endswith("OnlineEventAttendanceMode")
    assert first["organizer"]["@type"] == "EducationalOrganization"


def test_workshop_events_say_nothing_of_registrations(client, mx_pages):
    workshop = mx_pages["workshop"]
    factories.add_registrations(workshop, 2)
    response = client.get(workshop.get_url(), HTTP_HOST="localhost")
    data = JSON_LD.findall(response.text)[0][1]
    assert "Alumno" not in data and "alumno" not in data and "A000000" not in data


def test_tutor_profile_is_a_person_with_contact_only_when_published(client, mx_pages):
    tutor = mx_pages["tutor"]
    person = json_ld(client.get(tutor.get_url(), HTTP_HOST="localhost"))["@graph"][0]
    assert person["@type"] == "Person"
    assert person["name"] == tutor.title
    assert person["knowsAbout"] == ["Matemáticas"]
    assert person["worksFor"]["name"] == "Facultad de Ciencias"
    assert "email" not in person
    tutor.show_contact = True
    tutor.save_revision().publish()
    person = json_ld(client.get(tutor.get_url(), HTTP_HOST="localhost"))["@graph"][0]
    assert person["email"] == "ana.perez@example.edu"


def test_json_ld_is_escaped_and_carries_the_csp_nonce(client, mx_pages):
    workshop = mx_pages["workshop"]
    workshop.title = "Taller </script><script>alert(1)</script>"
    workshop.save_revision().publish()
    response = client.get(workshop.get_url(), HTTP_HOST="localhost")
    nonce, data = JSON_LD.findall(response.text)[0]
    assert "</script>" not in data and "<" not in data
    assert json.loads(data)["@graph"][0]["name"] == workshop.title
    assert nonce and f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_only_the_home_page_is_the_organisation(client, mx_pages):
    response = client.get(mx_pages["programme_index"].get_url(), HTTP_HOST="localhost")
    assert not JSON_LD.findall(response.text)
    home = client.get(mx_pages["home"].get_url(), HTTP_HOST="localhost")
    assert types_in(json_ld(home)) == ["EducationalOrganization"]


# Error pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "language", "text"),
    [
        ("localhost", "es", "Página no encontrada"),
        ("127.0.0.1", "pt-br", "Página não encontrada"),
    ],
)
def test_404_is_in_the_sites_language_and_theme(client, mx_home, br_home, host, language, text):
    response = client.get("/no-such-page/", HTTP_HOST=host)
    assert response.status_code == 404
    html = response.text
    assert f'<html lang="{language}">' in html
    assert text in html
    assert "/static/css/site.css" in html
    assert '<meta name="robots" content="noindex">' in html
    assert meta(html, "name", "description")
    home = mx_home if host == "localhost" else br_home
    assert home.title in html  # the site's header


@pytest.mark.parametrize(
    ("host", "language", "text"),
    [("localhost", "es", "Algo salió mal"), ("127.0.0.1", "pt-br", "Algo deu errado")],
)
def test_500_is_in_the_sites_language(client, mx_home, br_home, monkeypatch, host, language, text):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "serve", fail)
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert text in response.text
    assert "boom" not in response.text


def test_500_renders_without_a_request(settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    with translation.override("pt-br"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Algo deu errado" in response.content.decode()
