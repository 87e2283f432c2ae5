"""Content-Security-Policy (django-csp 4) on the public site and the admin."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles

pytestmark = pytest.mark.django_db

NONCE_IN_HEADER = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'")


def policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


def nonce_of(response):
    header = response.headers["Content-Security-Policy"]
    found = NONCE_IN_HEADER.search(header)
    assert found, header
    return found.group(1)


def assert_inline_code_carries_the_nonce(response):
    """Every inline <script> and every <style> element has the header's nonce; no inline
    event handler or javascript: URL."""
    nonce = nonce_of(response)
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag or re.search(r'type="(application/json|text/template)"', tag):
            continue
        assert f'nonce="{nonce}"' in tag, tag
    for tag in re.findall(r"<style\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"
    assert "javascript:" not in html.lower()
    return nonce


def assert_the_policy(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["script-src"][1].startswith("'nonce-")
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    # Wagtail's admin inserts <style> elements without a nonce (docs/settings.md).
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_the_public_home_page_and_a_workshop_carry_the_policy(client, workshop):
    for url in ("/", workshop.url, "/search/?q=taller"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_the_policy(response)
        assert_inline_code_carries_the_nonce(response)


def test_each_response_has_its_own_nonce(client, mx_home):
    assert nonce_of(client.get("/")) != nonce_of(client.get("/"))


def test_the_login_page_and_the_dashboard_carry_the_policy(client, mx_home):
    login = client.get(reverse("wagtailadmin_login"))
    assert login.status_code == 200
    assert_the_policy(login)
    assert_inline_code_carries_the_nonce(login)
    client.force_login(factories.UserFactory(username="coord", groups=[roles.COORDINATION]))
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert_the_policy(dashboard)
    assert_inline_code_carries_the_nonce(dashboard)


def test_the_page_editor_runs_no_inline_script(admin_client, workshop):
    """Wagtail 8 writes inline scripts for inline panels and date pickers; the suite's
    overrides write data attributes that a static file runs."""
    response = admin_client.get(f"/admin/pages/{workshop.pk}/edit/")
    assert response.status_code == 200
    assert_the_policy(response)
    assert_inline_code_carries_the_nonce(response)
    html = response.content.decode()
    assert 'data-tutoria-init="InlinePanel"' in html  # the workshop's sessions
    assert 'data-tutoria-init="initDateChooser"' in html or "initTimeChooser" in html
    assert "tutoria_cms/core/js/csp-init.js" in html


def test_the_nonce_of_the_header_is_the_one_of_our_style_elements(client):
    """The evidence browser's <style> element carries the header's nonce."""
    client.force_login(factories.UserFactory(username="calidad", groups=[roles.QUALITY]))
    response = client.get(reverse("evidence_requests_modeladmin_index"))
    assert response.status_code == 200
    nonce = assert_inline_code_carries_the_nonce(response)
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_the_preview_may_be_framed_by_the_admin_only(admin_client, workshop):
    response = admin_client.get(f"/admin/pages/{workshop.pk}/edit/preview/?mode=")
    assert policy(response)["frame-ancestors"] == ["'self'"]
