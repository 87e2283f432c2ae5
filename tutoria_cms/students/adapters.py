"""allauth adapters: each institution's public site offers its own single sign-on only."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from .linking import site_for


class InstitutionSocialAccountAdapter(DefaultSocialAccountAdapter):
    """An app configured with a ``hostname`` (sso.py) is offered only on that Site."""

    def list_apps(self, request, provider=None, client_id=None):
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        if request is None:
            return apps
        site = site_for(request)
        hostname = site.hostname if site is not None else None
        return [app for app in apps if (app.settings or {}).get("hostname") in (None, hostname)]
