"""Public pages served from Django's cache to anonymous visitors (issue #17, item 5).

``PageCacheMiddleware`` (``TUTORIA_CMS["PAGE_CACHE_SECONDS"]``, 0 = off) keeps the response of
an anonymous GET of a public Wagtail page in the default cache (local memory, or Redis with
``CACHE_URL``), keyed by the site (host and port), the language, the full path with its query
string and the **content generation**. What is never cached, and why, is in
docs/settings.md ("Page cache").

The content generation is one number in the cache, raised (``bump()``) when anything a public
page may show changes: a page published, unpublished, moved or deleted, a view restriction,
a Site, a locale, a snippet, a setting, a workshop's sessions or registrations, the tutors'
competency frameworks and assessments, agreements... in short every model saved or deleted
except a list of models no public page shows (``IGNORED_APPS``, ``IGNORED_MODELS``). Keys
carry the generation, so raising it makes every cached page (and every value cached with
``cached()``) unreachable at once; they expire after their timeout. It is raised at once and
again when the transaction commits, so a page rendered from the old rows before the commit
is not kept under the new number. Writes that send no signal (``QuerySet.update``,
``bulk_create``) do not raise it: code that changes what the public sees that way calls
``bump()`` itself.

``cached(name, *parts, compute=...)``: a value computed from content (the menu, a site's
competency framework and its structure, the list of view restrictions), kept under the same
generation, so that a page rendered without the page cache needs fewer queries.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .conf import tutoria_settings

GENERATION_KEY = "tutoria:page-cache:generation"
CACHE_HEADER = "X-Cache"
MIDDLEWARE_PATH = "tutoria_cms.core.page_cache.PageCacheMiddleware"

# Models whose rows no public page shows: saving them leaves the cached pages alone.
IGNORED_APPS = {
    "account",  # allauth: students' e-mail addresses (written at sign-up and sign-in)
    "admin",
    "axes",
    "contenttypes",
    "django_tasks_db",
    "otp_static",
    "otp_totp",
    "sessions",
    "socialaccount",  # allauth: single sign-on accounts (written at every SSO sign-in)
    "tutoria_academics",
    "tutoria_accreditation",
    "tutoria_mentoring",
    "tutoria_requests",
    "tutoria_students",  # accounts; the student area is never cached (a session)
    "wagtailadmin",
    "wagtailsearch",
}
IGNORED_MODELS = {
    "auth.user",  # every sign-in writes last_login
    "auth.permission",
    "tutoria_core.calendarfeedtoken",
    "tutoria_core.institutionmembership",
    "tutoria_workshops.attendance",  # shown to the student and staff only
    "tutoria_workshops.certificate",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailcore.groupapprovaltask",
    "wagtailcore.modellogentry",
    "wagtailcore.pagelogentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.referenceindex",
    "wagtailcore.revision",
    "wagtailcore.task",
    "wagtailcore.taskstate",
    "wagtailcore.uploadedfile",
    "wagtailcore.workflow",
    "wagtailcore.workflowstate",
    "wagtailcore.workflowtask",
    "wagtailcore.workflowpage",
    "wagtailcore.workflowcontenttype",
}


def generation():
    """The current content generation (set from the clock when the cache has none)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns() // 1000
        if not cache.add(GENERATION_KEY, value, timeout=None):
            value = cache.get(GENERATION_KEY, value)
    return value


def _raise_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (cleared, evicted): start from the clock
        cache.set(GENERATION_KEY, time.time_ns() // 1000, timeout=None)


def bump():
    """Make every cached page and value unreachable: now, and again after the commit."""
    _raise_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(_raise_generation)


def cached(name, *parts, compute, timeout=None):
    """``compute()``, kept in the cache under the content generation."""
    if timeout is None:
        # Bounded: with a cache of each process (local memory), another process's change is
        # seen after this long (docs/deployment.md).
        timeout = tutoria_settings.PAGE_CACHE_SECONDS or 60
    key = ":".join(["tutoria:content", str(generation()), name, *(str(p) for p in parts)])
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


_MISSING = object()


def shares_fragments(request):
    """Whether parts of the page answering ``request`` may come from the cache (``cached()``
    keyed by the page, ``{% tutoria_fragment %}``): not in a preview, whose draft has the
    live page's key."""
    return not getattr(request, "is_preview", False)


def _ignored(model):
    meta = model._meta
    if meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
        return True
    if meta.model_name.startswith("historical"):  # simple-history's copies
        return True
    from wagtail.models import Page

    # Pages count when published, unpublished, moved or deleted (below), not when a draft
    # is saved (autosave writes the page row).
    return issubclass(model, Page)


def _on_save(sender, created=False, raw=False, **kwargs):
    if _ignored(sender):
        return
    if created and not raw and _is_setting(sender):
        # Wagtail creates a site's settings row, with its defaults, the first time a page
        # reads it: what the pages showed already.
        return
    bump()


def _is_setting(model):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting

    return issubclass(model, (BaseSiteSetting, BaseGenericSetting))


def _on_delete(sender, **kwargs):
    from wagtail.models import Page

    if issubclass(sender, Page) or not _ignored(sender):
        bump()


def _on_page_change(sender, **kwargs):
    bump()


def connect_signals():
    from wagtail.signals import page_published, page_slug_changed, page_unpublished

    post_save.connect(_on_save, dispatch_uid="tutoria_page_cache_save")
    post_delete.connect(_on_delete, dispatch_uid="tutoria_page_cache_delete")
    page_published.connect(_on_page_change, dispatch_uid="tutoria_page_cache_published")
    page_unpublished.connect(_on_page_change, dispatch_uid="tutoria_page_cache_unpublished")
    page_slug_changed.connect(_on_page_change, dispatch_uid="tutoria_page_cache_slug")
    try:
        from wagtail.signals import post_page_move
    except ImportError:  # pragma: no cover
        return
    post_page_move.connect(_on_page_change, dispatch_uid="tutoria_page_cache_moved")


# The middleware --------------------------------------------------------------------------------


def _key(request, language):
    site = request.get_host().lower()
    path = request.get_full_path()
    digest = hashlib.sha256(f"{site}|{language}|{path}".encode()).hexdigest()
    return f"tutoria:page:{generation()}:{digest}"


def _is_public_wagtail_page(request):
    """Whether this request was answered by a live page without view restrictions."""
    route = getattr(request, "_wagtail_route_for_request", None)
    if not route:
        return False
    page = route[0]
    if not getattr(page, "live", False):
        return False
    if getattr(request, "is_preview", False):
        return False
    from .sites import has_view_restrictions

    return not has_view_restrictions(page)


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # A signed-in session (the user is anonymous only in name: a two-step sign-in waiting
    # for its code), messages, a password-protected page's passage: all live in the session.
    session = getattr(request, "session", None)
    return session is None or session.is_empty()


def _cacheable_response(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies:  # Set-Cookie: somebody's own answer (CSRF, session, language)
        return False
    # The page used the CSRF token (a form): Django would set or refresh the visitor's CSRF
    # cookie, and the page holds a token that must be theirs alone.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if response.has_header("Cache-Control"):
        control = response["Cache-Control"].lower()
        if "private" in control or "no-store" in control or "no-cache" in control:
            return False
    return _is_public_wagtail_page(request)


class PageCacheMiddleware:
    """Serve anonymous GETs of public Wagtail pages from the cache (see the module's text).

    Put it after the session, authentication and site-language middleware (it needs the
    user, the session and the language) and after the CSRF middleware, so that the CSRF
    cookie has been decided when it sees the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = tutoria_settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        from django.utils import translation

        language = translation.get_language() or ""
        key = _key(request, language)
        entry = cache.get(key)
        if entry is not None:
            nonce, response = entry
            fresh = str(getattr(request, "csp_nonce", "") or "")
            if nonce and fresh and nonce != fresh:
                # Each response its own CSP nonce: the one the page was rendered with is
                # replaced by this request's (which the CSP header names).
                response.content = response.content.replace(nonce.encode(), fresh.encode())
            response[CACHE_HEADER] = "HIT"
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            response[CACHE_HEADER] = "MISS"
            nonce = str(getattr(request, "csp_nonce", "") or "")
            cache.set(key, (nonce, response), seconds)
        return response
