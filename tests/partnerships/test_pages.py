"""The public page of active partnerships: content, site scoping, bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests import factories
from tutoria_cms.partnerships.models import PartnershipIndexPage

from .conftest import make_agreement, sign

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def page(mx_home):
    return factories.add_page(
        mx_home,
        PartnershipIndexPage(
            title="Convenios", slug="convenios", introduction="<p>Nuestros convenios</p>"
        ),
    )


def active(title, coordinator, today, site=None, partner_name=None, pages=()):
    agreement = make_agreement(
        title,
        partner_name=partner_name or f"Socio {title}",
        site=site,
        starts_on=today - 100 * DAY,
        expires_on=today + 100 * DAY,
    )
    agreement.supported_pages.set(pages)
    return sign(agreement, coordinator, signed_on=today - 100 * DAY, today=today)


def test_lists_active_agreements_only(page, coordinator, today, br_home, programme):
    mx = Site.objects.get(root_page=page.get_site().root_page)
    br = Site.objects.get(root_page=br_home)
    active("Convenio vigente", coordinator, today, site=mx, pages=[programme])
    active("Convenio sin sede", coordinator, today, site=mx)  # every agreement has one now
    active("Convênio do Brasil", coordinator, today, site=br)
    make_agreement("Convenio sin firmar", site=mx)
    expired = make_agreement(
        "Convenio vencido",
        partner_name="Socio vencido",
        site=mx,
        starts_on=today - 400 * DAY,
        expires_on=today - DAY,
    )
    sign(expired, coordinator, signed_on=today - 400 * DAY, today=today - 2 * DAY)

    response = factories_client().get(page.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Convenio vigente" in html and "Convenio sin sede" in html
    assert "Convênio do Brasil" not in html
    assert "Convenio sin firmar" not in html and "Convenio vencido" not in html
    assert "Prácticas profesionales" in html  # purposes, in the site's language (es)
    assert "Privado" in html
    assert f'href="{programme.relative_url(mx)}">{programme.title}</a>' in html


def factories_client():
    from django.test import Client

    return Client()


def test_queries_do_not_grow_with_agreements(page, coordinator, today, programme, workshop):
    def count_queries():
        client = factories_client()
        client.get(page.url, HTTP_HOST="localhost")  # warm caches (site root paths...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url, HTTP_HOST="localhost")
        assert response.status_code == 200
        return len(queries)

    active("Convenio 0", coordinator, today, pages=[programme, workshop])
    one = count_queries()
    for number in range(1, 20):
        active(f"Convenio {number}", coordinator, today, pages=[programme, workshop])
    assert count_queries() == one
