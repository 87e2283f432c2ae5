"""The es and pt_BR catalogues of every app are complete, compiled and up to date."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
# The suite's installed apps (an app that is not installed needs no catalogue here).
APP_DIRS = sorted(
    {Path(app.path) for app in apps.get_app_configs() if app.name.startswith("tutoria_cms.")}
    | {ROOT / "sites"}
)
CATALOGUE_DIRS = APP_DIRS
LANGUAGES = ("es", "pt_BR")


def gettext_available():
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return True
    if os.environ.get("CI"):
        pytest.fail("GNU gettext is required in CI (apt-get install gettext).")
    pytest.skip("GNU gettext is not installed: catalogue extraction not checked here.")


def test_every_app_has_catalogues():
    for app_dir in APP_DIRS:
        if not any(app_dir.rglob("*.py")):
            continue
        for language in LANGUAGES:
            po = app_dir / "locale" / language / "LC_MESSAGES" / "django.po"
            assert po.exists(), f"{po.relative_to(ROOT)} is missing"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app_dir", CATALOGUE_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(app_dir, language):
    po_path = app_dir / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    assert po.untranslated_entries() == [], [e.msgid for e in po.untranslated_entries()]
    assert po.fuzzy_entries() == [], [e.msgid for e in po.fuzzy_entries()]
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, (
            f"{entry.msgid!r}: run make compile-messages"
        )
        msgstr, plural = compiled[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert {int(k): v for k, v in plural.items()} == {
                int(k): v for k, v in entry.msgstr_plural.items()
            }
        else:
            assert msgstr == entry.msgstr, f"{entry.msgid!r}: run make compile-messages"


@pytest.mark.parametrize("app_dir", CATALOGUE_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_every_string_of_the_code(app_dir, tmp_path, monkeypatch):
    """Extract the strings again from a copy of the app and compare with the catalogue."""
    gettext_available()
    copy = tmp_path / app_dir.name
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["es"], verbosity=0, no_obsolete=True)
    extracted = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))
    }
    for language in LANGUAGES:
        shipped = polib.pofile(str(app_dir / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing = extracted - {(e.msgctxt, e.msgid) for e in shipped if not e.obsolete}
        assert not missing, f"not in {language} catalogue (run make messages): {sorted(missing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_msgid_means_the_same_in_every_app(language):
    """Django merges the apps' catalogues and the first installed app's translation wins, so
    a msgid translated differently by two apps (gender agreement: "Confirmed" is "Confirmada"
    for a registration and "Confirmado" for a mentoring pair) is wrong in one of them. Such
    strings take a context (pgettext) instead."""
    seen = {}
    clashes = []
    for app_dir in CATALOGUE_DIRS:
        po_path = app_dir / "locale" / language / "LC_MESSAGES" / "django.po"
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.translated():
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            value = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            first = seen.setdefault(key, (app_dir.name, value))
            if first[1] != value:
                clashes.append(f"{entry.msgid!r}: {first} / {app_dir.name} {value!r}")
    assert not clashes, "\n".join(clashes)
