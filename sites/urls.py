from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from sites.home import seo as seo_views
from sites.home import views as home_views
from tutoria_cms.core.health import health
from tutoria_cms.core.privacy import privacy_notice

urlpatterns = [
    # For the load balancer and monitoring (docs/deployment.md): before Wagtail's pages.
    path("health/", health, name="tutoria_health"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    # The privacy notice of the request's Site (Settings › Institution), linked from the footer.
    path("privacy/", privacy_notice, name="tutoria_privacy"),
    path("calendar/", include("tutoria_cms.core.calendar_urls")),
    path("accounts/", include("tutoria_cms.students.urls")),  # students' sign-in (allauth)
    path("certificates/", include("tutoria_cms.workshops.certificate_urls")),
    # Per Wagtail Site (the request's hostname): its live public pages, crawlers' rules, icons.
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", seo_views.robots_txt, name="robots_txt"),
    path("favicon.ico", seo_views.favicon_ico, name="favicon_ico"),
    path("manifest.webmanifest", seo_views.webmanifest, name="webmanifest"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if "django_prometheus" in settings.INSTALLED_APPS:  # METRICS=1 (sites/settings/production.py)
    urlpatterns += [path("", include("django_prometheus.urls"))]

urlpatterns += [path("", include(wagtail_urls))]
