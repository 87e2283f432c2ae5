"""Our admin pages read as prose in the admin's language: no Python reprs, no codes, no English.

For every role of the suite (see conftest.py for the world) and for the admin in Spanish and in
Brazilian Portuguese, every admin page of ours (a view whose code or model lives in
``tutoria_cms.`` or ``sites.``: see inventory.py) reachable by GET from the argument-free admin
URLs and the world's inspect pages is fetched, and its visible text (tags, scripts, styles and
attributes stripped) must not contain:

- ``None``, ``True``, ``False``, ``{'`` or ``[{`` (a Python value printed as is);
- a workflow action code of the request workflow (``submit``, ``review``, ...) as a text of
  its own (the history shows translated action names);
- a text that is one of our English msgids with a different translation in that language
  (an English label of ours left untranslated), except the proper nouns of ``ALLOWED_ENGLISH``.

The crawl is bounded (``LIMIT`` pages per role and language) and the world is built once for
the module.
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from . import crawler, inventory
from .conftest import ROLES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
ADMIN_ROLES = [role for role in ROLES if role not in ("anonymous", "student")] + ["superuser"]
LANGUAGES = {"es": "es", "pt-br": "pt_BR"}
LIMIT = 400
PYTHON_REPRS = re.compile(r"\b(None|True|False)\b|\{'|\[\{")
# Proper nouns and international words that read the same in every language.
ALLOWED_ENGLISH = {"Wagtail", "PAT", "ID", "Email", "E-mail", "Total", "Status"}


class VisibleText(HTMLParser):
    """The text nodes a reader sees: not scripts, styles, templates, attributes, or elements
    marked ``hidden`` (e.g. Wagtail's empty side-panel counters)."""

    HIDDEN = {"script", "style", "template", "noscript", "textarea", "title"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes = []
        # Texts inside an element that declares its own language (``lang="en"``: a workbook's
        # sheet titles in the language it was made in) are not the admin's words.
        self.declared_english = set()
        self.stack = []  # (tag, hides its content, declares English)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        hides = tag in self.HIDDEN or any(name == "hidden" for name, _value in attrs)
        english = any(name == "lang" and (value or "").startswith("en") for name, value in attrs)
        self.stack.append((tag, hides, english))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not any(hides for _tag, hides, _english in self.stack):
            self.nodes.append(text)
            if any(english for _tag, _hides, english in self.stack):
                self.declared_english.add(text)


def parse_visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def visible_text_nodes(html):
    return parse_visible_text(html).nodes


def is_ours(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class, module, model_module = inventory._describe(match.func)
    return inventory.ours(module) or inventory.ours(model_module)


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


def english_msgids(language):
    """Our English msgids that the ``language`` catalogues translate differently (and that
    are no translation themselves in that language: "mentor" is Portuguese too)."""
    english, translations = set(), set()
    for po_path in sorted(
        [*(ROOT / "tutoria_cms").rglob(f"locale/{language}/LC_MESSAGES/django.po")]
        + [ROOT / "sites" / "locale" / language / "LC_MESSAGES" / "django.po"]
    ):
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
                continue
            msgid = " ".join(entry.msgid.split())
            msgstr = " ".join(entry.msgstr.split())
            translations.add(msgstr.lower())
            if msgid != msgstr and msgid not in ALLOWED_ENGLISH:
                english.add(msgid)
    return {msgid for msgid in english if msgid.lower() not in translations}


def action_codes():
    from tutoria_cms.requests import services

    return set(services.TRANSITIONS) | {"create", "assign_tutor"}


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


def unreadable(pages, english, codes, names=()):
    """{url: [problems]} of the pages with a Python repr, an action code or English text."""
    problems = {}
    for url, html in pages.items():
        found = []
        parsed = parse_visible_text(html)
        for node in parsed.nodes:
            if PYTHON_REPRS.search(node):
                found.append(f"repr: {node[:120]!r}")
            elif node in names:
                continue  # an account's username ("student") is a name, not a label
            elif node in codes:
                found.append(f"action code: {node!r}")
            elif node.rstrip(":") in english and node not in parsed.declared_english:
                found.append(f"English: {node!r}")
        if found:
            problems[url] = sorted(set(found))
    return problems


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
@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_our_admin_pages_are_readable(world, browser, role, language):
    from wagtail.users.models import UserProfile

    user = browser.user(role)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.current_time_zone = settings.TIME_ZONE
    profile.save()
    client = browser.as_role(role)
    pages = crawl_ours(client, start_urls(world))
    assert len(pages) >= 2, (role, sorted(pages))
    names = {user.get_username() for user in world.users.values() if user is not None}
    problems = unreadable(pages, english_msgids(LANGUAGES[language]), action_codes(), names)
    assert not problems, "\n".join(f"{url}: {found}" for url, found in sorted(problems.items()))
