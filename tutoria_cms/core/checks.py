"""System checks for ``settings.TUTORIA_CMS``, and for the apps each app of the suite needs."""

import re

from django.apps import apps
from django.conf import settings
from django.core import checks

from .conf import DEFAULTS
from .pseudonyms import configured_key


@checks.register(checks.Tags.compatibility)
def check_tutoria_settings(app_configs=None, **kwargs):
    errors = []
    user = getattr(settings, "TUTORIA_CMS", None)
    if user is None:
        return errors
    if not isinstance(user, dict):
        return [
            checks.Error(
                "TUTORIA_CMS must be a dict.",
                hint="See tutoria_cms.core.conf for the keys and their defaults.",
                id="tutoria_core.E001",
            )
        ]
    for key in sorted(set(user) - set(DEFAULTS)):
        errors.append(
            checks.Warning(
                f"TUTORIA_CMS has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                id="tutoria_core.W001",
            )
        )
    pattern = user.get("STUDENT_NUMBER_PATTERN", DEFAULTS["STUDENT_NUMBER_PATTERN"])
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        errors.append(
            checks.Error(
                f"TUTORIA_CMS['STUDENT_NUMBER_PATTERN'] is not a valid regular expression: {exc}",
                id="tutoria_core.E002",
            )
        )
    positive = (
        "MAX_NAME_LENGTH",
        "SMALL_CELL_THRESHOLD",
        "PROGRAMME_UPCOMING_WORKSHOPS",
        "IMPORT_MAX_BYTES",
        "IMPORT_MAX_UNCOMPRESSED_BYTES",
        "IMPORT_MAX_ROWS",
        "RETENTION_YEARS",
        "TREND_TERMS",
        "IMPORT_PREVIEW_HOURS",
        "EXPORT_FILE_DAYS",
        "DECISION_DAYS",
        "START_DAYS",
        "REFERRAL_ACCEPT_DAYS",
        "REFERRAL_CLOSE_DAYS",
        "EMAIL_MAX_ATTEMPTS",
        "EMAIL_RETRY_BACKOFF_SECONDS",
    )
    for key in positive:
        value = user.get(key, DEFAULTS[key])
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                checks.Error(
                    f"TUTORIA_CMS[{key!r}] must be a positive whole number, not {value!r}.",
                    id="tutoria_core.E003",
                )
            )
    return errors


PAGE_CACHE_MIDDLEWARE = "tutoria_cms.core.page_cache.PageCacheMiddleware"
PAGE_CACHE_NEEDS_BEFORE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tutoria_cms.core.middleware.SiteLanguageMiddleware",
)


@checks.register(checks.Tags.compatibility)
def check_page_cache(app_configs=None, **kwargs):
    """``PAGE_CACHE_SECONDS``: a whole number, 0 or more; the middleware after those whose
    work it needs (the visitor, the session, the CSRF token, the site's language)."""
    user = getattr(settings, "TUTORIA_CMS", None)
    user = user if isinstance(user, dict) else {}
    value = user.get("PAGE_CACHE_SECONDS", DEFAULTS["PAGE_CACHE_SECONDS"])
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return [
            checks.Error(
                "TUTORIA_CMS['PAGE_CACHE_SECONDS'] must be a whole number of seconds, 0 (no "
                f"page cache) or more, not {value!r}.",
                id="tutoria_core.E005",
            )
        ]
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if PAGE_CACHE_MIDDLEWARE not in middleware:
        return []
    position = middleware.index(PAGE_CACHE_MIDDLEWARE)
    errors = []
    for name in PAGE_CACHE_NEEDS_BEFORE:
        if name in middleware and middleware.index(name) > position:
            errors.append(
                checks.Error(
                    f"{PAGE_CACHE_MIDDLEWARE} must come after {name} in MIDDLEWARE: it needs "
                    "the visitor, the session, the CSRF token and the site's language.",
                    id="tutoria_core.E006",
                )
            )
    return errors


@checks.register(checks.Tags.compatibility)
def check_private_storage(app_configs=None, **kwargs):
    from .storage import PRIVATE_STORAGE_ALIAS

    if PRIVATE_STORAGE_ALIAS in getattr(settings, "STORAGES", {}):
        return []
    return [
        checks.Error(
            f"STORAGES has no {PRIVATE_STORAGE_ALIAS!r} storage.",
            hint=(
                "Uploads and evidence workbooks are kept there, never in public media: add a "
                "storage that no URL serves (a FileSystemStorage outside MEDIA_ROOT, or a "
                "private bucket). See docs/installation.md."
            ),
            id="tutoria_core.E004",
        )
    ]


@checks.register(checks.Tags.security)
def check_document_storage(app_configs=None, **kwargs):
    """Documents (tutors' evidence, agreements' deliverables) in a storage that hands out URLs
    could be downloaded by their file URL, past Wagtail's checks."""
    from django.core.exceptions import ImproperlyConfigured
    from wagtail.documents import get_document_model, get_document_model_string

    from .storage import PrivateFieldFile

    try:
        field = get_document_model()._meta.get_field("file")
    except (ImproperlyConfigured, LookupError):
        return []
    if issubclass(field.attr_class, PrivateFieldFile):
        return []
    try:
        url = field.storage.url("documents/check.pdf")
    except (NotImplementedError, ValueError):
        url = None
    if not url:
        return []
    return [
        checks.Warning(
            f"The document model {get_document_model_string()} keeps its files in a storage "
            f"that hands out URLs ({url}): restricted documents could be downloaded past "
            "their checks.",
            hint=(
                "Use a document model whose file is in private storage (the example site's "
                "sites.documents, WAGTAILDOCS_DOCUMENT_MODEL). See docs/installation.md."
            ),
            id="tutoria_core.W005",
        )
    ]


# Shorter keys are accepted but weaker than the HMAC's 256 bits.
MIN_PSEUDONYMISATION_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_pseudonymisation_key(app_configs=None, **kwargs):
    """``check --deploy``: production needs its own pseudonymisation key.

    Without one, pseudonyms are derived from ``SECRET_KEY``: rotating the secret key (after a
    leak, say) would silently change every pseudonym, so evidence of different years could
    no longer be linked; and a leaked secret key would also reverse the pseudonyms.
    """
    if not isinstance(getattr(settings, "TUTORIA_CMS", {}), dict):
        return []  # tutoria_core.E001 says so
    raw, source = configured_key()
    if source == "secret_key":
        return [
            checks.Warning(
                "TUTORIA_CMS['PSEUDONYMISATION_KEY'] is empty: pseudonyms in exports are "
                "derived from SECRET_KEY and all change if the secret key is rotated.",
                hint="Set a random key of at least "
                f"{MIN_PSEUDONYMISATION_KEY_LENGTH} characters, kept apart from SECRET_KEY "
                "(sites.settings.production reads PSEUDONYMISATION_KEY from the environment).",
                id="tutoria_core.W002",
            )
        ]
    if raw == settings.SECRET_KEY.encode():
        return [
            checks.Warning(
                "TUTORIA_CMS['PSEUDONYMISATION_KEY'] is the SECRET_KEY.",
                hint="Use a separate random key, so that either can be rotated alone.",
                id="tutoria_core.W003",
            )
        ]
    if len(raw) < MIN_PSEUDONYMISATION_KEY_LENGTH:
        return [
            checks.Warning(
                f"TUTORIA_CMS['PSEUDONYMISATION_KEY'] has {len(raw)} characters; use at least "
                f"{MIN_PSEUDONYMISATION_KEY_LENGTH}.",
                id="tutoria_core.W004",
            )
        ]
    return []


def require_apps(app_name, label, required):
    """A system check: ``app_name`` needs each of ``required`` in ``INSTALLED_APPS``.

    ``required`` maps an app's module path to why it is needed. Each app of the suite
    registers one from its ``checks.py``; a missing app is ``<label>.E010``.
    """

    def check_required_apps(app_configs=None, **kwargs):
        if app_configs is not None and not any(c.name == app_name for c in app_configs):
            return []
        if not apps.is_installed(app_name):  # its checks module was imported by another app
            return []
        return [
            checks.Error(
                f"{app_name} needs {needed!r} in INSTALLED_APPS ({why}).",
                hint=f"Add {needed!r} to INSTALLED_APPS (see docs/installation.md).",
                obj=app_name,
                id=f"{label}.E010",
            )
            for needed, why in required.items()
            if not apps.is_installed(needed)
        ]

    check_required_apps.__name__ = f"check_{label}_required_apps"
    checks.register(check_required_apps, checks.Tags.compatibility)
    return check_required_apps


check_core_apps = require_apps(
    "tutoria_cms.core",
    "tutoria_core",
    {
        "wagtail": "Wagtail's pages, sites, workflows and audit log",
        "wagtail.admin": "the role groups' admin permissions",
        "wagtail.documents": "the role groups' document permissions",
        "wagtail.images": "the role groups' image permissions",
    },
)
