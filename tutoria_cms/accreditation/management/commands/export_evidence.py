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
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from tutoria_cms.accreditation.context import FILTER_KEYS
from tutoria_cms.accreditation.forms import ExportFiltersForm
from tutoria_cms.accreditation.services import export_to_path
from tutoria_cms.core.management.base import TutoriaCommand


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


class Command(TutoriaCommand):
    help = gettext_lazy("Build an accreditation evidence workbook (.xlsx).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help=gettext_lazy("Path of the .xlsx file to write.")
        )
        parser.add_argument(
            "--site", default="", help=gettext_lazy("Hostname of the Wagtail site.")
        )
        parser.add_argument("--term", default="", help=gettext_lazy("Code of the academic term."))
        parser.add_argument(
            "--from", dest="date_from", default="", help=gettext_lazy("First day, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--to", dest="date_to", default="", help=gettext_lazy("Last day, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--programme", default="", help=gettext_lazy("Slug of one programme page.")
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default="",
            help=gettext_lazy("Rebuild history-tracked sheets as they were on this day."),
        )
        parser.add_argument(
            "--identified",
            action="store_true",
            help=gettext_lazy("Show student numbers (needs --user with the permission)."),
        )
        parser.add_argument(
            "--user", default="", help=gettext_lazy("Username of the person exporting.")
        )
        parser.add_argument(
            "--language",
            default="",
            help=gettext_lazy("Language of the workbook (default: the site's language)."),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=gettext_lazy("No progress bar.")
        )

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(
                _("--output %(path)s is a directory: give a file name.") % {"path": output}
            )
        if not output.parent.exists():
            raise CommandError(
                _("--output: the folder %(path)s does not exist.") % {"path": output.parent}
            )
        if output.suffix.lower() != ".xlsx":
            raise CommandError(_("--output must name an .xlsx file."))
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None or not user.is_active:
                raise CommandError(
                    _("--user: no active user %(name)r.") % {"name": options["user"]}
                )
        if options["identified"] and user is None:
            raise CommandError(
                _("--identified needs --user (a user allowed to export identified data).")
            )
        language = options["language"] or settings.LANGUAGE_CODE
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise CommandError(
                _("--language: %(code)r is not one of the site's languages.") % {"code": language}
            )
        if not options["site"] and Site.objects.count() > 1:
            known = ", ".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
            raise CommandError(
                _(
                    "This install serves several institutions and an export is about one: "
                    "give --site HOSTNAME (sites: %(known)s)."
                )
                % {"known": known}
            )
        with translation.override(language):
            # The admin's path: the export's form checks the options, its cleaned data make
            # the context.
            form = ExportFiltersForm({name: options[name] for name in FILTER_KEYS}, user=user)
            if not form.is_valid():
                raise CommandError(form.first_error())
            context = form.context()
            stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            bar = None
            if not options["no_progress"] and stream.isatty():
                bar = ProgressBar(stream)
            job, result = export_to_path(context, output, progress=bar)
            if bar is not None:
                bar(result.total_rows, result.total_rows, force=True)
                stream.write("\n")
        message = (
            _("Wrote %(path)s (%(rows)s rows; export #%(job)s; identified).")
            if context.identified
            else _("Wrote %(path)s (%(rows)s rows; export #%(job)s; pseudonymised).")
        )
        self.stdout.write(message % {"path": output, "rows": result.total_rows, "job": job.pk})
        for sheet, count in result.row_counts.items():
            self.stdout.write(f"  {sheet}: {count}")
