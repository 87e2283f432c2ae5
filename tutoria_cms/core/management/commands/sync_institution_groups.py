from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.institution_groups import sync_everything
from tutoria_cms.core.management.base import TutoriaCommand


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Set up every institution's page groups, their page permissions and its moderation "
        "workflow, and put every person in the institution groups their roles and memberships "
        "give them (after loading data without signals, e.g. loaddata)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            sites, people = sync_everything()
        self.stdout.write(
            _("%(sites)d institution(s) set up, %(people)d person(s) synchronised.")
            % {"sites": sites, "people": people}
        )
