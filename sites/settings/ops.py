"""Settings that let the example deployment run on several machines (docs/deployment.md).

Small functions of the environment, unit-tested in tests/ops/: the cache (``CACHE_URL``),
the storages (S3 when ``AWS_STORAGE_BUCKET_NAME`` is set), logging (``LOG_FORMAT=json``) and
what Sentry is sent (no request bodies). None of them imports an optional package: the
packages are imported only by the code that is switched on.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
REDIS_SCHEMES = {"redis", "rediss", "unix"}
DEFAULT_KEY_PREFIX = "tutoria"


def cache_from_url(url, key_prefix=DEFAULT_KEY_PREFIX, version=1, timeout=300):
    """``CACHES`` for ``url``: Django's own Redis backend for ``redis://``, ``rediss://`` and
    ``unix://`` URLs; a local-memory cache (one per process) when ``url`` is empty.

    Every key is prefixed (``KEY_PREFIX``) and versioned (``VERSION``), so that several
    deployments (or a staging site) can share one Redis database without reading each
    other's keys, and a deployment can drop all its keys at once by raising the version.
    """
    url = (url or "").strip()
    if not url:
        return {"default": {"BACKEND": LOCMEM_CACHE, "LOCATION": "tutoria"}}
    scheme = urlsplit(url).scheme.lower()
    if scheme == "locmem":
        return {"default": {"BACKEND": LOCMEM_CACHE, "LOCATION": urlsplit(url).netloc}}
    if scheme not in REDIS_SCHEMES:
        # Never the URL itself in the message: it may hold a password.
        raise ImproperlyConfigured(
            f"CACHE_URL: unsupported scheme {scheme!r} (use redis://, rediss:// or unix://)."
        )
    return {
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "VERSION": int(version),
            "TIMEOUT": int(timeout),
            # Passed to redis-py's connection pool: a Redis that does not answer fails the
            # request (or the health check) in seconds instead of hanging a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


S3_STORAGE = "storages.backends.s3.S3Storage"


def s3_storages(environ, base_storages):
    """``STORAGES`` on S3 (django-storages, the ``s3`` extra) when ``AWS_STORAGE_BUCKET_NAME``
    is set; ``None`` otherwise.

    Media (``default``) and private files (``tutoria_private``) go to the bucket, under
    ``AWS_MEDIA_LOCATION`` (``media``) and ``AWS_PRIVATE_LOCATION`` (``private``). Private
    files are never public: no ACL, signed URLs only, and the suite serves them through its
    own views anyway (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``). Static files stay with
    WhiteNoise (``base_storages["staticfiles"]``). Credentials come from the environment
    (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``) or the machine's role, which boto3 reads
    itself: they are never written into the settings.
    """
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    common = {"bucket_name": bucket, "default_acl": None, "file_overwrite": False}
    for option, variable in (
        ("region_name", "AWS_S3_REGION_NAME"),
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
    ):
        if environ.get(variable):
            common[option] = environ[variable]
    private = {
        **common,
        "location": environ.get("AWS_PRIVATE_LOCATION", "private"),
        "querystring_auth": True,
        "custom_domain": None,  # a CDN would serve the files without a signature
    }
    return {
        **base_storages,
        "default": {
            "BACKEND": S3_STORAGE,
            "OPTIONS": {**common, "location": environ.get("AWS_MEDIA_LOCATION", "media")},
        },
        "tutoria_private": {"BACKEND": S3_STORAGE, "OPTIONS": private},
    }


JSON_FORMATTER = "pythonjsonlogger.json.JsonFormatter"


def logging_config(log_format="text", level="INFO"):
    """``LOGGING``: every record on the console with the request's id (``X-Request-ID``,
    ``tutoria_cms.core.request_id``); as one JSON object a line when ``log_format`` is
    ``json`` (python-json-logger, the ``json-logs`` extra), as text otherwise."""
    log_format = (log_format or "text").strip().lower()
    if log_format not in {"text", "json"}:
        raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
    fields = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
    if log_format == "json":
        formatter = {
            "()": JSON_FORMATTER,
            "fmt": fields,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    else:
        formatter = {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "tutoria_cms.core.request_id.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "default",
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "tutoria_cms": {"handlers": ["console"], "level": level, "propagate": False},
            "sites": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }


# What an event sent to Sentry may never carry: students' answers, passwords, session ids.
SENTRY_DROPPED_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def sentry_before_send(event, hint=None):
    """Sentry's ``before_send``: drop the request's body, cookies and credentials headers
    (forms carry students' health and family details), keep the rest of the event."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in SENTRY_DROPPED_HEADERS
            }
    return event
