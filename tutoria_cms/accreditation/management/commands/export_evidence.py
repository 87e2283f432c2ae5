"""Build an accreditation evidence workbook from the shell.

    manage.py export_evidence --output PATH [--site HOSTNAME] [--term CODE] [--from DATE]
        [--to DATE] [--programme SLUG] [--as-of DATE] [--identified --user USERNAME]
        [--language CODE]

Student identifiers are pseudonymised unless ``--identified`` is given with ``--user`` naming
an account that holds the permission to export identified data. Every export is logged as an
export job (who, when, filters), like the admin's.
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tutoria_cms.accreditation.context import FilterError, build_context
from tutoria_cms.accreditation.services import export_to_path


class ProgressBar:
    def __init__(self, stream, width=30):
        self.stream = stream
        self.width = width
        self._last = 0.0

    def __call__(self, done, total, force=False):
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        if total:
            fraction = min(done / total, 1)
            filled = int(self.width * fraction)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {fraction:4.0%} {done}/{total} rows")
        else:
            self.stream.write(f"\r{done} rows")
        self.stream.flush()


class Command(BaseCommand):
    help = "Build an accreditation evidence workbook (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Path of the .xlsx file to write.")
        parser.add_argument("--site", default="", help="Hostname of the Wagtail site.")
        parser.add_argument("--term", default="", help="Code of the academic term.")
        parser.add_argument("--from", dest="date_from", default="", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", default="", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--programme", default="", help="Slug of one programme page.")
        parser.add_argument("--as-of", dest="as_of", default="",
                            help="Rebuild history-tracked sheets as they were on this day.")
        parser.add_argument("--identified", action="store_true",
                            help="Show student numbers (needs --user with the permission).")
        parser.add_argument("--user", default="", help="Username of the person exporting.")
        parser.add_argument("--language", default="",
                            help=f"Language of the workbook (default {settings.LANGUAGE_CODE}).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(f"--output {output} is a directory: give a file name.")
        if not output.parent.exists():
            raise CommandError(f"--output: the folder {output.parent} does not exist.")
        if output.suffix.lower() != ".xlsx":
            raise CommandError("--output must name an .xlsx file.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"--user: no active user {options['user']!r}.")
        if options["identified"] and user is None:
            raise CommandError("--identified needs --user (a user allowed to export "
                               "identified data).")
        language = options["language"] or settings.LANGUAGE_CODE
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(f"--language: {language!r} is not one of the site's languages.")
        filters = {
            "site": options["site"], "term": options["term"], "date_from": options["date_from"],
            "date_to": options["date_to"], "programme": options["programme"],
            "as_of": options["as_of"], "identified": options["identified"],
        }
        with translation.override(language):
            try:
                context = build_context(filters, user=user)
            except FilterError as error:
                raise CommandError(str(error)) from None
            stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            bar = None
            if not options["no_progress"] and stream.isatty():
                bar = ProgressBar(stream)
            job, result = export_to_path(context, output, progress=bar)
            if bar is not None:
                bar(result.total_rows, result.total_rows, force=True)
                stream.write("\n")
        self.stdout.write(
            f"Wrote {output} ({result.total_rows} rows; export #{job.pk}; "
            f"{'identified' if context.identified else 'pseudonymised'})."
        )
        for sheet, count in result.row_counts.items():
            self.stdout.write(f"  {sheet}: {count}")
