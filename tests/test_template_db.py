"""The migrated template database (tests/_template_db.py): its key changes with whatever
decides the migrated state, is the same in every process, and the copied database is the
migrated one."""

import os
import subprocess
import sys

import pytest

from tests import _template_db
from tests.factories import ROOT


@pytest.fixture
def migrations_package(tmp_path, monkeypatch, settings):
    """The example site's ``home`` app reads its migrations from a package in tmp_path."""
    package = tmp_path / "template_key_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"home": "template_key_migrations"}
    return package


def test_the_key_changes_when_a_migration_is_added_or_changed(migrations_package):
    first = migrations_package / "0001_initial.py"
    first.write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
    )
    key = _template_db.template_key()

    second = migrations_package / "0002_more.py"
    second.write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
    )
    added = _template_db.template_key()
    assert added != key

    second.write_text(second.read_text() + "    dependencies = [('home', '0001_initial')]\n")
    changed = _template_db.template_key()
    assert changed not in {key, added}

    os.utime(second, (0, 0))  # touched, not changed: the same key
    assert _template_db.template_key() == changed
    second.unlink()
    assert _template_db.template_key() == key


def test_the_key_changes_with_the_code_the_migrations_import_and_with_settings(settings):
    migrations = [
        path
        for label, files in _template_db.migration_packages()
        if label == "tutoria_core"
        for path in files
    ]
    imported = _template_db.project_modules_imported_by(migrations)
    # The role groups' data migrations build them from tutoria_cms.core.roles.
    assert ROOT / "tutoria_cms" / "core" / "roles.py" in imported
    assert not any("site-packages" in path.parts for path in imported)

    key = _template_db.template_key()
    settings.WAGTAIL_CONTENT_LANGUAGES = [*settings.WAGTAIL_CONTENT_LANGUAGES, ("fr", "French")]
    assert _template_db.template_key() != key


def test_settings_are_fingerprinted_the_same_in_every_process():
    def fingerprint(value):
        return _template_db.stable(value)

    assert fingerprint({"b": {3, 1, 2}, "a": (object,)}) == {
        "b": [1, 2, 3],
        "a": ["<class 'object'>"],
    }
    assert fingerprint(print) == fingerprint(print)
    assert " at 0x" not in str(fingerprint(lambda: None))


def test_the_key_is_the_same_in_another_process():
    """pytest-xdist's workers must agree on it (their hash seeds differ: sets' orders too)."""
    code = (
        "import django; django.setup(); "
        "from tests import _template_db; print(_template_db.template_key())"
    )
    keys = set()
    for seed in ("1", "2"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "DJANGO_SETTINGS_MODULE": "sites.settings.test",
        }
        env.pop("DATABASE_URL", None)
        result = subprocess.run(  # noqa: S603 -- our own interpreter and code
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        keys.add(result.stdout.strip().splitlines()[-1])
    assert len(keys) == 1


@pytest.mark.django_db
def test_the_test_database_holds_what_the_migrations_made():
    """Copied or migrated, the same: the data migrations' and post_migrate's rows, and the
    serialised copy that serialized_rollback and tests/conftest.py restore."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page, Workflow

    from tutoria_cms.core import roles

    assert Group.objects.filter(name=roles.COORDINATION).exists()
    assert Page.objects.filter(depth=1).exists()
    assert Workflow.objects.exists()
    assert Permission.objects.exists() and ContentType.objects.exists()
    if _template_db.enabled():  # migrating, pytest-django serialises only if a test asks
        assert connection._test_serialized_contents


def test_templates_unused_for_a_week_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTORIA_TEST_TEMPLATE_DIR", str(tmp_path))
    week_ago = 8 * 24 * 3600
    for key in ("old", "recent", "current"):
        for suffix in ("sqlite3", "json", "lock"):
            (tmp_path / f"{key}.{suffix}").write_text("")
    for path in tmp_path.glob("old.*"):
        os.utime(path, (path.stat().st_mtime - week_ago,) * 2)
    (tmp_path / "recent.sqlite3").touch()
    os.utime(tmp_path / "recent.sqlite3", (0, 0))  # its contents were used lately: kept
    (tmp_path / "current.json").unlink()

    _template_db.Template(connection=None, key="current").remove_unused()

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "current.lock",
        "current.sqlite3",
        "recent.json",
        "recent.lock",
        "recent.sqlite3",
    ]
