"""Where a student lands after signing in (their site's student area page, or, on a site
without one, who is signed in and which record the account is linked to); allauth's OpenID
Connect and SAML sign-in under the site's Content-Security-Policy."""

from urllib.parse import urlsplit

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.module_loading import import_string
from django.views import View
from django.views.generic import TemplateView

from tutoria_cms.core.institutions import institution_name

from .linking import NOT_LINKED, account_of, site_for
from .models import area_page_for


class MyAreaView(LoginRequiredMixin, TemplateView):
    """After signing in: a student of this site goes on to its student area page; anyone
    else (or on a site without one) reads which record their account is linked to."""

    http_method_names = ["get", "head", "options"]
    template_name = "tutoria_students/my_area.html"

    def get(self, request, *args, **kwargs):
        page = area_page_for(site_for(request))
        if page is not None and page.student_account_for(request) is not None:
            return redirect(page.get_url(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        account = account_of(self.request.user)
        return super().get_context_data(
            student_account=account,
            institution=institution_name(account.site) if account else None,
            current_institution=institution_name(site_for(self.request)),
            not_linked=NOT_LINKED,
            **kwargs,
        )


def _provider_origin(request, protocol, name):
    """The origin (scheme://host) the sign-in redirects the student to: the server of the
    OpenID provider whose id is ``name``, or the single sign-on service of the SAML IdP whose
    client id (organisation slug) it is; None when this site has no such app."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp

    try:
        if protocol == "saml":
            app = get_adapter().get_app(request, provider="saml", client_id=name)
        else:
            app = get_adapter().get_app(request, name)
    except (SocialApp.DoesNotExist, SocialApp.MultipleObjectsReturned):
        return None
    settings = app.settings or {}
    address = settings.get("server_url") or (settings.get("idp") or {}).get("sso_url", "")
    url = urlsplit(address)
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else None


class SSOLoginView(View):
    """allauth's single sign-on (its "Continue" page and the redirect to the institution's
    OpenID provider or SAML IdP, ``protocol``), with that origin added to the page's CSP
    ``form-action``: the "Continue" form's answer redirects there, and browsers hold
    redirects of a form to ``form-action`` (the example site's policy is ``'self'``). Only
    this site's institution's providers (adapters.py): another is "not found"."""

    http_method_names = ["get", "post", "head", "options"]
    protocol = "openid_connect"  # or "saml": allauth's provider package

    def get(self, request, **kwargs):
        (name,) = kwargs.values()  # provider_id (OpenID Connect), organization_slug (SAML)
        origin = _provider_origin(request, self.protocol, name)
        if origin is None:
            raise Http404
        login = import_string(f"allauth.socialaccount.providers.{self.protocol}.views.login")
        response = login(request, **kwargs)
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), origin]
        response._csp_update = update  # read by django-csp's middleware, when installed
        return response

    post = get  # "Continue" (allauth tells GET from POST itself)
