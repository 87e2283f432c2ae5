from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.management.base import TutoriaCommand


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Delete workshop sign-ups never confirmed from their e-mail once their link has "
        "expired (SIGNUP_CONFIRMATION_HOURS), with their history. Run it regularly, e.g. hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only report what would be deleted.")
        )

    def handle(self, *args, **options):
        from tutoria_cms.workshops.services import purge_pending_signups

        dry_run = options["dry_run"]
        count = purge_pending_signups(dry_run=dry_run)
        self.stdout.write(
            _("%(count)d unconfirmed workshop sign-ups older than %(hours)d hours.")
            % {"count": count, "hours": tutoria_settings.SIGNUP_CONFIRMATION_HOURS}
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was deleted."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Deleted.")))
