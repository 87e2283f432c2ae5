from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.requests.models import Notification, Referral
from tutoria_cms.requests.tasks import send_notification, send_referral_update


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Send the decision e-mails and the tutors' referral news that are pending or failed "
        "(run it periodically)."
    )

    def handle(self, *args, **options):
        sent = failed = 0
        for pk in list(Notification.objects.pending().values_list("pk", flat=True)):
            if send_notification.call(pk):
                sent += 1
            else:
                failed += 1
        for pk in list(Referral.objects.pending_updates().values_list("pk", flat=True)):
            if send_referral_update.call(pk):
                sent += 1
            else:
                failed += 1
        self.stdout.write(
            _("%(sent)d sent, %(failed)d not sent.") % {"sent": sent, "failed": failed}
        )
