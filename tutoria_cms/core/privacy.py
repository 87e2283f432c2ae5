"""The public privacy notice of a site (issue #17, item 1): ``/privacy/``.

Shows the ``privacy_notice`` of Settings › Institution of the Site serving the request, in the
site's language, linked from the footer of every page. A site whose institution has not
written one yet gets a short text saying whom to ask (never a 404: the footer links here).
"""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Site


@require_safe
def privacy_notice(request):
    from .models import InstitutionSettings

    site = Site.find_for_request(request)
    settings_row = None
    if site is not None:
        settings_row = InstitutionSettings.objects.filter(site=site).first()
    return TemplateResponse(
        request,
        "tutoria_cms/core/privacy_notice.html",
        {
            "institution_settings": settings_row,
            "privacy_notice": settings_row.privacy_notice if settings_row else "",
            "privacy_notice_version": settings_row.privacy_notice_version if settings_row else 0,
            "data_controller": settings_row.data_controller if settings_row else "",
            "contact": settings_row.contact if settings_row else "",
        },
    )
