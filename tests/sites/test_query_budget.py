"""Query budget of the public site (issue #17, item 5): every public page type answers an
anonymous visitor in at most ``BUDGET`` queries, whatever the number of workshops, sessions,
registrations, tutors, competencies and agreements; and the count does not grow with them.

The page cache (``TUTORIA_CMS["PAGE_CACHE_SECONDS"]``) is off in the test settings: these are
the queries of a page rendered, not served from the cache. Each page is asked once to warm the
process's own caches (Wagtail's sites' root paths, content types), then counted.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests import factories
from tutoria_cms.partnerships.models import PartnershipIndexPage

pytestmark = pytest.mark.django_db

BUDGET = 12
SIZES = (1, 10, 50)
DAY = datetime.timedelta(days=1)


def build_world(home):
    from tests.partnerships.conftest import make_agreement, sign
    from tutoria_cms.core import roles

    framework = factories.load_seed_framework()
    index = factories.build_programme_index(home)
    programme = factories.build_programme(index)
    tutors = factories.build_tutor_index(home)
    partnerships = factories.add_page(
        home, PartnershipIndexPage(title="Convenios", slug="convenios")
    )
    calendar = factories.build_workshop_calendar(home)
    coordinator = factories.UserFactory(username="coord-budget", groups=[roles.COORDINATION])
    return {
        "framework": framework,
        "home": home,
        "programme_index": index,
        "programme": programme,
        "tutor_index": tutors,
        "partnerships": partnerships,
        "calendar": calendar,
        "coordinator": coordinator,
        "profiles": [],
        "workshops": [],
        "agreements": 0,
        "make_agreement": make_agreement,
        "sign": sign,
    }


def grow(world, size):
    """Add tutors, workshops (5 sessions, 5 registrations, two facilitators each) and active
    agreements until the world has ``size`` of each; the first profile assesses as many
    competencies as ``size`` allows and facilitates every workshop."""
    from django.utils import timezone

    from tutoria_cms.tutors import services
    from tutoria_cms.tutors.models import Competency

    competencies = list(Competency.objects.order_by("pk"))
    while len(world["profiles"]) < size:
        number = len(world["profiles"])
        user = factories.build_tutor_user(f"budget{number}")
        profile = factories.build_tutor_profile(
            world["tutor_index"],
            title=f"Tutor {number:02d}",
            user=user,
            disciplines=[f"Disciplina {number}"],
            expertise=["Tutoría", f"Tema {number}"],
            modalities=["video"],
        )
        for competency in competencies[: 1 + number % 3]:
            services.self_assess(profile, competency, user=user, level=2, evidence="Evidencia")
        profile.save_revision(user=user).publish()
        world["profiles"].append(profile)
    first = world["profiles"][0]
    first_user = first.user
    for competency in competencies[:size]:
        services.self_assess(first, competency, user=first_user, level=3, evidence="Evidencia")
    first.save_revision(user=first_user).publish()
    while len(world["workshops"]) < size:
        number = len(world["workshops"])
        other = world["profiles"][number % len(world["profiles"])]
        workshop = factories.build_workshop(
            world["programme"],
            title=f"Taller {number:02d}",
            capacity=30,
            sessions=[factories.session_data(days=d + 1) for d in range(5)],
            facilitators=[
                ("tutor", {"tutor": first, "role": "Facilitadora"}),
                ("tutor", {"tutor": other, "role": "Apoyo"}),
            ],
        )
        factories.add_registrations(workshop, 5, start=number * 10)
        world["workshops"].append(workshop)
    today = timezone.localdate()
    site = Site.objects.get(root_page=world["home"])
    while world["agreements"] < size:
        number = world["agreements"]
        agreement = world["make_agreement"](
            f"Convenio {number:02d}",
            partner_name=f"Socio {number:02d}",
            site=site,
            starts_on=today - 100 * DAY,
            expires_on=today + 100 * DAY,
        )
        agreement.supported_pages.set([world["programme"], world["workshops"][number]])
        world["sign"](agreement, world["coordinator"], signed_on=today - 100 * DAY, today=today)
        world["agreements"] += 1


def page_urls(world):
    return {
        "home": world["home"].url,
        "programme index": world["programme_index"].url,
        "programme": world["programme"].url,
        "workshop": world["workshops"][0].url,
        "tutor directory": world["tutor_index"].url,
        "tutor profile": world["profiles"][0].url,
        "partnerships": world["partnerships"].url,
        "workshops calendar": world["calendar"].url,
        "search": "/search/?q=Taller",
    }


def count_queries(client, url):
    response = client.get(url, HTTP_HOST="localhost")  # warms the process's caches
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


def test_every_public_page_type_within_the_budget_whatever_the_size(mx_home):
    world = build_world(mx_home)
    client = Client()
    counts = {}
    for size in SIZES:
        grow(world, size)
        for name, url in page_urls(world).items():
            number, response = count_queries(client, url)
            counts.setdefault(name, []).append(number)
            if name == "tutor directory":
                shown = min(size, world["tutor_index"].tutors_per_page)
                assert response.text.count('<h3><a href="') == shown, name
            if name == "partnerships":
                assert f"Convenio {size - 1:02d}" in response.text
            if name == "workshops calendar":
                assert f"Taller {size - 1:02d}" in response.text
    table = "\n".join(f"{name:>16}: {numbers}" for name, numbers in counts.items())
    over = {name: numbers for name, numbers in counts.items() if max(numbers) > BUDGET}
    grew = {name: numbers for name, numbers in counts.items() if len(set(numbers)) > 1}
    print(f"\nqueries per page type at sizes {SIZES}:\n{table}")
    assert not over, f"over the budget of {BUDGET} queries:\n{table}"
    assert not grew, f"queries grow with the size ({SIZES}):\n{table}"
