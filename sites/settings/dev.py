"""Local development and the demo: SQLite, database search, console e-mail."""

import os

from .base import *  # noqa: F403

DEBUG = True
# Only for local development: never used when DJANGO_SETTINGS_MODULE is production.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")  # noqa: F405
