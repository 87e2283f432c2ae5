"""What a public page tells search engines and link previews about itself.

- :func:`page_description`: the ``<meta name="description">`` text of a page (its promotion
  "search description", else the start of its own text);
- :func:`site_organisation`: the institution serving a Site, as schema.org
  ``EducationalOrganization``;
- :func:`structured_data`: the schema.org objects (JSON-LD) of a page. Apps add theirs through
  the :data:`STRUCTURED_DATA_HOOK` Wagtail hook (a function ``(page, request)`` returning a list
  of objects, or nothing), so that this app imports none of them.

Only what the public page already shows goes in: never a student's data, never a tutor's
contact unless the profile publishes it.
"""

import html
import re

from django.utils.html import strip_tags
from wagtail import hooks
from wagtail.blocks import (
    CharBlock,
    RichTextBlock,
    StreamBlock,
    StreamValue,
    StructBlock,
    StructValue,
    TextBlock,
)
from wagtail.rich_text import RichText

DESCRIPTION_LENGTH = 160
STRUCTURED_DATA_HOOK = "tutoria_structured_data"
# The page's own text, first field found first (the suite's pages and the example site's).
TEXT_FIELDS = ("introduction", "summary", "biography", "description", "body", "purpose")
# Blocks whose text describes a page (not a choice's value, a link or an image).
TEXT_BLOCKS = (CharBlock, TextBlock, RichTextBlock, StructBlock, StreamBlock)
IMAGE_FIELDS = ("photo", "image")
SCHEMA_CONTEXT = "https://schema.org"

_SPACES = re.compile(r"\s+")


def _texts(value):
    """The texts in a value: a string, a rich text, a StreamField's or a struct block's text
    blocks (headings, paragraphs, quotes; not images, whose rendering makes renditions)."""
    if value is None:
        return
    if isinstance(value, RichText):
        yield value.source
    elif isinstance(value, str):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            if isinstance(child.block, TEXT_BLOCKS):
                yield from _texts(child.value)
    elif isinstance(value, StructValue):
        for name, item in value.items():
            if isinstance(value.block.child_blocks.get(name), TEXT_BLOCKS):
                yield from _texts(item)


def plain_text(value):
    """Text of a rich text, a StreamField or a plain string, without markup, on one line."""
    # Block boundaries become spaces ("<p>a</p><p>b</p>" is "a b", not "ab").
    text = " ".join(
        strip_tags(re.sub(r"<(/p|br|/li|/h\d|/div|/blockquote)\b", r" \g<0>", part))
        for part in _texts(value)
    )
    return _SPACES.sub(" ", html.unescape(text)).strip()


def truncate(text, length=DESCRIPTION_LENGTH):
    """``text`` in at most ``length`` characters, cut after a whole word with "…".

    Not Django's ``Truncator``: its ending is translated, and Django's Brazilian Portuguese
    catalogue puts a space before the text (" %(truncated_text)s…")."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut and not text[length - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]  # the last word whole, or not at all
    return cut.rstrip(" ,;:-–—") + "…"


def page_description(page, length=DESCRIPTION_LENGTH):
    """The description of ``page`` for ``<meta name="description">`` (never empty).

    The editors' "search description" (Promote tab) when there is one, else the start of the
    page's own text (its introduction, summary, biography or body), else its title.
    """
    if page is None:
        return ""
    own = (getattr(page, "search_description", "") or "").strip()
    if own:
        return truncate(_SPACES.sub(" ", own), length)
    page = getattr(page, "specific", page)
    for name in TEXT_FIELDS:
        text = plain_text(getattr(page, name, None))
        if text:
            return truncate(text, length)
    return truncate(page.title, length)


def page_image(page):
    """The page's own picture (a tutor's photo), for link previews, or None."""
    page = getattr(page, "specific", page)
    for name in IMAGE_FIELDS:
        image = getattr(page, name, None)
        if image is not None:
            return image
    return None


def site_name(site):
    """The institution's name: the home page's ``institution``, else the Site's name."""
    if site is None:
        return ""
    root = site.root_page.specific
    return getattr(root, "institution", "") or site.site_name or root.title


def site_organisation(site, request=None):
    """The institution serving ``site`` (schema.org ``EducationalOrganization``)."""
    if site is None:
        return None
    organisation = {
        "@type": "EducationalOrganization",
        "name": site_name(site),
        "url": site.root_page.get_full_url(request),
    }
    return organisation


def structured_data(page, request=None):
    """The schema.org objects of ``page``, as one JSON-LD document (a dict), or None."""
    if page is None or not getattr(page, "pk", None):
        return None
    from .sites import site_for

    page = page.specific
    site = site_for(page, request)
    objects = []
    if site is not None and site.root_page_id == page.pk:
        organisation = site_organisation(site, request)
        organisation["description"] = page_description(page)
        objects.append(organisation)
    for hook in hooks.get_hooks(STRUCTURED_DATA_HOOK):
        objects.extend(hook(page, request) or [])
    if not objects:
        return None
    return {"@context": SCHEMA_CONTEXT, "@graph": objects}
