"""``manage.py <command> --help`` of every command of the suite, in every language.

Lazy help texts crashed argparse (``TypeError`` in its formatter) before the commands had a
common base (``tutoria_cms.core.management.base.TutoriaCommand``)."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

SUITE_PREFIXES = ("tutoria_cms", "sites")
COMMANDS = sorted(
    (app, name) for name, app in get_commands().items() if app.startswith(SUITE_PREFIXES)
)


def help_text(app, name, language):
    with translation.override(language):
        command = load_command_class(app, name)
        return command.create_parser("manage.py", name).format_help()


def test_the_suite_has_commands():
    names = {name for _app, name in COMMANDS}
    assert {"export_evidence", "load_competency_framework", "import_academics"} <= names


@pytest.mark.parametrize(("app", "name"), COMMANDS, ids=[name for _app, name in COMMANDS])
def test_help_is_shown_in_each_language(app, name):
    english = help_text(app, name, "en")
    assert f"usage: manage.py {name}" in english
    for language in ("es", "pt-br"):
        translated = help_text(app, name, language)
        # The description (the command's ``help``) is in the language, not in English.
        assert translated != english, f"{name} --help is not translated to {language}"
