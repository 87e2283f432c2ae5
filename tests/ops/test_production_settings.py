"""sites.settings.production read from the environment: the shared cache, S3, WhiteNoise, JSON
logs; Prometheus and Sentry only when switched on (in another Python process: settings are
read once)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sites.settings.production",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp" * 12,
    "ALLOWED_HOSTS": "tutorias.example.edu",
    "DATABASE_URL": "sqlite:///:memory:",
}
OPTIONAL = (
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "LOG_FORMAT",
    "METRICS",
    "SENTRY_DSN",
    "CACHE_KEY_PREFIX",
    "CACHE_VERSION",
    "LOGIN_PROXY_COUNT",
)
SHOW = """
import json, sys
import django
from django.conf import settings
if "django_prometheus" not in settings.INSTALLED_APPS:  # the package need not be installed
    django.setup()  # applies LOGGING too
print(json.dumps({
    "caches": settings.CACHES["default"],
    "storages": settings.STORAGES,
    "middleware": settings.MIDDLEWARE,
    "apps": settings.INSTALLED_APPS,
    "formatter": settings.LOGGING["formatters"]["default"],
    "redirect_exempt": settings.SECURE_REDIRECT_EXEMPT,
    "modules": sorted(m for m in ("sentry_sdk", "django_prometheus", "storages", "redis")
                      if m in sys.modules),
}, default=str))
"""


def production_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in OPTIONAL}
    environment.update(PRODUCTION)
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_one_machine():
    shown = production_settings()
    assert shown["caches"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert shown["storages"]["tutoria_private"]["BACKEND"].endswith("FileSystemStorage")
    assert shown["storages"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    middleware = shown["middleware"]
    assert middleware[0] == "tutoria_cms.core.request_id.RequestIdMiddleware"
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert "()" not in shown["formatter"]  # text logs
    assert "sites.proxies.ForwardedForMiddleware" not in middleware
    assert shown["redirect_exempt"] == [r"^health/$"]
    # Optional parts not switched on: not imported.
    assert shown["modules"] == []
    assert "django_prometheus" not in shown["apps"]


def test_shared_cache_s3_and_json_logs_from_the_environment():
    shown = production_settings(
        CACHE_URL="redis://:pw@cache.internal:6379/1",
        CACHE_KEY_PREFIX="tutorias-br",
        CACHE_VERSION="2",
        AWS_STORAGE_BUCKET_NAME="tutorias-files",
        LOG_FORMAT="json",
        LOGIN_PROXY_COUNT="1",
    )
    assert shown["middleware"][:2] == [
        "tutoria_cms.core.request_id.RequestIdMiddleware",
        "sites.proxies.ForwardedForMiddleware",
    ]
    assert shown["caches"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["caches"]["LOCATION"] == "redis://:pw@cache.internal:6379/1"
    assert shown["caches"]["KEY_PREFIX"] == "tutorias-br"
    assert shown["caches"]["VERSION"] == 2
    for alias in ("default", "tutoria_private"):
        assert shown["storages"][alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert shown["storages"][alias]["OPTIONS"]["bucket_name"] == "tutorias-files"
    assert shown["storages"]["staticfiles"]["BACKEND"].startswith("whitenoise.")
    assert shown["formatter"]["()"] == "pythonjsonlogger.json.JsonFormatter"


def test_metrics_switched_on():
    shown = production_settings(METRICS="1")
    assert "django_prometheus" in shown["apps"]
    middleware = shown["middleware"]
    assert middleware[0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert middleware[-1] == "django_prometheus.middleware.PrometheusAfterMiddleware"
