"""Serve each Wagtail Site in its own language.

A Mexican university's site is in Spanish and a Brazilian one's in Portuguese, in one install:
the language of a request is the locale of the root page of the Wagtail Site that serves it.
Admin requests follow the editor's browser (then Wagtail applies the editor's own preference).
The health check (``tutoria_cms.core.health``, URL name ``tutoria_health``) is left alone: it
must answer 503 itself when the database is down, not fail here looking up the Site.
"""

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .sites import find_site, locale_language_code


@cache
def _admin_prefix():
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


@cache
def _health_path():
    try:
        return reverse("tutoria_health")
    except NoReverseMatch:
        return None


def site_language(request):
    """The language code of the Site serving ``request``, or None."""
    site = find_site(request)
    if site is None:
        return None
    # The locale's code without a query per request (core.sites).
    code = locale_language_code(getattr(site.root_page, "locale_id", None))
    if code is None:
        return None
    return translation.get_supported_language_variant(code)


class SiteLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == _health_path():
            return self.get_response(request)
        prefix = _admin_prefix()
        language = None
        is_admin = bool(prefix) and request.path_info.startswith(prefix)
        if is_admin:
            language = translation.get_language_from_request(request)
        else:
            try:
                language = site_language(request)
            except LookupError:
                language = None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        if is_admin:
            patch_vary_headers(response, ("Accept-Language",))
        translation.deactivate()
        return response
