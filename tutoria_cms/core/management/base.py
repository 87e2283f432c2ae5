"""The base of the suite's management commands.

Django's ``BaseCommand`` hands ``help`` to argparse as the parser's description, and
argparse's formatter runs regular expressions on it: a lazy translation there makes
``manage.py <command> --help`` crash (``TypeError: expected string or bytes-like object``).
Help texts must be lazy (they are read at import, before a language is active), so the
description is made a ``str`` here, in the language active when the help is shown
(``LANGUAGE_CODE`` for ``manage.py``). Argument help texts may stay lazy: argparse only
formats them with ``%``, which a lazy string supports.
"""

from django.core.management.base import BaseCommand


class TutoriaCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser
