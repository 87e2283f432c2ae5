"""Journeys: one real task of one role, done only by clicking and typing, as the person sees it.

A journey starts at the admin dashboard (signed in through the login form) or at the public
home page, then goes on only through visible links, buttons and fields: no ``page.goto``
after the start and no request sent by the test. Locators use the texts the person reads,
translated here with the suite's own catalogues (:func:`es`, :func:`pt`), so that a changed
label or a lost translation fails the journey.

The fixtures of ``tests/e2e/conftest.py`` (``browser`` once per module, ``live_server``,
``site``, ``browsing``) apply; the browser contexts opened here speak Spanish (Mexican site)
or Brazilian Portuguese (Brazilian site, ``br_site``) and send that Accept-Language, which
the admin follows.
"""

import re
import urllib.parse

import pytest
from django.utils import translation
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests import factories
from tests.e2e.conftest import TIMEOUT_MS


def _translate(language, message, context=None):
    with translation.override(language):
        if context:
            return str(translation.pgettext(context, message))
        return str(translation.gettext(message))


def es(message, context=None):
    """``message`` as the Mexican site (Spanish) shows it."""
    return _translate("es", message, context)


def pt(message, context=None):
    """``message`` as the Brazilian site (Portuguese) shows it."""
    return _translate("pt-br", message, context)


def list_title(request):
    """A tutoring request's title in listings, as the Mexican site shows it."""
    with translation.override("es"):
        return str(request.get_list_title())


def exactly(label):
    """A field's accessible name: the label, with Wagtail's "*" when the field is required."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def open_page_explorer(page, first_link):
    """Open the sidebar's page explorer and wait for ``first_link`` (a locator) in it.

    The explorer fetches its listing from the admin API after the click; on a loaded test
    server that request is sometimes answered after the panel has drawn an empty state.
    A person closes and reopens the explorer then; so does this (up to three times), which
    fetches the listing again.
    """
    pages = page.get_by_role("button", name=es("Pages"), exact=True)
    for _attempt in range(3):
        if pages.get_attribute("aria-expanded") == "true":
            pages.click()  # close it first, so the next click fetches again
        pages.click()
        try:
            first_link.wait_for(state="visible", timeout=TIMEOUT_MS // 2)
            return
        except PlaywrightTimeoutError:
            continue
    first_link.wait_for(state="visible")  # the last word: fails with Playwright's message


def new_page(browsing, locale="es-MX", base_url=None):
    context = browsing.browser.new_context(
        base_url=base_url or browsing.base_url, locale=locale, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsing.contexts.append(context)  # closed (with screenshots on failure) by ``browsing``
    return context.new_page()


# The password of the students the journeys create (factories.make_student_user).
STUDENT_PASSWORD = "A-long-student-passphrase-42"  # noqa: S105 (a test account's)


def student_signs_in(page, email, password=STUDENT_PASSWORD, lands="**/mi-espacio/"):
    """Sign a student in through the public sign-in form (``page`` on the sign-in page, or
    anywhere: it goes there) and wait for their area."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name=es("Sign In")).click()
    page.wait_for_url(lands)
    return page


def open_area_section(page, name):
    """Follow a link of the student area's menu (``name`` in English, shown in Spanish)."""
    page.get_by_role("navigation", name=es("Student area")).get_by_role(
        "link", name=es(name)
    ).click()


@pytest.fixture
def visitor(browsing):
    """``visitor(base_url=None, locale="es-MX")``: an anonymous page on the public home page."""

    def open_home(base_url=None, locale="es-MX"):
        page = new_page(browsing, locale, base_url)
        page.goto("/")
        return page

    return open_home


@pytest.fixture
def sign_in(browsing):
    """``sign_in(username)``: a page in Spanish, signed in through the login form, on the
    dashboard (the only ``goto`` of an admin journey)."""

    def open_dashboard(username, password=factories.PASSWORD, locale="es-MX"):
        translate = pt if locale.startswith("pt") else es
        page = new_page(browsing, locale)
        page.goto("/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name=translate("Sign in")).click()
        page.wait_for_url("**/admin/")
        return page

    return open_dashboard


@pytest.fixture
def br_site(live_server):
    """The Brazilian site (Portuguese), served by the live server at 127.0.0.1:<port>."""
    port = urllib.parse.urlsplit(live_server.url).port
    home = factories.build_site("pt-br", "127.0.0.1", port=port, title="Universidade Exemplo")
    home.base_url = f"http://127.0.0.1:{port}"
    return home


def request_in_progress(student_number="2019001", tutor_username="tutora.ana", term=None):
    """A support request approved, assigned to a tutor and started (with its people); of
    ``term`` when given."""
    from tutoria_cms.core import roles
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import RequestKind

    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    tutor = factories.UserFactory(
        username=tutor_username, groups=[roles.TUTORS], first_name="Ana", last_name="Ramírez"
    )
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=factories.make_student(student_number, full_name="Lucía Hernández Soto"),
        user=coordinator,
        term=term,
        reasons=["academic"],
        description="Bajo rendimiento en el primer parcial.",
        language="es",
    )
    people = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = factories.walk(request, people, "submit", "review", "approve")
    services.assign_tutor(request, tutor, coordinator)
    request = factories.walk(request, people, "start")
    request.refresh_from_db()
    return request


def approved_class_request(site, coordinator, board):
    """An individual-class request of ``site`` (a Site) approved by ``board``: term 2026-1,
    Cálculo I (60 h), student Lucía Hernández Soto. Returns the request and the individual
    class its approval opened (no tutor designated yet)."""
    import datetime

    from tutoria_cms.academics.models import CurricularComponent, Term
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import IndividualClass, RequestKind

    term = Term.objects.create(
        site=site,
        code="2026-1",
        name="Primavera 2026",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    component = CurricularComponent.objects.create(
        site=site, code="MAT101", name="Cálculo I", hours=60
    )
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=factories.make_student("2025001", full_name="Lucía Hernández Soto"),
        user=coordinator,
        term=term,
        component=component,
        site=site,
        component_offered_this_term=True,
        schedule_clash=True,
    )
    people = {"submit": coordinator, "review": coordinator, "approve": board}
    request = factories.walk(request, people, "submit", "review", "approve")
    return request, IndividualClass.objects.get(requests=request)
