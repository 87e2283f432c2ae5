import re

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sites.home.demo.loader import DemoLoader
from tutoria_cms.core import roles
from tutoria_cms.core.management.base import TutoriaCommand

ADDR_PATTERN = re.compile(r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[^:\s]+):)?(?P<port>\d{1,5})$")


def port_of(addr):
    """The port of a runserver address ("8101", "127.0.0.1:8101", "[::1]:8101")."""
    match = ADDR_PATTERN.match(addr.strip())
    port = int(match["port"]) if match else 0
    if not 0 < port < 65536:
        raise CommandError(
            _('"%(addr)s" is not an address to serve on (give PORT or HOST:PORT).') % {"addr": addr}
        )
    return port


# How the printed list names each role (the logins file keeps the stable keys).
ROLE_LABELS = {
    "superuser": gettext_lazy("superuser"),
    "communications": roles.ROLE_LABELS[roles.COMMUNICATIONS],
    "moderation": roles.ROLE_LABELS[roles.COMMUNICATIONS_MODERATORS],
    "coordination": roles.ROLE_LABELS[roles.COORDINATION],
    "board": roles.ROLE_LABELS[roles.BOARD],
    "orientation": roles.ROLE_LABELS[roles.ORIENTATION],
    "quality": roles.ROLE_LABELS[roles.QUALITY],
    "tutor": roles.ROLE_LABELS[roles.TUTORS],
    # A student account of the public site (tutoria_cms.students), not a staff role.
    "student": gettext_lazy("student"),
}


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Build the two demo institutions (Spanish and Brazilian Portuguese) with their "
        "programmes, workshops and accounts. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins-file",
            help=_("Where the generated demo passwords are kept (default: var/demo-logins.json)."),
        )
        parser.add_argument(
            "--addr",
            help=_(
                "The address the demo is served on, as given to runserver (default: keep the "
                "sites' ports, 8000 at first). The demo sites, their links and e-mails use its "
                "port."
            ),
        )

    def handle(self, *args, **options):
        port = port_of(options["addr"]) if options.get("addr") else None
        loader = DemoLoader(stdout=self.stdout, logins_file=options.get("logins_file"), port=port)
        rows = loader.load()
        base_url = loader.write_base_url()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo content ready (%(count)d objects created).") % {"count": loader.created}
            )
        )
        for institution, url in loader.site_urls():
            self.stdout.write(f"  {institution}: {url}")
        self.stdout.write(_("Admin: %(url)s/admin/") % {"url": base_url})
        self.stdout.write(
            _("Logins (username / password / role / institution), kept in %(file)s:")
            % {"file": loader.logins_file}
        )
        for username, password, role, hostname in rows:
            label = ROLE_LABELS.get(role, role)
            where = hostname or _("every institution")
            self.stdout.write(f"  {username:<22} {password:<18} {label:<34} {where}")
