"""Production: everything from the environment; refuses to start without a secret key.

Several web servers behind a load balancer, a task worker, PostgreSQL, Redis and an object
storage: docs/deployment.md (every environment variable, deploy/compose.yaml).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .ops import logging_config, s3_storages, sentry_before_send

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
# The load balancer asks each web server for /health/ over plain HTTP, on its own network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN on themselves

# Behind LOGIN_PROXY_COUNT proxies (the load balancer): REMOTE_ADDR is the client's, not the
# load balancer's, for the public sign-up's rate limit per address (sites/proxies.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("LOGIN_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
    MIDDLEWARE.insert(1, "sites.proxies.ForwardedForMiddleware")

# Static files: hashed names (cached for ever by browsers) and compressed copies, served by
# each web server itself (WhiteNoise, right after SecurityMiddleware) after `collectstatic`.
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
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
# Media and private files in an S3 bucket (django-storages, the `s3` extra) when
# AWS_STORAGE_BUCKET_NAME is set: every web server and the worker see the same files.
STORAGES = s3_storages(os.environ, STORAGES) or STORAGES

# Logs: plain text, or one JSON object a line with LOG_FORMAT=json (python-json-logger, the
# `json-logs` extra); every record carries the request's id.
LOGGING = logging_config(
    os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO").upper()
)

# Optional, each imported only when switched on (its package is an extra):
# Prometheus metrics at /metrics (METRICS=1; django-prometheus, the `metrics` extra). The
# load balancer must not route /metrics from outside (docs/deployment.md).
if env_bool("METRICS"):  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "django_prometheus"]  # noqa: F405
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
# Errors to Sentry (SENTRY_DSN; sentry-sdk, the `sentry` extra): no personal data, no request
# bodies (forms carry students' health and family details), no cookies.
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        integrations=[DjangoIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
    )
