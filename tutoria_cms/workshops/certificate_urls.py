"""The public verification page of certificates: ``path("certificates/", include(
"tutoria_cms.workshops.certificate_urls"))`` in the site's URLconf, before Wagtail's pages."""

from django.urls import path

from .certificate_views import VerifyCertificateView
from .certificates import VERIFY_FORM_URL_NAME, VERIFY_URL_NAME

urlpatterns = [
    path("verify/", VerifyCertificateView.as_view(), name=VERIFY_FORM_URL_NAME),
    path("verify/<str:code>/", VerifyCertificateView.as_view(), name=VERIFY_URL_NAME),
]
