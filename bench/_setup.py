"""A throwaway database for benchmarks: in-memory SQLite, or DATABASE_URL if given."""

import os

import django


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.test")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor != "sqlite":
        # Never touch a real database: benchmarks run in a test database of their own.
        from django.test.utils import setup_databases

        return setup_databases(verbosity=0, interactive=False)
    call_command("migrate", verbosity=0, interactive=False)
    return None
