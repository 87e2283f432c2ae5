"""Everything the suite holds about one student (subject access), as a workbook.

manage.py export_subject_data STUDENT_NUMBER --output PATH --user USERNAME
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.accreditation.subject_access import build_subject_workbook
from tutoria_cms.core.management.base import TutoriaCommand


class Command(TutoriaCommand):
    help = gettext_lazy("Export everything the suite holds about one student (subject access).")

    def add_arguments(self, parser):
        parser.add_argument("student_number", help=_("The student's number."))
        parser.add_argument("--output", required=True, help=_("Path of the .xlsx to write."))
        parser.add_argument(
            "--user",
            required=True,
            help=_("Account that asks (needs the identified-export permission)."),
        )
        parser.add_argument(
            "--purpose",
            required=True,
            help=_("Why the data are exported (kept with the log of the export)."),
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("No such user: %(user)s") % {"user": options["user"]})
        if not options["purpose"].strip():
            raise CommandError(_("Say why the data are exported (--purpose)."))
        path = Path(options["output"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("The output file must end in .xlsx."))
        try:
            with path.open("wb") as target:
                job, found = build_subject_workbook(
                    options["student_number"],
                    target,
                    user,
                    options["purpose"],
                    origin=ExportJob.Origin.COMMAND,
                )
        except PermissionDenied:
            path.unlink(missing_ok=True)
            raise CommandError(
                _("%(user)s may not export identified data.") % {"user": user.get_username()}
            ) from None
        if not found:
            self.stdout.write(_("Nothing is held about this student number."))
        self.stdout.write(
            self.style.SUCCESS(
                _("Written to %(path)s (%(rows)d rows).") % {"path": path, "rows": job.rows_done}
            )
        )
