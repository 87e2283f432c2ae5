"""The Site of a public page, and its home page, found once per request (issue #17).

Wagtail's ``page.get_site()`` queries the Site and its root page each time it is called; a
public page asked for them four or five times (the title, the SEO tags, the JSON-LD, the
menu). ``site_for(page, request)`` answers with the Site Wagtail already found for the request
(``Site.find_for_request`` keeps it on the request, with its root page) when the page is in
that Site's tree, and falls back to ``page.get_site()`` otherwise (a page of another Site,
no request); ``site.root_page.specific`` is then read once (Wagtail caches it on the page).

``FastRouteMixin``: a root page that routes a path to its page in two queries (the pages on
the path, then the last one's specific row) instead of two per level, with exactly Wagtail's
result (see its docstring).
"""

import swapper
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page, PageViewRestriction, Site


def find_site(request):
    """``Site.find_for_request(request)``, the lookup kept in the cache per host and port until
    a Site or any content changes (core.page_cache): Wagtail asks the database on each request.
    Left on the request where Wagtail looks for it."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        from django.http.request import split_domain_port

        from .page_cache import cached

        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = cached(
            "site", hostname, port, compute=lambda: Site._find_for_request(request)
        )
    return request._wagtail_site


def site_for(page, request=None):
    """The Site whose tree holds ``page``: the request's when it does, else Wagtail's answer."""
    site = find_site(request)
    if site is not None and page is not None and getattr(page, "path", None):
        root = site.root_page
        if page.pk == root.pk or page.path.startswith(root.path):
            return site
    if page is None or not getattr(page, "pk", None):
        return site
    return page.get_site()


# The language code of each locale, read once per process (a locale's code hardly ever changes;
# saving or deleting a Locale forgets them).
_LANGUAGE_CODES = {}


def locale_language_code(locale_id):
    if locale_id is None:
        return None
    code = _LANGUAGE_CODES.get(locale_id)
    if code is None:
        code = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
        if code is not None:
            _LANGUAGE_CODES[locale_id] = code
    return code


def _forget_language_codes(**kwargs):
    _LANGUAGE_CODES.clear()


post_save.connect(_forget_language_codes, sender=Locale, dispatch_uid="tutoria_locale_saved")
post_delete.connect(_forget_language_codes, sender=Locale, dispatch_uid="tutoria_locale_deleted")


class FastRouteMixin:
    """Route a request below this (root) page in two queries, with Wagtail's result.

    Wagtail's ``Page.route`` takes one level at a time: the child by its slug, then its
    specific row, then the child's ``route``: two queries per level (a workshop, four levels
    below its home page, cost eight). Here the pages whose ``url_path`` is a prefix of the
    path are fetched in one query; every page on the way that routes as ``Page.route`` does
    (or says, through ``tutoria_routes_to_child(path_components)``, that it would pass these
    components on to its child) is skipped, and the deepest page found routes the rest with
    its own ``route``: its sub-routes (a programme's ``calendar/``), a 404, or itself. Anything
    else (a page on the way with a ``route`` of its own) is left to Wagtail's way.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        base = swapper.load_model("wagtailcore", "Page")
        prefixes = [
            self.url_path + "/".join(path_components[:depth]) + "/"
            for depth in range(1, len(path_components) + 1)
        ]
        found = {
            page.url_path: page
            for page in base.objects.filter(
                path__startswith=self.path, url_path__in=prefixes
            ).order_by("depth")
        }
        chain = []
        for depth, prefix in enumerate(prefixes, start=1):
            page = found.get(prefix)
            if page is None or page.depth != self.depth + depth:
                break
            chain.append(page)
        if not chain:
            return super().route(request, path_components)
        for depth, page in enumerate(chain[:-1], start=1):
            if not _routes_to_child(page, path_components[depth:]):
                return super().route(request, path_components)
        deepest = chain[-1].specific
        # As Page.route does: the parent is known (a workshop's programme, without a query).
        deepest._cached_parent_obj = chain[-2] if len(chain) > 1 else self
        return deepest.route(request, path_components[len(chain) :])


def _routes_to_child(page, remaining):
    """Whether ``page`` (not specific) routes ``remaining`` as ``Page.route`` does: to its
    child of the first component's slug."""
    cls = page.specific_class
    if cls is None:
        return False
    if cls.route is Page.route:
        return True
    check = getattr(cls, "tutoria_routes_to_child", None)
    return bool(check and check(remaining))


def _ancestor_paths(page):
    steplen = Page.steplen
    return [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]


def has_view_restrictions(page):
    """``page.get_view_restrictions().exists()`` in one query: a restriction on the page or an
    ancestor, or on the page an alias among them stands for (as Wagtail resolves aliases)."""
    paths = _ancestor_paths(page)
    base = swapper.load_model("wagtailcore", "Page")
    return PageViewRestriction.objects.filter(
        Q(page__path__in=paths, page__alias_of__isnull=True)
        | Q(
            page__in=base.objects.filter(path__in=paths, alias_of__isnull=False).values(
                "alias_of_id"
            )
        )
    ).exists()


def restricted_paths():
    """The paths of the pages with a view restriction, kept in the cache (page_cache)."""
    from .page_cache import cached

    return cached(
        "restricted-paths",
        compute=lambda: sorted(
            PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
        ),
    )


def public(queryset):
    """``queryset.public()`` (Wagtail's: no page with a view restriction, nor below one)
    without its query of every restriction on each call: the restricted paths come from the
    cache."""
    q = Q()
    for path in restricted_paths():
        q |= Q(path__startswith=path)
    return queryset.exclude(q) if q else queryset
