"""Local development and the demo: SQLite, database search, console e-mail."""

import os

from .base import *  # noqa: F403

DEBUG = True
# Only for local development: never used when DJANGO_SETTINGS_MODULE is production.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")  # noqa: F405

# The demo's address: `load_tutoria_demo --addr` (make demo ADDR=...) records the base URL of
# the demo it built (links in the admin's e-mails), unless the environment gives one.
_DEMO_BASE_URL = VAR_DIR / "demo-base-url"  # noqa: F405
if "WAGTAILADMIN_BASE_URL" not in os.environ and _DEMO_BASE_URL.is_file():
    WAGTAILADMIN_BASE_URL = _DEMO_BASE_URL.read_text().strip() or WAGTAILADMIN_BASE_URL  # noqa: F405
