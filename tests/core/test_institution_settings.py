"""Settings › Institution as the theme of the public site (issue #17, item 1): colours checked
for WCAG AA contrast, reaching every page; the logo in the header; the footer's contact, data
controller and privacy link; the public privacy notice (/privacy/) of each site, in its
language."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from tutoria_cms.core import theme
from tutoria_cms.core.models import InstitutionSettings

pytestmark = pytest.mark.django_db


# Contrast -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_follows_the_wcag_formula(first, second, ratio):
    assert theme.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert theme.contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("colour", ["#0b5c8c", "#767676", "#7a1f3d", "#1d5c3a", "#000000"])
def test_dark_enough_colours_are_accepted(colour):
    theme.validate_colour(colour)


@pytest.mark.parametrize("colour", ["#777777", "#f2a900", "#ffffff", "#8fd3f4"])
def test_too_light_colours_are_refused_with_the_ratio(colour):
    with pytest.raises(ValidationError) as error:
        theme.validate_colour(colour)
    assert error.value.code == "low_contrast"
    assert "4.5:1" in error.value.messages[0]
    assert f"{theme.contrast_ratio(colour, '#ffffff'):.2f}:1" in error.value.messages[0]


@pytest.mark.parametrize("colour", ["0b5c8c", "#0b5c8", "#0b5c8cz", "blue", "", "#GGGGGG"])
def test_what_is_not_a_hex_colour_is_refused(colour):
    with pytest.raises(ValidationError) as error:
        theme.validate_colour(colour)
    assert error.value.code == "invalid_colour"


def test_the_setting_validates_its_colours_in_the_site_language(mx_home):
    from django.utils import translation

    site = Site.objects.get(root_page=mx_home)
    row = InstitutionSettings.for_site(site)
    assert (row.primary_colour, row.accent_colour) == ("#0b5c8c", "#0b5c8c")
    row.primary_colour = "#f2a900"
    with translation.override("es"):
        with pytest.raises(ValidationError) as error:
            row.full_clean()
        assert "primary_colour" in error.value.message_dict
        assert "demasiado claro" in error.value.message_dict["primary_colour"][0]


# The theme on the site --------------------------------------------------------------------------


def themed(site, **fields):
    row = InstitutionSettings.for_site(site)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


def test_the_colours_reach_every_page_in_a_style_with_the_csp_nonce(client, mx_home):
    site = Site.objects.get(root_page=mx_home)
    html = client.get("/", HTTP_HOST="localhost").text
    assert "--primary:#0b5c8c;--accent:#0b5c8c;" in html  # the default
    themed(site, primary_colour="#7a1f3d", accent_colour="#1d5c3a")
    response = client.get("/", HTTP_HOST="localhost")
    html = response.text
    style = re.search(r'<style nonce="([^"]+)">([^<]*)</style>', html)
    assert style is not None
    assert style.group(2) == ":root{--primary:#7a1f3d;--accent:#1d5c3a;}"
    assert (
        style.group(1) in response["Content-Security-Policy"]
        or "'unsafe-inline'" in (response["Content-Security-Policy"])
    )
    assert '<meta name="theme-color" content="#7a1f3d">' in html
    # Also on a page of a view (search) and on the 404 page.
    assert "--primary:#7a1f3d" in client.get("/search/?q=x", HTTP_HOST="localhost").text
    assert "--primary:#7a1f3d" in client.get("/nowhere/", HTTP_HOST="localhost").text


def test_the_logo_is_in_the_header_beside_the_institution_name(client, mx_home):
    site = Site.objects.get(root_page=mx_home)
    html = client.get("/", HTTP_HOST="localhost").text
    assert 'class="site-logo"' not in html
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 200)))
    themed(site, logo=logo)
    html = client.get("/", HTTP_HOST="localhost").text
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    img = re.search(r'<img class="site-logo"[^>]*>', header).group(0)
    # The name is the link's text right after it: the logo is decorative (an alt repeating
    # the name would be read twice; Lighthouse's image-redundant-alt).
    assert 'alt=""' in img
    assert re.search(
        r'site-logo[^>]*><span class="site-name__text">Universidad de Ejemplo<', header
    )
    assert re.search(r'srcset="[^"]+ 1x, [^"]+ 2x"', img)
    assert 'height="64"' in img


def test_the_footer_shows_contact_data_controller_and_privacy_link(client, mx_home):
    site = Site.objects.get(root_page=mx_home)
    themed(
        site,
        contact="Coordinación de Tutorías\ntutorias@example.edu",
        data_controller="Universidad de Ejemplo, Av. 1",
    )
    html = client.get("/", HTTP_HOST="localhost").text
    footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
    assert "Coordinación de Tutorías<br>" in footer
    assert 'href="mailto:tutorias@example.edu"' in footer
    assert "Universidad de Ejemplo, Av. 1" in footer
    assert 'href="/privacy/"' in footer


# /privacy/ ---------------------------------------------------------------------------------------


def test_the_privacy_page_shows_each_sites_notice_in_its_language(mx_home, br_home):
    mx_site = Site.objects.get(root_page=mx_home)
    br_site = Site.objects.get(root_page=br_home)
    themed(mx_site, privacy_notice="<p>Aviso de privacidad de México</p>")
    themed(br_site, privacy_notice="<p>Aviso de privacidade do Brasil</p>", data_controller="UE")
    client = Client()
    mx = client.get("/privacy/", HTTP_HOST="localhost")
    br = client.get("/privacy/", HTTP_HOST="127.0.0.1")
    assert mx.status_code == br.status_code == 200
    assert "Aviso de privacidad de México" in mx.text and "Brasil" not in mx.text
    assert "Aviso de privacidade do Brasil" in br.text and "México" not in br.text
    assert '<html lang="es">' in mx.text and "<h1>Aviso de privacidad</h1>" in mx.text
    assert '<html lang="pt-br">' in br.text and "<h1>Aviso de privacidade</h1>" in br.text
    assert "UE" in br.text


def test_the_privacy_page_without_a_notice_is_no_404(client, mx_home):
    response = client.get("/privacy/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "todavía no ha publicado su aviso de privacidad" in response.text
    assert client.post("/privacy/", HTTP_HOST="localhost").status_code == 405
