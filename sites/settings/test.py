"""The test suite: SQLite in memory unless DATABASE_URL names another database."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The task worker's test (tests/core/test_task_worker.py) runs `manage.py db_worker` with these
# settings in another process; only there does the environment choose the database backend,
# a real SMTP server (EMAIL_HOST, EMAIL_PORT) and a short back-off.
EMAIL_BACKEND = os.environ.get(
    "TUTORIA_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TUTORIA_TEST_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "tutoria_private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
if not os.environ.get("DATABASE_URL"):
    DATABASES = {  # noqa: F811
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            "TEST": {"NAME": ":memory:"},
        }
    }
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "tutoria_cms.core.search_backend",
        "SEARCH_CONFIG": search_config_for(DATABASES["default"]),  # noqa: F405
    }
}
# The page cache is off: tests see each page rendered (tests/core/test_page_cache.py turns
# it on).
TUTORIA_CMS = {"PSEUDONYMISATION_KEY": "test-pseudonymisation-key", "PAGE_CACHE_SECONDS": 0}
if os.environ.get("TUTORIA_TEST_EMAIL_RETRY_BACKOFF_SECONDS"):
    TUTORIA_CMS["EMAIL_RETRY_BACKOFF_SECONDS"] = int(
        os.environ["TUTORIA_TEST_EMAIL_RETRY_BACKOFF_SECONDS"]
    )
