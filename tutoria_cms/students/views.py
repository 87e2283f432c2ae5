"""The student's placeholder area: who is signed in and which record the account is linked
to; allauth's OpenID Connect sign-in under the site's Content-Security-Policy."""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tutoria_cms.core.institutions import institution_name

from .linking import NOT_LINKED, account_of, site_for


@require_safe
@login_required
def my_area(request):
    account = account_of(request.user)
    return render(
        request,
        "tutoria_students/my_area.html",
        {
            "student_account": account,
            "institution": institution_name(account.site) if account else None,
            "current_institution": institution_name(site_for(request)),
            "not_linked": NOT_LINKED,
        },
    )


def _provider_origin(request, provider_id):
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp

    try:
        app = get_adapter().get_app(request, provider_id)
    except (SocialApp.DoesNotExist, SocialApp.MultipleObjectsReturned):
        return None
    url = urlsplit((app.settings or {}).get("server_url", ""))
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else None


def sso_login(request, provider_id):
    """allauth's OpenID Connect sign-in (its "Continue" page and the redirect to the
    provider), with the provider's origin added to the page's CSP ``form-action``: the
    "Continue" form's answer redirects there, and browsers hold redirects of a form to
    ``form-action`` (the example site's policy is ``'self'``)."""
    from allauth.socialaccount.providers.openid_connect.views import login

    response = login(request, provider_id)
    origin = _provider_origin(request, provider_id)
    if origin:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), origin]
        response._csp_update = update  # read by django-csp's middleware, when installed
    return response
