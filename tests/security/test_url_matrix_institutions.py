"""The permission matrix across institutions (issue #13): every URL of the suite pointed at
the objects of one institution, asked by every role of the other, is refused; and no
response to a role of one institution, on any URL (its own or the other's), shows the other
institution's confidential texts or its students' personal data (names, numbers, e-mails),
nor the text of its files.

The URLs are those of ``test_url_matrix`` (collected from the resolver and Wagtail's
registries, so a new view is covered here as soon as it has its decision there), filled from
each institution's objects (``conftest.build_institution``). A URL that does not depend on an
institution's objects (a listing, an "add" form, the search) is the same for both: it is only
searched for the other institution's data. Superusers administer the install: they reach
both institutions (checked below on the views coordination reaches).
"""

from urllib.parse import urlsplit

import pytest

from .conftest import ROLES, assert_for_each, others_data
from .test_url_matrix import (
    ADMIN_LOGIN,
    ALLOWED,
    DASHBOARD,
    EVERYONE,
    REFUSED_BY_REDIRECT,
    is_post_only,
    text_of,
    url_of,
)

pytestmark = pytest.mark.django_db

OTHER = {"a": "b", "b": "a"}
# Served to everybody, whatever the institution: the public pages and the site search.
PUBLIC = frozenset(key for key, allowed in ALLOWED.items() if allowed == EVERYONE)
# Shared between institutions by design (docs/architecture.md, "Institutions"): partners (a
# company may sign agreements with several institutions). Competency frameworks are shared
# too (the world's one framework: the same URL in both institutions).
SHARED_NAMESPACES = frozenset({"tutoria_partners"})


def shared(key):
    return key.split(":")[0] in SHARED_NAMESPACES


def get(client, url):
    """GET ``url``; a page of another Site is asked for on that Site's host."""
    parts = urlsplit(url)
    if parts.netloc:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return client.get(path, HTTP_HOST=parts.netloc)
    return client.get(url)


def assert_nothing_of_the_other(response, world, institution, where):
    text = text_of(response)
    leaked = [data for data in others_data(world, institution) if data in text]
    assert not leaked, (where, leaked)


def assert_refused(response, key, role, own):
    status = response.status_code
    if status == 302:
        location = response["Location"]
        expected = REFUSED_BY_REDIRECT.get((key, role))
        # A tutor is sent to their own profile when they may add one there (their own
        # institution's directory); another institution's directory refuses them outright.
        if expected is not None and location != DASHBOARD:
            from django.urls import reverse

            target = expected(own)
            if isinstance(target, str):  # the public site's sign-in page (then back)
                assert location.split("?")[0] == target.split("?")[0], location
            else:
                assert location == reverse("wagtailadmin_pages:edit", args=[target.pk])
        else:
            assert location == DASHBOARD or location.startswith(ADMIN_LOGIN), location
    else:
        assert status in (403, 404), status


@pytest.mark.parametrize("key", sorted(ALLOWED))
def test_each_institution_reads_nothing_of_the_other(world, browser, key):
    """The URL of ``key`` filled with each institution's objects, asked by every role.

    - B's roles on B's URL (allowed or not, listings and counts included) read nothing of
      institution A, and the roles ``ALLOWED`` names get it: the control, so that the
      refusals below are the institution's doing, not a broken URL. (A's roles on A's URL:
      ``test_url_matrix.test_permission_matrix``.)
    - Where the URL names an institution's objects (a listing, an "add" form or the search is
      the same URL for both), every role of each institution asks for the other's: refused
      (unless public or shared by design), and nothing of the other shows."""
    urls = {institution: url_of(world.institutions[institution], key) for institution in OTHER}
    cases = [("own URL", role, "b") for role in ROLES]
    if urls["a"] != urls["b"]:
        cases += [("other's URL", role, institution) for institution in OTHER for role in ROLES]

    def check(case):
        kind, role, institution = case
        if kind == "own URL":
            reads_its_own(browser, world, key, role, urls["b"])
        else:
            is_refused_the_others(browser, world, key, role, institution, urls[OTHER[institution]])

    assert_for_each(cases, check)


def reads_its_own(browser, world, key, role, url):
    response = get(browser.as_role(role, "b"), url)
    if role in ALLOWED[key]:
        expected = 405 if is_post_only(key) else 200
        assert response.status_code == expected, (
            url,
            response.status_code,
            response.get("Location"),
        )
    assert_nothing_of_the_other(response, world, "b", url)


def is_refused_the_others(browser, world, key, role, institution, other_url):
    own, other = world.institutions[institution], world.institutions[OTHER[institution]]
    response = get(browser.as_role(role, institution), other_url)
    if key not in PUBLIC and not shared(key):
        assert_refused(response, key, role, own)
    if key not in PUBLIC:
        assert_nothing_of_the_other(response, world, institution, other_url)
    else:
        # A public page of the other institution shows its own public content (tutors'
        # profiles...): searched for confidential texts only.
        text = text_of(response)
        assert not [s for s in (*other.secrets, other.file_text) if s in text]


SUPERUSER_KEYS = sorted(
    key for key, allowed in ALLOWED.items() if "coordination" in allowed and not is_post_only(key)
)


@pytest.mark.parametrize("institution", ["a", "b"])
@pytest.mark.parametrize("key", SUPERUSER_KEYS)
def test_superusers_reach_both_institutions(world, browser, key, institution):
    url = url_of(world.institutions[institution], key)
    response = get(browser.as_role("superuser"), url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))


def test_institution_bs_secrets_are_shown_to_its_readers(world, browser):
    """The control of the searches above: B's texts are in B's pages for B's readers."""
    from django.urls import reverse

    from .conftest import DISCLOSURE_A, EVIDENCE_A, MENTOR_NOTES, REPORT_A, secret_of

    b = world.b
    shown = {
        ("tutor", reverse("tutoria_requests:disclosure", args=[b.request_a.pk])): DISCLOSURE_A,
        ("tutor", reverse("tutoria_mentoring_pairs:inspect", args=[b.pair_a.pk])): MENTOR_NOTES,
        ("coordination", reverse("tutoria_tutors:profile_matrix", args=[b.profile_a.pk])): (
            EVIDENCE_A
        ),
        ("coordination", reverse("tutoria_reports:inspect", args=[b.report_a.pk])): REPORT_A,
        ("coordination", reverse("workshop_registrations:index")): "Wanda Wolff",
    }
    for (role, url), text in shown.items():
        response = browser.as_role(role, "b").get(url)
        assert response.status_code == 200, url
        assert secret_of(text, "b") in text_of(response), (role, url, text)


# The evidence browser's listings: pseudonymised rows, so no personal data would tell another
# institution's rows apart; their links do (each row links to its inspect view).

EVIDENCE_LISTINGS = ("requests", "sessions", "registrations", "attendance", "assessments")


@pytest.mark.parametrize("institution", ["a", "b"])
@pytest.mark.parametrize("listing", [*EVIDENCE_LISTINGS, "agreements", "exports"])
def test_evidence_listings_hold_only_ones_own_institution(world, browser, listing, institution):
    from . import urls

    own, other = world.institutions[institution], world.institutions[OTHER[institution]]
    attribute = urls.MODELADMIN_OBJECT[listing]
    client = browser.as_role("quality", institution)
    index = url_of(own, f"evidence_{listing}_modeladmin_index")
    text = text_of(client.get(index))
    own_link = url_of(own, f"evidence_{listing}_modeladmin_inspect")
    other_link = url_of(other, f"evidence_{listing}_modeladmin_inspect")
    assert getattr(own, attribute).pk != getattr(other, attribute).pk
    assert f'"{own_link}"' in text, own_link  # the control
    assert f'"{other_link}"' not in text, other_link
