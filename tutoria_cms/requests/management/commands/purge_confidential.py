from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.requests.models import TutoringRequest
from tutoria_cms.requests.services import purge_confidential


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Erase the confidential text (private descriptions, session notes, referral reasons "
        "and outcomes, and their history rows) of requests finished more than N years ago. "
        "A dry run unless --apply is given; counts used by the indicators are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", type=int, help=_("Retention period in years (default: the setting).")
        )
        parser.add_argument(
            "--apply", action="store_true", help=_("Erase for real (without it, only report).")
        )
        parser.add_argument(
            "--site",
            metavar="HOSTNAME",
            help=_("Only the requests of this institution (Wagtail site); default: every one."),
        )

    def handle(self, *args, **options):
        years = options["years"]
        if years is not None and years < 0:
            raise CommandError(_("--years must be zero or more."))
        tutoring_requests = TutoringRequest.objects.past_retention(years)
        if options["site"]:
            site = Site.objects.filter(hostname=options["site"]).first()
            if site is None:
                known = ", ".join(
                    Site.objects.order_by("hostname").values_list("hostname", flat=True)
                )
                raise CommandError(
                    _("No institution (site) with hostname %(hostname)s (sites: %(known)s).")
                    % {"hostname": options["site"], "known": known or "-"}
                )
            tutoring_requests = tutoring_requests.filter(site=site)
        counts = purge_confidential(tutoring_requests, dry_run=not options["apply"])
        self.stdout.write(
            _(
                "%(requests)d requests past retention: %(descriptions)d descriptions, "
                "%(session_notes)d session notes, %(referral_texts)d referral texts, "
                "%(history_rows)d history rows"
            )
            % counts
        )
        if options["apply"]:
            self.stdout.write(self.style.SUCCESS(_("Erased.")))
        else:
            self.stdout.write(_("Dry run: nothing was changed. Run again with --apply."))
