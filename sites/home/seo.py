"""The example site's robots.txt, web app manifest and /favicon.ico: one per Wagtail Site
(each institution's hostname), for the public site. The sitemap is Wagtail's
(``wagtail.contrib.sitemaps``, wired in ``sites/urls.py``)."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView, View
from wagtail.models import Site

from tutoria_cms.core import seo

FAVICON = "favicon.svg"
TOUCH_ICON = "apple-touch-icon.png"
THEME_COLOUR = "#0b5c8c"
ONE_DAY = 60 * 60 * 24


class RobotsView(TemplateView):
    """``/robots.txt``: the admin and the documents are not for crawlers; the sitemap is this
    site's (the hostname of the request)."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context


class FaviconView(View):
    """Browsers and crawlers that ignore ``<link rel="icon">`` ask for /favicon.ico: they get
    the site's SVG icon (found as collectstatic finds it, whatever serves /static/)."""

    def get(self, request):
        path = finders.find(FAVICON)
        if not path:
            raise Http404
        return FileResponse(open(path, "rb"), content_type="image/svg+xml")  # noqa: SIM115


class ManifestView(View):
    """The web app manifest of the site serving the request (its name, icons, colours)."""

    def get(self, request):
        site = Site.find_for_request(request)
        name = seo.site_name(site) or "tutoria-cms"
        manifest = {
            "name": name,
            "short_name": name[:30],
            "start_url": "/",
            "display": "browser",
            "theme_color": THEME_COLOUR,
            "background_color": "#ffffff",
            "icons": [
                {"src": static(FAVICON), "sizes": "any", "type": "image/svg+xml"},
                {"src": static(TOUCH_ICON), "sizes": "180x180", "type": "image/png"},
            ],
        }
        language = getattr(request, "LANGUAGE_CODE", "")
        if language:
            manifest["lang"] = language
        return JsonResponse(
            manifest,
            content_type="application/manifest+json",
            json_dumps_params={"ensure_ascii": False},
        )


def _cached(view_class):
    return cache_control(max_age=ONE_DAY, public=True)(view_class.as_view())


robots_txt = _cached(RobotsView)
favicon_ico = _cached(FaviconView)
webmanifest = _cached(ManifestView)
