"""E-mail each responsible person the requests and referrals past their due date, once a day
(run it daily from cron; see docs/settings.md). Only ids and counts on the console."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.requests.deadlines import digest_recipients, overdue_items
from tutoria_cms.requests.models import OverdueDigest
from tutoria_cms.requests.tasks import send_overdue_digest


class Command(TutoriaCommand):
    help = gettext_lazy(
        "E-mail each coordinator, board member, orientation service and tutor the list of "
        "requests and referrals past their due date (at most once a day; run it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("Today's date (YYYY-MM-DD); default: today."))
        parser.add_argument("--dry-run", action="store_true", help=_("Send nothing."))

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(_("--date: %(error)s") % {"error": error}) from error
        sent = failed = 0
        for user in digest_recipients():
            if dry_run:
                done = OverdueDigest.objects.filter(
                    user=user, sent_on=today, status__in=(OverdueDigest.Status.SENT,)
                ).exists()
                count = 0 if done else len(overdue_items(user, today))
                if count:
                    self.stdout.write(
                        ngettext(
                            "Would send user #%(id)d a digest of %(count)d item.",
                            "Would send user #%(id)d a digest of %(count)d items.",
                            count,
                        )
                        % {"id": user.pk, "count": count}
                    )
                continue
            outcome = send_overdue_digest.call(user.pk, today.isoformat())
            if outcome == "sent":
                sent += 1
            elif outcome == "failed":
                failed += 1
                self.stderr.write(
                    _("The digest of user #%(id)d was not sent: the mail server failed.")
                    % {"id": user.pk}
                )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was sent."))
            return
        self.stdout.write(
            _("%(sent)d sent, %(failed)d not sent.") % {"sent": sent, "failed": failed}
        )
