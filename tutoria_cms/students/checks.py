"""System checks of ``tutoria_cms.students``: django-allauth is installed and configured."""

from django.apps import apps
from django.conf import settings
from django.core import checks

from tutoria_cms.core.checks import require_apps

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
ALLAUTH_MIDDLEWARE = "allauth.account.middleware.AccountMiddleware"

check_required_apps = require_apps(
    "tutoria_cms.students",
    "tutoria_students",
    {
        "tutoria_cms.core": "shared settings and the institutions (Wagtail Sites)",
        "tutoria_cms.academics": "a student account is linked to a student record",
        "allauth": "students sign in with django-allauth",
        "allauth.account": "local accounts with a verified e-mail address",
        "allauth.socialaccount": "the institution's single sign-on (OpenID Connect)",
    },
)


@checks.register(checks.Tags.security)
def check_allauth_configuration(app_configs=None, **kwargs):
    """E011: allauth's backend and middleware; E012: e-mail verification is mandatory (an
    account is linked through a verified address only)."""
    if app_configs is not None and not any(c.name == "tutoria_cms.students" for c in app_configs):
        return []
    if not apps.is_installed("tutoria_cms.students") or not apps.is_installed("allauth"):
        return []
    errors = []
    if ALLAUTH_BACKEND not in getattr(settings, "AUTHENTICATION_BACKENDS", []):
        errors.append(
            checks.Error(
                f"tutoria_cms.students needs {ALLAUTH_BACKEND!r} in AUTHENTICATION_BACKENDS.",
                hint="Append it after Django's ModelBackend (see docs/installation.md).",
                obj="tutoria_cms.students",
                id="tutoria_students.E011",
            )
        )
    if ALLAUTH_MIDDLEWARE not in getattr(settings, "MIDDLEWARE", []):
        errors.append(
            checks.Error(
                f"tutoria_cms.students needs {ALLAUTH_MIDDLEWARE!r} in MIDDLEWARE.",
                hint="Add it after the session and authentication middleware.",
                obj="tutoria_cms.students",
                id="tutoria_students.E011",
            )
        )
    if getattr(settings, "ACCOUNT_EMAIL_VERIFICATION", "optional") != "mandatory":
        errors.append(
            checks.Error(
                "tutoria_cms.students needs ACCOUNT_EMAIL_VERIFICATION = 'mandatory'.",
                hint="A student account is linked through a verified e-mail address only.",
                obj="tutoria_cms.students",
                id="tutoria_students.E012",
            )
        )
    return errors
