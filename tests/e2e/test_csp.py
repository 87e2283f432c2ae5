"""The Content-Security-Policy breaks nothing: pages load in a real browser without a single
violation and still work (the admin's menu, an inline panel, a date picker, the page
preview, the userbar).

Violations are collected from every frame (the preview's iframe too) through the
``securitypolicyviolation`` event, and from the console (chromium logs "Refused to …
Content Security Policy"); uncaught script errors fail the test as well.
"""

import re

import pytest

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.tutoriaCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} ` +
    `in ${event.documentURI} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""


class Problems(list):
    def watch(self, page):
        page.context.expose_binding(
            "tutoriaCspViolation", lambda source, text: self.append(f"violation: {text}")
        )
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.append(f"script error on {page.url}: {error}"))
        return page

    def console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.append(f"console: {text}")


@pytest.fixture
def problems():
    return Problems()


@pytest.fixture
def workshop(site):
    programme = factories.build_programme(factories.build_programme_index(site))
    return factories.build_workshop(programme, capacity=5)


def test_the_public_site_loads_without_violations(browsing, workshop, problems):
    page = problems.watch(browsing.new_page())
    page.goto("/")
    page.get_by_role("heading", level=1).first.wait_for()
    page.goto(workshop.url)
    page.get_by_role("heading", name=workshop.title).wait_for()
    page.goto("/search/?q=taller")
    page.wait_for_load_state("load")
    assert problems == [], "\n".join(problems)


def test_the_admin_works_without_violations(browsing, workshop, problems):
    from playwright.sync_api import expect

    factories.UserFactory(username="raiz", is_superuser=True, is_staff=True)
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=factories.make_student(),
        user=coordinator,
        programme=workshop.get_parent().specific,
        reasons=["emotional"],
        description="Necesita apoyo",
    )
    page = browsing.new_page()
    problems.watch(page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("raiz")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")

    # The dashboard: the sidebar's "Settings" menu opens (Stimulus and React both ran).
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Sites").wait_for()

    # The page editor: the preview shows the page; an inline panel adds a session
    # (InlinePanel, from csp-init.js) whose date field opens its date picker (initDateChooser).
    page.goto(f"/admin/pages/{workshop.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    preview.get_by_role("heading", name=workshop.title).wait_for()
    page.get_by_role("button", name="Toggle preview").click()  # closed (an empty session
    # added below would make the preview invalid)
    children = page.locator("[data-inline-panel-child]")
    before = children.count()
    page.get_by_role("button", name="Add session").click()
    expect(children).to_have_count(before + 1)
    page.get_by_role("textbox", name=re.compile(r"^\s*Date\b")).last.click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    page.keyboard.press("Escape")

    # The userbar on the public page (the signed-in editor's quick actions).
    page.goto(workshop.url)
    page.locator("#wagtail-userbar-trigger").click()
    page.locator("#wagtail-userbar-items").get_by_role("menuitem").first.wait_for()

    # A listing of ours: tutoring requests, its filters' drawer opens, a request opens.
    page.goto("/admin/tutoria/requests/")
    page.get_by_role("button", name="Show filters").click()
    page.get_by_text("Filter by").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("link", name=request.get_list_title()).click()
    page.wait_for_url(f"**/admin/tutoria/requests/inspect/{request.pk}/")
    assert problems == [], "\n".join(problems)
