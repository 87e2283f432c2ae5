"""Every evidence-browser listing can be searched, whatever is typed in the search box."""

import pytest
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles

pytestmark = pytest.mark.django_db

LISTINGS = (
    "requests",
    "sessions",
    "registrations",
    "attendance",
    "assessments",
    "agreements",
    "exports",
)
QUERIES = ["Cálculo", "x" * 500, "%_'\"\\;--", "<script>", "\u200b", "e\u0301", "\x00", "\x1b[0m"]


@pytest.mark.parametrize("listing", LISTINGS)
def test_every_listing_answers_any_search(client, listing):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    client.force_login(quality)
    url = reverse(f"evidence_{listing}_modeladmin_index")
    for query in QUERIES:
        response = client.get(url, {"q": query})
        assert response.status_code == 200, (listing, query)
        export = client.get(url, {"q": query, "export": "xlsx"})
        assert export.status_code == 200, (listing, query)


def test_the_public_search_answers_any_query(client, programme):
    for query in QUERIES:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
    assert "Acción Tutorial" in client.get("/search/", {"q": "\x00Acción\u200b"}).content.decode()
