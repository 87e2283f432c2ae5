from django.apps import apps
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.management.base import TutoriaCommand


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Delete private files past their retention: academic-records uploads whose preview "
        "was not confirmed (IMPORT_PREVIEW_HOURS) and evidence workbooks built more than "
        "EXPORT_FILE_DAYS ago (their export jobs are kept). Run it regularly, e.g. hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--preview-hours",
            type=int,
            help=_("Keep unconfirmed uploads this many hours (default: the setting)."),
        )
        parser.add_argument(
            "--export-days",
            type=int,
            help=_("Keep evidence workbooks this many days (default: the setting)."),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only report what would be deleted.")
        )

    def handle(self, *args, **options):
        hours = options["preview_hours"]
        days = options["export_days"]
        if (hours is not None and hours < 0) or (days is not None and days < 0):
            raise CommandError(_("--preview-hours and --export-days must be zero or more."))
        hours = tutoria_settings.IMPORT_PREVIEW_HOURS if hours is None else hours
        days = tutoria_settings.EXPORT_FILE_DAYS if days is None else days
        dry_run = options["dry_run"]
        previews = exports = 0
        if apps.is_installed("tutoria_cms.academics"):
            from tutoria_cms.academics.services import purge_import_previews

            previews = purge_import_previews(hours=hours, dry_run=dry_run)
        if apps.is_installed("tutoria_cms.accreditation"):
            from tutoria_cms.accreditation.services import purge_export_files

            exports = purge_export_files(days=days, dry_run=dry_run)
        self.stdout.write(
            _(
                "%(previews)d unconfirmed uploads older than %(hours)d hours, "
                "%(exports)d evidence workbooks older than %(days)d days."
            )
            % {"previews": previews, "hours": hours, "exports": exports, "days": days}
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was deleted."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Deleted.")))
