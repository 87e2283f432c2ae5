"""``{% tutoria_seo_tags %}``: the description, canonical link, Open Graph and Twitter card
tags and the schema.org JSON-LD of a public page (see :mod:`tutoria_cms.core.seo`).

Put it in the ``<head>`` of the site's base template. It reads ``page`` (or ``self``) and
``request`` from the context; a view without a page may set ``seo_description``.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from .. import seo
from ..sites import site_for

register = template.Library()

# As django.utils.html.json_script: nothing in the JSON can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
OG_IMAGE_SPEC = "fill-1200x630"


def json_ld_script(data, nonce=""):
    """``data`` as a ``<script type="application/ld+json">`` element, escaped as
    ``json_script`` escapes, with the request's CSP nonce."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Safe: no "<", ">" or "&" is left to end the element or open another.
    text = mark_safe(text.translate(JSON_SCRIPT_ESCAPES))  # noqa: S308
    if nonce:
        return format_html('<script type="application/ld+json" nonce="{}">{}</script>', nonce, text)
    return format_html('<script type="application/ld+json">{}</script>', text)


def _page_from(context):
    page = context.get("page") or context.get("self")
    return page if isinstance(page, Page) else None


def _image_url(page, request):
    from ..page_cache import cached

    page = getattr(page, "specific", page)
    image_id = next(
        (
            getattr(page, f"{name}_id", None)
            for name in seo.IMAGE_FIELDS
            if getattr(page, f"{name}_id", None)
        ),
        None,
    )
    if image_id is None:
        return ""

    def rendition_url():
        image = seo.page_image(page)
        return image.get_rendition(OG_IMAGE_SPEC).url if image is not None else ""

    # Kept until content changes (core.page_cache): the preview costs no query on each view.
    url = cached("og-image", image_id, compute=rendition_url)
    if not url:
        return ""
    if request is not None and url.startswith("/"):
        url = request.build_absolute_uri(url)
    return url


def structured_data(page, request, site):
    """The page's JSON-LD, kept until content changes (core.page_cache), per site and language:
    its hooks read sessions, tags and the institution. Computed afresh in a preview."""
    from ..page_cache import cached, shares_fragments

    if not shares_fragments(request):
        return seo.structured_data(page, request)
    return cached(
        "json-ld",
        page.pk,
        site.pk if site is not None else "",
        translation.get_language() or "",
        compute=lambda: seo.structured_data(page, request),
    )


@register.inclusion_tag("tutoria_cms/core/seo_tags.html", takes_context=True)
def tutoria_seo_tags(context):
    request = context.get("request")
    page = _page_from(context)
    site = None
    if page is not None:
        site = site_for(page, request)
    elif request is not None:
        site = Site.find_for_request(request)
    description = context.get("seo_description") or ""
    if not description and page is not None:
        description = seo.page_description(page)
    if not description and site is not None:
        description = seo.page_description(site.root_page)
    tags = {
        "description": description,
        "site_name": seo.site_name(site),
        "locale": translation.to_locale(translation.get_language() or "en"),
    }
    if page is not None and page.pk:
        page = page.specific
        tags.update(
            page=page,
            title=page.seo_title or page.title,
            url=page.get_full_url(request),
            image=_image_url(page, request),
        )
        data = structured_data(page, request, site)
        if data:
            nonce = getattr(request, "csp_nonce", "") if request is not None else ""
            tags["json_ld"] = json_ld_script(data, str(nonce or ""))
    return tags


@register.simple_tag(takes_context=True)
def tutoria_site(context):
    """``{% tutoria_site as site %}``: the Site of the page shown, else of the request (a
    view without a page, an error page)."""
    page = _page_from(context)
    request = context.get("request")
    if page is not None and page.pk:
        return site_for(page, request)
    return Site.find_for_request(request) if request is not None else None


@register.simple_tag
def tutoria_menu_pages(site_root):
    """``{% tutoria_menu_pages site_root as items %}``: the live children of the site's root
    page shown in menus (``get_children.live.in_menu``), kept in the cache until content
    changes (core.page_cache): the menu is on every page."""
    if site_root is None:
        return []
    from ..page_cache import cached

    return cached(
        "menu",
        site_root.pk,
        compute=lambda: list(site_root.get_children().live().in_menu()),
    )
