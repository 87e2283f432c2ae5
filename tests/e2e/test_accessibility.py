"""WCAG 2.1 AA in a real browser: axe-core finds no violation on any public page type, the
sign-in pages or the student area, at 1280 and 320 px wide, and no page is wider than the
screen (issue #16 item 6, issue #17's goals)."""

import pytest

from tests import factories
from tests.e2e.accessibility import WIDTHS, axe_violations, page_width
from tutoria_cms.partnerships.models import PartnershipIndexPage

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "A-long-student-passphrase-42"  # noqa: S105 (a test account's)


@pytest.fixture
def public_pages(site):
    index = factories.build_programme_index(site)
    programme = factories.build_programme(index)
    workshop = factories.build_workshop(programme, capacity=5)
    tutors = factories.build_tutor_index(site)
    tutor = factories.build_tutor_profile(tutors)
    partnerships = factories.add_page(site, PartnershipIndexPage(title="Convenios"))
    calendar = factories.build_workshop_calendar(site)
    return {
        "home": "/",
        "programme index": index.url,
        "programme": programme.url,
        "workshop": workshop.url,
        "tutor directory": tutors.url,
        "tutor": tutor.url,
        "partnerships": partnerships.url,
        "workshops calendar": calendar.url,
        "past workshops": calendar.url + "?when=past",
        "search": "/search/?q=taller",
        "not found": "/no-such-page/",
        "sign in": "/accounts/login/",
        "sign up": "/accounts/signup/",
    }


@pytest.fixture
def student_area(site):
    from wagtail.models import Site

    area = factories.build_student_area(site)
    record = factories.make_student(
        "2019001", site=Site.objects.get(root_page=site), full_name="Maria da Silva"
    )
    user = factories.make_student_user(record, password=PASSWORD)
    return area, user


def check(page, path, width, problems):
    page.goto(path)
    page.wait_for_load_state("load")
    problems += [f"{path} at {width} px: {line}" for line in axe_violations(page)]
    drawn = page_width(page)
    if drawn > width:
        problems.append(f"{path} at {width} px: the page is {drawn} px wide")


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_pass_axe_and_fit_the_screen(browsing, public_pages, width):
    page = browsing.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
    problems = []
    for path in public_pages.values():
        check(page, path, width, problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_student_area_passes_axe_and_fits_the_screen(browsing, student_area, width):
    area, user = student_area
    page = browsing.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{area.url}")
    problems = []
    check(page, area.url, width, problems)
    for link in page.locator("nav.tutoria-area-nav a").all()[1:]:
        check(page, link.get_attribute("href"), width, problems)
        page.goto(area.url)
    assert problems == [], "\n".join(problems)
