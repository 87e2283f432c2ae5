"""Tags of the default theme (issue #17, item 1; sites/templates/base.html).

- ``{% tutoria_institution site as institution %}``: what Settings › Institution says of the
  site (colours, logo rendition, contact, data controller, whether a privacy notice exists),
  kept in the cache until content changes (core.page_cache): it is on every page;
- ``{% tutoria_breadcrumbs page site as crumbs %}``: the page's ancestors below the site's
  root page, as ``(title, url)``, cached the same way;
- ``{% tutoria_theme_style institution %}``: the ``<style>`` element that sets the theme's
  CSS custom properties (``--primary``, ``--accent``), with the request's CSP nonce.
"""

import hashlib

from django import template
from django.utils.html import format_html

from .. import theme
from ..page_cache import cached

register = template.Library()

LOGO_SPECS = ("height-64", "height-128")


def institution_values(site):
    """The theme's values of ``site`` (a dict, so that it pickles into any cache)."""
    from ..models import InstitutionSettings

    row = InstitutionSettings.objects.filter(site=site).select_related("logo").first()
    values = {
        "primary": theme.DEFAULT_PRIMARY,
        "accent": theme.DEFAULT_ACCENT,
        "contact": "",
        "data_controller": "",
        "has_privacy_notice": False,
        "logo": None,
    }
    if row is None:
        return values
    # Only #rrggbb reaches the page's <style> (a row saved around validation keeps defaults).
    for key, value in (("primary", row.primary_colour), ("accent", row.accent_colour)):
        if theme.HEX_COLOUR.match(value or ""):
            values[key] = value
    values.update(
        contact=row.contact,
        data_controller=row.data_controller,
        has_privacy_notice=bool(row.privacy_notice.strip()),
    )
    if row.logo is not None:
        renditions = row.logo.get_renditions(*LOGO_SPECS)
        small, large = (renditions[spec] for spec in LOGO_SPECS)
        values["logo"] = {
            "url": small.url,
            "width": small.width,
            "height": small.height,
            "srcset": f"{small.url} 1x, {large.url} 2x",
        }
    return values


@register.simple_tag
def tutoria_institution(site):
    if site is None:
        return institution_values(None)
    return cached("institution", site.pk, compute=lambda: institution_values(site))


@register.simple_tag(takes_context=True)
def tutoria_theme_style(context, institution):
    request = context.get("request")
    nonce = str(getattr(request, "csp_nonce", "") or "") if request is not None else ""
    # Only #rrggbb values reach here (institution_values): nothing can close the element.
    css = f":root{{--primary:{institution['primary']};--accent:{institution['accent']};}}"
    if nonce:
        return format_html('<style nonce="{}">{}</style>', nonce, css)
    return format_html("<style>{}</style>", css)


def breadcrumb_items(page, site):
    site_root = site.root_page
    ancestors = page.get_ancestors().filter(
        depth__gt=site_root.depth, path__startswith=site_root.path
    )
    return [(ancestor.title, ancestor.relative_url(site)) for ancestor in ancestors]


@register.simple_tag
def tutoria_breadcrumbs(page, site):
    """``(title, url)`` of the ancestors of ``page`` below ``site``'s root page."""
    from wagtail.models import Page

    if not isinstance(page, Page) or not page.pk or site is None:
        return []
    if page.depth <= site.root_page.depth + 1:
        return []
    return cached("breadcrumbs", site.pk, page.pk, compute=lambda: breadcrumb_items(page, site))


def _image_html(image_id, specs, attrs):
    from wagtail.images import get_image_model
    from wagtail.images.models import Filter, ResponsiveImage

    image = get_image_model().objects.prefetch_renditions().filter(pk=image_id).first()
    if image is None:
        return ""
    renditions = image.get_renditions(*Filter.expand_spec(specs))
    return str(ResponsiveImage(renditions, attrs).__html__())


@register.simple_tag
def tutoria_image(image_id, specs, **attrs):
    """``{% tutoria_image page.image_id "fill-{480x270,960x540}" sizes="…" class="…" %}``: the
    ``<img>`` with ``srcset`` and ``sizes`` that ``{% srcset_image %}`` writes (the image's
    description as ``alt`` unless given), kept in the cache until content changes: a page's
    own picture costs no query once its renditions exist."""
    from django.utils.safestring import mark_safe

    if not image_id:
        return ""
    # Hashed: spaces and accents of the attributes would make keys some caches refuse.
    key = repr((specs, sorted((name, str(value)) for name, value in attrs.items())))
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    html = cached("image", image_id, digest, compute=lambda: _image_html(image_id, specs, attrs))
    return mark_safe(html)  # noqa: S308 (ResponsiveImage escapes its attributes)
