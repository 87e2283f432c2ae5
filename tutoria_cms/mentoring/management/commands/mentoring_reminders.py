"""E-mail a reminder to the mentors of pairs that have not met within the programme's
frequency (at most once per frequency period), and print the pairs at risk (ids and reasons
only: no personal data on the console)."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.tasks import build_email, contact_email, programme_language


class Command(TutoriaCommand):
    help = gettext_lazy("Remind mentors whose pair has not met recently; list the pairs at risk.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("Today's date (YYYY-MM-DD); default: today."))
        parser.add_argument("--dry-run", action="store_true", help=_("Send nothing."))
        parser.add_argument("--language", default=None, help=_("Language of the output."))

    def handle(self, *args, date, dry_run, language, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(_("--date: %(error)s") % {"error": error}) from error
        with translation.override(language or translation.get_language() or "en"):
            sent = 0
            pairs, at_risk = services.follow_up(today)
            for pair in pairs:
                if dry_run or not services.claim_reminder(pair, today):
                    continue
                sent += self.send(pair, today)
            self.stdout.write(
                ngettext(
                    "%(count)d pair has not met recently.",
                    "%(count)d pairs have not met recently.",
                    len(pairs),
                )
                % {"count": len(pairs)}
            )
            self.stdout.write(
                ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent)
                % {"count": sent}
            )
            for pair, reasons in at_risk:
                labels = ", ".join(str(services.RISK_LABELS[reason]) for reason in reasons)
                self.stdout.write(
                    _("At risk: %(pair)s (%(reasons)s)") % {"pair": pair, "reasons": labels}
                )

    def send(self, pair, today):
        address = contact_email(pair.mentor)
        if not address:
            return 0
        language = programme_language(pair.programme)
        context = {
            "programme_title": pair.programme.page.title,
            "recipient_name": pair.mentor.student.full_name,
            "other_name": pair.mentee.student.full_name,
            "days": services.days_without_meeting(pair, today),
            "frequency": pair.programme.meeting_every_days,
        }
        return build_email("reminder", context, address, language).send()
