"""System checks: each app says which apps it needs; mentoring says when scipy is missing."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core import checks

from tutoria_cms.core import checks as core_checks

ROOT = Path(__file__).resolve().parent.parent.parent

# (app label, an app it needs): one row per requirement the checks declare.
REQUIREMENTS = [
    ("tutoria_core", "wagtail"),
    ("tutoria_core", "wagtail.admin"),
    ("tutoria_core", "wagtail.documents"),
    ("tutoria_core", "wagtail.images"),
    ("tutoria_programmes", "tutoria_cms.core"),
    ("tutoria_workshops", "tutoria_cms.core"),
    ("tutoria_workshops", "tutoria_cms.programmes"),
    ("tutoria_workshops", "tutoria_cms.academics"),
    ("tutoria_workshops", "simple_history"),
    ("tutoria_tutors", "tutoria_cms.core"),
    ("tutoria_tutors", "wagtail.contrib.settings"),
    ("tutoria_tutors", "wagtail.documents"),
    ("tutoria_tutors", "wagtail.images"),
    ("tutoria_tutors", "taggit"),
    ("tutoria_tutors", "simple_history"),
    ("tutoria_academics", "tutoria_cms.core"),
    ("tutoria_academics", "simple_history"),
    ("tutoria_requests", "tutoria_cms.core"),
    ("tutoria_requests", "tutoria_cms.academics"),
    ("tutoria_requests", "wagtail.contrib.settings"),
    ("tutoria_requests", "simple_history"),
    ("tutoria_mentoring", "tutoria_cms.core"),
    ("tutoria_mentoring", "tutoria_cms.academics"),
    ("tutoria_mentoring", "tutoria_cms.requests"),
    ("tutoria_mentoring", "simple_history"),
    ("tutoria_partnerships", "tutoria_cms.core"),
    ("tutoria_partnerships", "wagtail.documents"),
    ("tutoria_partnerships", "simple_history"),
    ("tutoria_accreditation", "tutoria_cms.core"),
    ("tutoria_modeladmin", "tutoria_cms.core"),
    ("tutoria_modeladmin", "wagtail_modeladmin"),
    ("tutoria_students", "tutoria_cms.core"),
    ("tutoria_students", "tutoria_cms.academics"),
    ("tutoria_students", "allauth"),
    ("tutoria_students", "allauth.account"),
    ("tutoria_students", "allauth.socialaccount"),
]
LABELS = sorted({label for label, _ in REQUIREMENTS})


def suite_errors(app_configs=None):
    found = checks.run_checks(app_configs=app_configs, tags=[checks.Tags.compatibility])
    return [m for m in found if m.id and m.id.startswith("tutoria_") and m.level >= checks.ERROR]


def without(monkeypatch, *missing):
    """Make ``apps.is_installed`` answer False for ``missing`` (as the checks see it)."""
    real = apps.is_installed
    monkeypatch.setattr(
        core_checks.apps, "is_installed", lambda name: name not in missing and real(name)
    )


def test_every_app_of_the_suite_registers_its_check():
    suite = {c.label for c in apps.get_app_configs() if c.name.startswith("tutoria_cms.")}
    assert suite == set(LABELS)


def test_the_example_site_passes():
    assert suite_errors() == []


@pytest.mark.parametrize(("label", "needed"), REQUIREMENTS)
def test_a_missing_app_is_an_error_naming_it(monkeypatch, label, needed):
    without(monkeypatch, needed)
    errors = [e for e in suite_errors() if e.id == f"{label}.E010"]
    assert len(errors) == 1, errors
    name = apps.get_app_config(label).name
    assert errors[0].msg.startswith(f"{name} needs {needed!r} in INSTALLED_APPS (")
    assert needed in errors[0].hint
    assert errors[0].obj == name


def test_requests_needs_academics_and_only_says_so_for_itself(monkeypatch):
    without(monkeypatch, "tutoria_cms.academics")
    by_id = sorted(e.id for e in suite_errors())
    # Requests, mentoring, student accounts and workshops (term certificates) need academic
    # records; nothing else does.
    assert by_id == [
        "tutoria_mentoring.E010",
        "tutoria_requests.E010",
        "tutoria_students.E010",
        "tutoria_workshops.E010",
    ]
    only_requests = suite_errors(app_configs=[apps.get_app_config("tutoria_requests")])
    assert [e.id for e in only_requests] == ["tutoria_requests.E010"]


def test_an_app_that_is_not_installed_asks_for_nothing(monkeypatch):
    without(monkeypatch, "tutoria_cms.requests", "tutoria_cms.academics")
    errors = suite_errors()
    # Mentoring misses both; requests (not installed, as the checks see it) says nothing.
    assert sorted((e.id, e.msg.split("'")[1]) for e in errors) == [
        ("tutoria_mentoring.E010", "tutoria_cms.academics"),
        ("tutoria_mentoring.E010", "tutoria_cms.requests"),
        ("tutoria_students.E010", "tutoria_cms.academics"),
        ("tutoria_workshops.E010", "tutoria_cms.academics"),
    ]


def test_mentoring_without_scipy_is_an_error_with_a_hint(monkeypatch):
    assert not [e for e in suite_errors() if e.id == "tutoria_mentoring.E011"]
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    errors = [e for e in suite_errors() if e.id == "tutoria_mentoring.E011"]
    assert len(errors) == 1
    assert "scipy" in errors[0].msg
    assert 'pip install "tutoria-cms[mentoring]"' in errors[0].hint
    # Asked about another app only, mentoring's check says nothing.
    assert not suite_errors(app_configs=[apps.get_app_config("tutoria_core")])


def suite_warnings(app_configs=None):
    found = checks.run_checks(app_configs=app_configs, tags=[checks.Tags.compatibility])
    return [m for m in found if m.id and m.id.startswith("tutoria_")]


def test_workshops_without_weasyprint_is_a_warning_with_a_hint(monkeypatch):
    assert not [e for e in suite_warnings() if e.id == "tutoria_workshops.W011"]
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    warnings = [e for e in suite_warnings() if e.id == "tutoria_workshops.W011"]
    assert len(warnings) == 1
    assert warnings[0].level == checks.WARNING
    assert "WeasyPrint" in warnings[0].msg
    assert 'pip install "tutoria-cms[certificates]"' in warnings[0].hint
    # Not an error: the rest of the app works without it.
    assert not [e for e in suite_errors() if e.id.startswith("tutoria_workshops")]
    assert not suite_warnings(app_configs=[apps.get_app_config("tutoria_core")])


def run_blocking(modules, code):
    """Run ``code`` in a child Python in which ``modules`` cannot be imported."""
    prelude = f"import sys\nfor name in {modules!r}:\n    sys.modules[name] = None\n"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sites.settings.test"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_suite_loads_without_the_optional_extras():
    """Without scipy, numpy and lxml, every URL and hook loads; only E011 is reported."""
    result = run_blocking(
        ["scipy", "numpy", "lxml"],
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check'])\n",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tutoria_mentoring.E011" in result.stderr
    assert "System check identified 1 issue" in result.stderr, result.stderr


def test_the_xlsx_writer_works_without_lxml(tmp_path):
    path = tmp_path / "book.xlsx"
    result = run_blocking(
        ["lxml"],
        "import datetime, django\n"
        "django.setup()\n"
        "import openpyxl.xml\n"
        "assert not openpyxl.xml.LXML\n"
        "from tutoria_cms.core.xlsx import XlsxWriter\n"
        f"with XlsxWriter({str(path)!r}) as book:\n"
        "    sheet = book.sheet('Sheet', ['text', 'date'])\n"
        "    sheet.write_rows([('=HYPERLINK(\"x\")', datetime.date(2025, 1, 2))])\n",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from openpyxl import load_workbook

    row = next(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert row[0] == '=HYPERLINK("x")'
    assert row[1].date() == datetime.date(2025, 1, 2)
