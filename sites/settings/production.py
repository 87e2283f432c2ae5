"""Production: everything from the environment; refuses to start without a secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) for production.")

# Its own key, apart from SECRET_KEY (``check --deploy`` warns when it is missing).
TUTORIA_CMS = {  # noqa: F405
    **TUTORIA_CMS,  # noqa: F405
    "PSEUDONYMISATION_KEY": os.environ.get("PSEUDONYMISATION_KEY", ""),
    # Tutors and the orientation service read health and family details: two-step
    # verification before anything else in the admin (REQUIRE_TWO_FACTOR=false to turn off).
    "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": env_bool("REQUIRE_TWO_FACTOR", True),  # noqa: F405
}

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN on themselves

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    "tutoria_private": PRIVATE_STORAGE,  # noqa: F405
}

# --- Background tasks: the database backend by default, run by `manage.py db_worker` ------
# (docs/installation.md, "Background tasks and periodic jobs"). TASKS_BACKEND=
# django_tasks.backends.immediate.ImmediateBackend runs them inside the web request instead.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# --- end of background tasks ---------------------------------------------------------------
