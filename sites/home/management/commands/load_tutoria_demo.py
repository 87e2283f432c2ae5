from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from sites.home.demo.loader import INSTITUTIONS, PORT, DemoLoader


class Command(BaseCommand):
    help = _(
        "Build the two demo institutions (Spanish and Brazilian Portuguese) with their "
        "programmes, workshops and accounts. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-file",
            help=_("Where the generated demo passwords are kept (default: var/demo-logins.json)."),
        )

    def handle(self, *args, **options):
        loader = DemoLoader(stdout=self.stdout, logins_file=options.get("logins_file"))
        rows = loader.load()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo content ready (%(count)d objects created).") % {"count": loader.created}
            )
        )
        for content in INSTITUTIONS:
            self.stdout.write(f"  {content.INSTITUTION}: http://{content.HOSTNAME}:{PORT}/")
        self.stdout.write(_("Admin: http://localhost:%(port)d/admin/") % {"port": PORT})
        self.stdout.write(_("Logins (username / password):"))
        for username, password, role in rows:
            self.stdout.write(f"  {username:<22} {password:<18} {role or _('superuser')}")
