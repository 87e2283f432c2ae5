"""Whether our admin pages read as prose in the admin's language (the checks of
``test_readable.py``, also run on the pages of the institutions' crawl in
``test_leaks_institutions.py``).

A page's visible text (tags, scripts, styles and attributes stripped) must not contain:

- ``None``, ``True``, ``False``, ``{'`` or ``[{`` (a Python value printed as is);
- a workflow action code of the request workflow (``submit``, ``review``, ...) as a text of
  its own (the history shows translated action names);
- a text that is one of our English msgids with a different translation in that language
  (an English label of ours left untranslated), except the proper nouns of ``ALLOWED_ENGLISH``.

Only our pages are read: a view whose code or model lives in ``tutoria_cms.`` or ``sites.``
(see inventory.py).
"""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings
from django.urls import Resolver404, resolve

from . import inventory

ROOT = Path(__file__).resolve().parent.parent.parent
# The admin's languages: Wagtail's code -> the catalogues' folder.
LANGUAGES = {"es": "es", "pt-br": "pt_BR"}
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


@functools.cache
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
    return frozenset(msgid for msgid in english if msgid.lower() not in translations)


def action_codes():
    from tutoria_cms.requests import services

    return set(services.TRANSITIONS) | {"create", "assign_tutor"}


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


def use_admin_language(user, language):
    """Make ``language`` (``es``, ``pt-br``) ``user``'s admin language, in the server's time
    zone (no "your time zone differs" notice)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.current_time_zone = settings.TIME_ZONE
    profile.save()


def assert_readable(pages, language, names=()):
    """Every page of ``pages`` ({url: html}, our admin pages) reads in ``language``.
    ``names``: account names, which are no labels ("student")."""
    catalogue = LANGUAGES[language]
    problems = unreadable(pages, english_msgids(catalogue), action_codes(), names)
    assert not problems, "\n".join(f"{url}: {found}" for url, found in sorted(problems.items()))


def our_pages(pages):
    """{url: html} of our admin pages among a crawl's ``pages`` (crawler.Page by URL):
    the HTML pages that answered 200, without a query string."""
    return {
        url: page.text
        for url, page in pages.items()
        if page.status == 200 and page.kind == "text/html" and "?" not in url and is_ours(url)
    }
