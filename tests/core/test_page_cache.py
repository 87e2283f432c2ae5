"""The page cache for anonymous visitors (core.page_cache, issue #17 item 5).

Every test first shows the cache at work (a HIT) where it should be, so each fails on code
without the cache; then what must never be served from it, or must be invalidated.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction

from tests import factories
from tutoria_cms.core import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "PAGE_CACHE_SECONDS": 300}


def get(client, url, host="localhost", **extra):
    response = client.get(url, HTTP_HOST=host, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def hit(response):
    return response.get("X-Cache") == "HIT"


def test_second_anonymous_get_is_a_hit_without_queries(programme):
    client = Client()
    first = get(client, programme.url)
    assert first["X-Cache"] == "MISS"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, programme.url)
    assert hit(second)
    assert len(queries) == 0, [q["sql"] for q in queries]
    # The same page, but for its CSP nonce (every page's theme <style> carries one): each
    # response has its own (test_each_hit_carries_its_own_csp_nonce).
    assert without_nonce(second.content) == without_nonce(first.content)
    assert not second.cookies


def without_nonce(content):
    return re.sub(rb'nonce="[^"]+"', b'nonce=""', content)


def test_each_hit_carries_its_own_csp_nonce(mx_home):
    client = Client()
    first = get(client, "/")
    response = get(client, "/")
    assert hit(response)
    nonces = set(re.findall(r'nonce="([^"]+)"', response.text))
    header = response["Content-Security-Policy"]
    assert nonces, "the page has no nonce to check"
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in header
        assert nonce not in first.text


def test_signed_in_users_are_never_served_from_the_cache(programme):
    anonymous = Client()
    get(anonymous, programme.url)
    assert hit(get(anonymous, programme.url))

    user = factories.UserFactory(username="editor", is_superuser=True, is_staff=True)
    signed_in = Client()
    signed_in.force_login(user)
    response = get(signed_in, programme.url)
    assert "X-Cache" not in response
    # What only they see: Wagtail's user bar.
    assert "wagtail-userbar" in response.text


def test_sites_are_kept_apart(programme, br_programme):
    client = Client()
    get(client, "/")
    assert hit(get(client, "/"))
    brazil = get(client, "/", host="127.0.0.1")
    assert brazil["X-Cache"] == "MISS"
    assert "Universidade Exemplo" in brazil.text
    assert "Universidad de Ejemplo" not in brazil.text
    assert hit(get(client, "/", host="127.0.0.1"))
    assert "Universidad de Ejemplo" in get(client, "/").text


def test_languages_are_kept_apart(programme, rf):
    request = rf.get(programme.url, HTTP_HOST="localhost")
    with translation.override("es"):
        spanish = page_cache._key(request, translation.get_language())
    with translation.override("pt-br"):
        portuguese = page_cache._key(request, translation.get_language())
    assert spanish != portuguese
    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))


def test_publishing_a_page_invalidates(programme):
    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))
    programme.title = "Programa renovado"
    programme.save_revision().publish()
    response = get(client, programme.url)
    assert response["X-Cache"] == "MISS"
    assert "Programa renovado" in response.text


def test_a_new_workshop_session_invalidates_the_programme_page(programme, workshop):
    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))
    from tutoria_cms.workshops.models import WorkshopSession

    WorkshopSession.objects.create(page=workshop, **factories.session_data(days=3, place="Aula 99"))
    response = get(client, programme.url)
    assert response["X-Cache"] == "MISS"


def test_a_snippet_or_record_shown_invalidates(mx_home):
    """The partnerships page shows agreements (records saved outside the page tree)."""
    from tests.partnerships.conftest import make_agreement
    from tutoria_cms.partnerships.models import PartnershipIndexPage

    page = factories.add_page(mx_home, PartnershipIndexPage(title="Convenios", slug="convenios"))
    client = Client()
    get(client, page.url)
    assert hit(get(client, page.url))
    make_agreement("Convenio nuevo")
    assert get(client, page.url)["X-Cache"] == "MISS"


def test_unpublishing_invalidates(programme, workshop):
    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))
    workshop.unpublish()
    response = get(client, programme.url)
    assert response["X-Cache"] == "MISS"
    assert workshop.title not in response.text


def test_pages_with_a_csrf_token_are_never_shared(programme, workshop):
    """The workshop page carries the public sign-up form: its CSRF token is the visitor's."""
    get(Client(), programme.url)
    assert hit(get(Client(), programme.url))

    first, second = Client(), Client()
    one = get(first, workshop.url)
    two = get(second, workshop.url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', one.text).group(1)
    assert token not in two.text
    assert "X-Cache" not in one and "X-Cache" not in two


def test_responses_setting_cookies_are_not_cached(rf):
    from django.http import HttpResponse

    request = rf.get("/")
    response = HttpResponse("hello")
    response.set_cookie("anything", "value")
    assert not page_cache._cacheable_response(request, response)


def test_post_is_never_served_from_the_cache(programme, workshop):
    client = Client()
    get(client, workshop.url)  # not cached (its form)
    get(client, programme.url)
    assert hit(get(client, programme.url))
    response = client.post(workshop.url, {}, HTTP_HOST="localhost")
    assert "X-Cache" not in response
    assert "X-Cache" not in client.post(programme.url, {}, HTTP_HOST="localhost")


def test_private_pages_are_never_cached(programme, programme_index):
    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))
    PageViewRestriction.objects.create(
        page=programme_index, restriction_type=PageViewRestriction.PASSWORD, password="secreto"
    )
    for _ in range(2):
        response = client.get(programme.url, HTTP_HOST="localhost")
        assert "X-Cache" not in response


def test_off_when_zero(settings, programme):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "PAGE_CACHE_SECONDS": 0}
    client = Client()
    get(client, programme.url)
    assert "X-Cache" not in get(client, programme.url)


def test_the_setting_is_checked(settings):
    from tutoria_cms.core.checks import check_page_cache

    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "PAGE_CACHE_SECONDS": -1}
    assert [e.id for e in check_page_cache()] == ["tutoria_core.E005"]
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "PAGE_CACHE_SECONDS": 60}
    assert check_page_cache() == []
    middleware = list(settings.MIDDLEWARE)
    middleware.remove(page_cache.MIDDLEWARE_PATH)
    middleware.insert(0, page_cache.MIDDLEWARE_PATH)
    settings.MIDDLEWARE = middleware
    assert "tutoria_core.E006" in [e.id for e in check_page_cache()]


def test_rows_no_public_page_shows_leave_the_cache_alone(programme):
    """A student signing up or in (allauth's e-mail and SSO rows, the student account) or a
    certificate issued does not empty every site's cache."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    client = Client()
    get(client, programme.url)
    assert hit(get(client, programme.url))
    before = page_cache.generation()
    user = factories.UserFactory(username="alumna", is_staff=False)
    EmailAddress.objects.create(user=user, email="alumna@example.edu", verified=True)
    SocialAccount.objects.create(user=user, provider="uni", uid="42")
    assert page_cache.generation() == before
    assert hit(get(client, programme.url))
