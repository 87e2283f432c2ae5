"""The private calendar feeds' public URL: ``path("calendar/", include(
"tutoria_cms.core.calendar_urls"))`` in the site's URLconf, before Wagtail's pages."""

from django.urls import path

from .calendar import FEED_URL_NAME, PersonalFeedView

urlpatterns = [path("<str:token>.ics", PersonalFeedView.as_view(), name=FEED_URL_NAME)]
