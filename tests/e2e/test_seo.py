"""The public site in a real browser: every page type, and the 404 page, load their icons,
manifest and styles with no console error and no failed request; the JSON-LD is read as
data (not run), so the Content-Security-Policy reports nothing."""

import json

import pytest

from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def public_pages(site):
    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(programme, capacity=5)
    tutor = factories.build_tutor_profile(factories.build_tutor_index(site))
    return ["/", programme.url, workshop.url, tutor.url, "/search/?q=taller"]


def watch(page):
    problems = []

    def console(message):
        # A failed load is reported below with its URL (the 404 page's own status is meant).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and problems.append(f"{response.status}: {response.url}")
        ),
    )
    return problems


def test_public_pages_load_their_icons_without_errors(browsing, public_pages):
    page = browsing.new_page()
    problems = watch(page)
    for path in public_pages:
        page.goto(path)
        page.wait_for_load_state("load")
        icon = page.locator('link[rel="icon"]').get_attribute("href")
        assert page.request.get(icon).status == 200
        manifest = page.locator('link[rel="manifest"]').get_attribute("href")
        assert json.loads(page.request.get(manifest).body())["name"] == "Universidad de Ejemplo"
        for script in page.locator('script[type="application/ld+json"]').all():
            json.loads(script.text_content())
    assert problems == [], "\n".join(problems)


def test_404_page_in_the_browser(browsing, site):
    page = browsing.new_page()
    problems = watch(page)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    page.get_by_role("heading", level=1, name="Página no encontrada").wait_for()
    page.get_by_role("link", name="Ir a la página de inicio").click()
    page.wait_for_url("**/")
    assert page.request.get("/favicon.ico").headers["content-type"] == "image/svg+xml"
    assert problems == [], "\n".join(problems)
