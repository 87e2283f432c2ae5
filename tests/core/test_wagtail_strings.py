"""Wagtail's own strings that its es and pt_BR catalogues lack are translated by core's."""

import ast
import html
import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests import factories
from tutoria_cms.core import wagtail_strings

CORE_LOCALE = Path(wagtail_strings.__file__).resolve().parent / "locale"
LANGUAGES = {"es": "es", "pt-br": "pt_BR"}


def listed_msgids():
    """(context, msgid, msgid_plural) of every call in wagtail_strings.py."""
    tree = ast.parse(Path(wagtail_strings.__file__).read_text(encoding="utf-8"))
    listed = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
        if node.func.id == "gettext_noop":
            listed.append((None, args[0], None))
        elif node.func.id == "pgettext_noop":
            listed.append((args[0], args[1], None))
        elif node.func.id == "ngettext":
            listed.append((None, args[0], args[1]))
        elif node.func.id == "npgettext":
            listed.append((args[0], args[1], args[2]))
    return listed


def test_the_module_lists_wagtails_strings():
    listed = listed_msgids()
    assert len(listed) > 300
    assert (None, "Saved", None) in listed
    assert len(set(listed)) == len(listed)


@pytest.mark.parametrize("language", LANGUAGES.values())
def test_every_listed_msgid_is_translated_in_our_catalogue(language):
    po = polib.pofile(str(CORE_LOCALE / language / "LC_MESSAGES" / "django.po"))
    entries = {(e.msgctxt, e.msgid, e.msgid_plural or None): e for e in po if not e.obsolete}
    for key in listed_msgids():
        entry = entries.get(key)
        assert entry is not None, f"{key[1]!r} is not in the {language} catalogue"
        assert entry.translated() and "fuzzy" not in entry.flags, key[1]
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), key[1]


@pytest.mark.parametrize(
    ("language", "saved", "not_created", "pages_deleted"),
    [
        (
            "es",
            "Guardado",
            "No se pudo crear la página debido a errores de validación.",
            "Se eliminaron 3 páginas",
        ),
        (
            "pt-br",
            "Salvo",
            "Não foi possível criar a página devido a erros de validação.",
            "3 páginas foram excluídas",
        ),
    ],
)
def test_wagtails_new_strings_come_out_translated(language, saved, not_created, pages_deleted):
    with translation.override(language):
        assert gettext("Saved") == saved
        assert gettext("The page could not be created due to validation errors.") == not_created
        assert gettext("The page could not be saved due to validation errors.") != (
            "The page could not be saved due to validation errors."
        )
        assert gettext("Show filters") != "Show filters"
        deleted = ngettext(
            "%(num_parent_objects)d page has been deleted",
            "%(num_parent_objects)d pages have been deleted",
            3,
        )
        assert deleted % {"num_parent_objects": 3} == pages_deleted


def autosave_indicator_texts(content):
    """The texts of the autosave indicator's states in the page."""
    start = content.index('id="w-autosave-indicator"')
    indicator = content[start : content.index("</div>\n</div>", start)]
    return [
        html.unescape(text).strip()
        for text in re.findall(r'class="w-autosave-indicator__text">(.*?)</span>', indicator, re.S)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", ["Guardando...", "Guardado", "El guardado automático está en pausa"]),
        ("pt-br", ["Salvando…", "Salvo", "O salvamento automático está pausado"]),
    ],
)
def test_the_page_editor_shows_the_autosave_indicator_translated(mx_home, language, expected):
    from wagtail.users.models import UserProfile

    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(superuser)
    page_type = next(
        model
        for model in mx_home.specific.allowed_subpage_models()
        if model.is_creatable and model.can_create_at(mx_home)
    )
    url = reverse(
        "wagtailadmin_pages:add",
        args=(page_type._meta.app_label, page_type._meta.model_name, mx_home.pk),
    )
    response = client.get(url)
    assert response.status_code == 200, (page_type, response.get("Location"))
    texts = autosave_indicator_texts(response.content.decode())
    assert "Saved" not in texts
    assert "Autosave is paused" not in texts
    assert texts == expected
