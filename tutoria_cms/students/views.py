"""Where a student lands after signing in (their site's student area page, or, on a site
without one, who is signed in and which record the account is linked to); allauth's OpenID
Connect and SAML sign-in under the site's Content-Security-Policy."""

from urllib.parse import urlsplit

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
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


def _provider_origin(request, provider, client_id=None, provider_id=None):
    """The origin (scheme://host) a sign-in redirects the student to: an OpenID provider's
    server, or a SAML IdP's single sign-on service; None when this site has no such app."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.models import SocialApp

    try:
        if provider_id is not None:
            app = get_adapter().get_app(request, provider_id)
        else:
            app = get_adapter().get_app(request, provider=provider, client_id=client_id)
    except (SocialApp.DoesNotExist, SocialApp.MultipleObjectsReturned):
        return None
    settings = app.settings or {}
    address = settings.get("server_url") or (settings.get("idp") or {}).get("sso_url", "")
    url = urlsplit(address)
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else None


def _allow_form_action(response, origin):
    """Add ``origin`` to the response's CSP ``form-action``: the "Continue" form's answer
    redirects there, and browsers hold redirects of a form to ``form-action`` (the example
    site's policy is ``'self'``)."""
    update = dict(getattr(response, "_csp_update", None) or {})
    update["form-action"] = [*update.get("form-action", []), origin]
    response._csp_update = update  # read by django-csp's middleware, when installed
    return response


class SSOLoginView(View):
    """allauth's OpenID Connect sign-in (its "Continue" page and the redirect to the
    provider), with the provider's origin added to the page's CSP ``form-action``. Only
    this site's institution's providers (adapters.py): another is "not found"."""

    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, provider_id):
        from allauth.socialaccount.providers.openid_connect.views import login

        origin = _provider_origin(request, "openid_connect", provider_id=provider_id)
        if origin is None:
            raise Http404
        return _allow_form_action(login(request, provider_id), origin)

    post = get  # "Continue" (allauth tells GET from POST itself)


class SAMLLoginView(View):
    """allauth's SAML sign-in (its "Continue" page and the redirect to the institution's
    IdP), with the IdP's origin added to the page's CSP ``form-action``; only this site's
    institution's IdP."""

    http_method_names = ["get", "post", "head", "options"]

    def get(self, request, organization_slug):
        from allauth.socialaccount.providers.saml.views import login

        origin = _provider_origin(request, "saml", client_id=organization_slug)
        if origin is None:
            raise Http404
        return _allow_form_action(login(request, organization_slug=organization_slug), origin)

    post = get
