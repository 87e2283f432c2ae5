"""Our admin pages read as prose in the admin's language: no Python reprs, no codes, no English
(the checks: readability.py).

Every role of each institution reads its admin pages in its institution's language as it
crawls them for the other institution's data (``test_leaks_institutions.py``: Spanish at
institution A, Brazilian Portuguese at B). Here: the checks themselves, and the superuser's
pages in both languages, crawled from the argument-free admin URLs and the world's inspect
pages following the links between our pages (``LIMIT`` pages per language).
"""

from collections import deque

import pytest
from django.urls import reverse

from . import crawler
from .readability import (
    LANGUAGES,
    assert_readable,
    is_ours,
    unreadable,
    use_admin_language,
    visible_text_nodes,
)

pytestmark = pytest.mark.django_db

LIMIT = 400


def crawl_ours(client, start, limit=LIMIT):
    """{url: html} of our admin pages reachable from ``start`` (links between our pages)."""
    pages = {}
    queue = deque(url for url in dict.fromkeys(start) if is_ours(url.split("?")[0]))
    queued = set(queue)
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url, follow=True)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or "text/html" not in content_type:
            continue
        text = response.content.decode(response.charset or "utf-8", errors="replace")
        pages[url] = text
        for found in crawler.urls_in(text.replace("\\/", "/")):
            target = crawler.normalise(found, url, "/admin/")
            if (
                target
                and "?" not in target
                and target not in queued
                and is_ours(target)
                and not target.endswith(("/delete/", "/export/"))
            ):
                queued.add(target)
                queue.append(target)
    return pages


def start_urls(world):
    urls = crawler.parameterless_admin_urls() + [reverse("wagtailadmin_home")]
    urls += [
        reverse("tutoria_requests:inspect", args=[world.request_a.pk]),
        reverse("tutoria_requests:inspect", args=[world.draft_request.pk]),
        reverse("tutoria_mentoring_pairs:inspect", args=[world.pair_a.pk]),
        reverse("tutoria_agreements:inspect", args=[world.agreement.pk]),
        reverse("tutoria_reports:inspect", args=[world.report_a.pk]),
    ]
    return urls


def test_visible_text_ignores_tags_scripts_and_attributes():
    html = (
        '<div data-x="None" title="True"><script>var a = {"b": null, c: False}</script>'
        "<p>Sí <b>None</b><br></p><style>.True{}</style><div hidden>False</div></div>"
    )
    assert visible_text_nodes(html) == ["Sí", "None"]
    problems = unreadable(
        {
            "/a/": html,
            "/b/": "<p>review</p><p>Expires on</p>",
            "/c/": '<p lang="en">Expires on</p>',
        },
        {"Expires on"},
        {"review"},
    )
    assert problems == {
        "/a/": ["repr: 'None'"],
        "/b/": ["English: 'Expires on'", "action code: 'review'"],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_superusers_admin_pages_are_readable(world, browser, language):
    use_admin_language(browser.user("superuser"), language)
    pages = crawl_ours(browser.as_role("superuser"), start_urls(world))
    assert len(pages) >= 2, sorted(pages)
    names = {user.get_username() for user in world.users.values() if user is not None}
    assert_readable(pages, language, names)
