"""The suite works without the evidence browser installed (it is optional)."""

import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "sites.settings.test_without_modeladmin"


def run(*args, timeout=600):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    # SQLite in memory: on PostgreSQL the child's test database would have the same name as
    # this run's.
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_settings_leave_the_browser_out():
    from sites.settings import test_without_modeladmin

    assert "tutoria_cms.contrib.modeladmin" not in test_without_modeladmin.INSTALLED_APPS
    assert "wagtail_modeladmin" not in test_without_modeladmin.INSTALLED_APPS
    assert apps.is_installed("tutoria_cms.contrib.modeladmin")  # but this run has it


def test_system_checks_pass_without_the_browser():
    result = run("manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_request_workflow_tests_pass_without_the_browser():
    result = run(
        "-m",
        "pytest",
        "-q",
        "tests/requests/test_workflow.py",
        "-p",
        "no:cacheprovider",
        f"--ds={SETTINGS}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
