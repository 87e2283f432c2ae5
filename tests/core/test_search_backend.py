"""Whatever is typed in a search box, of the admin or of the public site, gives a page (200),
never a server error, on SQLite and on PostgreSQL (``tutoria_cms.core.search_backend``)."""

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.search.query import And, Phrase, PlainText
from wagtail.search.utils import parse_query_string

from tests import factories
from tutoria_cms.core.search_backend import MAX_TERMS, clean_query
from tutoria_cms.core.text import search_query

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '""',
    '"unbalanced phrase',
    " OR ".join(f"w{n}" for n in range(200)),
    " OR ".join(["a"] * 200),
    "-",
    "AND",
    "NOT",
    "x" * 5000,
    "a\x00b",
    "a & b | !c",
    "(",
    ")",
    ":*",
    "*",
    "'",
    "\\",
    "^",
    "NEAR(a b)",
    "a:b",
    "<->",
    "taller -estudio",
]

SEARCH_URLS = [
    "/search/",
    "/admin/pages/search/",
    "/admin/pages/{root}/",
    "/admin/choose-page/search/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
    "/admin/tutoria/requests/",
    "/admin/tutors/frameworks/",
    "/admin/partnerships/agreements/",
    "/admin/partnerships/partners/",
    "/admin/tutoria/institution-memberships/",
    "/admin/workshop_registrations/",
    "/admin/tutors/dimensions/",
    "/admin/mentoring/pairs/",
    "/admin/mentoring/programmes/",
    "/admin/mentoring/participants/",
]


@pytest.fixture
def superuser_client(workshop):
    client = Client(raise_request_exception=False)
    client.force_login(factories.UserFactory(username="raiz", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("url", SEARCH_URLS)
def test_every_search_box_answers_any_query(superuser_client, workshop, url):
    url = url.format(root=workshop.get_site().root_page.pk)
    assert superuser_client.get(url).status_code == 200, url
    failed = []
    for query in HOSTILE:
        response = superuser_client.get(url, {"q": query})
        if response.status_code != 200:
            failed.append((query[:40], response.status_code))
    assert failed == [], url


def test_the_searches_still_find(superuser_client, workshop):
    """The control: cleaned queries find what they should."""
    public = superuser_client.get("/search/", {"q": '"técnicas de estudio'})
    assert workshop.title in public.content.decode()
    admin = superuser_client.get("/admin/pages/search/", {"q": 'taller "técnicas"'})
    assert workshop.title in admin.content.decode()
    found = Page.objects.live().search('taller ("técnicas')
    assert workshop.pk in [page.pk for page in found]


def leaves_of(query):
    if isinstance(query, And):
        for sub in query.subqueries:
            yield from leaves_of(sub)
    else:
        yield query


def test_clean_query_keeps_words_and_drops_operators():
    assert clean_query('"taller" (estudio) a&b | !c :* ^2') == "taller estudio a b c 2"
    assert clean_query('"') is None
    assert clean_query("\x00") is None
    assert clean_query("o'neill ana.perez@example.edu -x") == "o'neill ana.perez@example.edu x"
    assert len(clean_query(" OR ".join(["a"] * 200)).split()) == MAX_TERMS
    _filters, parsed = parse_query_string('taller "técnicas (de) estudio" ' + "y " * 40)
    cleaned = clean_query(parsed)
    leaves = list(leaves_of(cleaned))
    assert [type(leaf) for leaf in leaves] == [PlainText, Phrase, PlainText]
    assert leaves[1].query_string == "técnicas de estudio"
    assert sum(len(leaf.query_string.split()) for leaf in leaves) == MAX_TERMS
    assert "(de)" in str(parsed)  # the caller's query is left as it was
    assert clean_query(PlainText('"()')) is None
    assert search_query("a\x00b") == "a b"


def test_the_public_search_says_when_it_cannot_understand(client, workshop):
    """In the site's language; a search that is understood and finds nothing says so."""
    response = client.get("/search/", {"q": '"()'})
    assert response.status_code == 200
    assert "No se entendió tu búsqueda" in response.content.decode()
    response = client.get("/search/", {"q": "zzzz"})
    assert "Ninguna página coincide con tu búsqueda." in response.content.decode()
    assert "No se entendió" not in response.content.decode()


@pytest.mark.parametrize("how", ["search", "autocomplete", "parsed"])
def test_the_backend_answers_any_query(workshop, how):
    """What every search box calls. On the old backend (Wagtail's database backend): a quote
    or a NUL is an OperationalError on SQLite ("unterminated string"), 200 words a
    RecursionError and a NUL a DataError on PostgreSQL."""
    pages = Page.objects.live()
    for query in HOSTILE:
        if how == "search":
            found = pages.search(query)
        elif how == "autocomplete":
            found = pages.autocomplete(query)
        else:
            found = pages.search(parse_query_string(query, operator="and")[1])
        list(found)
    assert workshop.pk in [page.pk for page in pages.search('"técnicas\x00')]
