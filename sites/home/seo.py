"""The example site's robots.txt, web app manifest and /favicon.ico: one per Wagtail Site
(each institution's hostname), for the public site. The sitemap is Wagtail's
(``wagtail.contrib.sitemaps``, wired in ``sites/urls.py``)."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from wagtail.models import Site

from tutoria_cms.core import seo

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


robots_txt = cache_control(max_age=ONE_DAY, public=True)(RobotsView.as_view())


def favicon_ico(request):
    """Browsers and crawlers that ignore ``<link rel="icon">`` ask for /favicon.ico: sent to
    the SVG icon (its static URL, hashed in production)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@cache_control(max_age=ONE_DAY, public=True)
def webmanifest(request):
    """The web app manifest of the site serving the request (its name, icons, colours)."""
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
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("apple-touch-icon.png"), "sizes": "180x180", "type": "image/png"},
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
