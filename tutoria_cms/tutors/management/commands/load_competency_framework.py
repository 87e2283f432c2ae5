from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.tutors.loader import DEFAULT_PATH, FrameworkFileError, load_framework_file


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Load or update a competency framework from a JSON fixture (natural keys), checking it "
        "first. Without PATH, loads the framework shipped from the seeds. Loading twice changes "
        "nothing; nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None, help=f"default: {DEFAULT_PATH}")

    def handle(self, *args, path=None, **options):
        try:
            result = load_framework_file(path)
        except FrameworkFileError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                _("%(path)s was not loaded (nothing was written):\n%(problems)s")
                % {"path": path or DEFAULT_PATH, "problems": lines}
            ) from None
        none = _("none")
        created = ", ".join(f"{n} {kind}" for kind, n in sorted(result.created.items())) or none
        updated = ", ".join(f"{n} {kind}" for kind, n in sorted(result.updated.items())) or none
        codes = ", ".join(f.code for f in result.frameworks)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Framework(s) %(codes)s: created %(created)s; updated %(updated)s; "
                    "%(unchanged)d unchanged."
                )
                % {
                    "codes": codes,
                    "created": created,
                    "updated": updated,
                    "unchanged": result.unchanged,
                }
            )
        )
