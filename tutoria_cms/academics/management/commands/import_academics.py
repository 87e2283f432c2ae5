from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from tutoria_cms.academics.importer import KIND_LABELS, ImportRefused
from tutoria_cms.academics.services import import_academics
from tutoria_cms.core.management.base import TutoriaCommand


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Import terms, curricular components, students, failures and term outcomes from a "
        "CSV or XLSX file exported by the academic system. All or nothing: any bad row stops "
        "the import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The .csv or .xlsx file to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and report what would change, without saving."),
        )
        parser.add_argument("--user", help=_("Username recorded in the history of changes."))
        parser.add_argument(
            "--site",
            metavar="HOSTNAME",
            help=_(
                "Hostname of the institution (Wagtail site) whose records the file holds. "
                "Required when the install serves several institutions."
            ),
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No such user: %(user)s") % {"user": options["user"]})
        site = self.institution(options["site"])
        try:
            result = import_academics(
                path.name, path.read_bytes(), site=site, user=user, dry_run=options["dry_run"]
            )
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("Nothing was imported: %(count)d problem(s) found.")
                % {"count": len(refused.errors)}
            ) from None
        for kind, counts in result.summary().items():
            self.stdout.write(
                _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {"kind": KIND_LABELS[kind], **counts}
            )
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import complete.")))

    def institution(self, hostname):
        sites = Site.objects.order_by("hostname", "port")
        known = ", ".join(sites.values_list("hostname", flat=True)) or "-"
        if hostname:
            site = sites.filter(hostname=hostname).first()
            if site is None:
                raise CommandError(
                    _("No institution (site) with hostname %(hostname)s (sites: %(known)s).")
                    % {"hostname": hostname, "known": known}
                )
            return site
        if sites.count() == 1:
            return sites.get()
        raise CommandError(
            _(
                "This install serves several institutions: say whose records the file holds "
                "with --site HOSTNAME (sites: %(known)s)."
            )
            % {"known": known}
        )
