"""Print the partnership warnings (overdue commitments, agreements about to expire) per
institution; with ``--email``, also send each institution's to its own coordinators."""

import datetime

from django.core.mail import send_mail
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.models import Site

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.institutions import institution_name
from tutoria_cms.core.management.base import TutoriaCommand
from tutoria_cms.partnerships import permissions, services


class Command(TutoriaCommand):
    help = gettext_lazy(
        "Overdue commitments and agreements about to expire; --email sends them to coordinators."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=services.EXPIRY_WARNING_DAYS,
            help=_("Warn of agreements expiring within this many days (default %(default)s)."),
        )
        parser.add_argument("--date", help=_("Today's date (YYYY-MM-DD); default: today."))
        parser.add_argument("--email", action="store_true", help=_("E-mail the coordinators."))
        parser.add_argument("--language", default=None, help=_("Language: es, pt-br, en."))
        parser.add_argument("--site", help=_("Only this institution (hostname); default: each."))

    def handle(self, *args, days, date, email, language, site=None, **options):
        if days < 0:
            raise CommandError(_("--days must be zero or more."))
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(_("--date: %(error)s") % {"error": error}) from error
        sites = Site.objects.order_by("pk")
        if site:
            sites = sites.filter(hostname=site)
            if not sites:
                raise CommandError(_("--site: no site with hostname %(name)r.") % {"name": site})
        language = language or translation.get_language() or "en"
        several = len(sites) > 1
        with translation.override(language):
            for institution in sites:
                # Each institution's warnings go to its own coordinators only.
                overdue = list(
                    services.overdue_commitments(today).filter(agreement__site=institution)
                )
                expiring = list(services.expiring_agreements(today, days).filter(site=institution))
                if several and not overdue and not expiring:
                    continue
                context = {"overdue": overdue, "expiring": expiring, "today": today, "days": days}
                text = render_to_string("tutoria_cms/partnerships/emails/warnings.txt", context)
                if several:
                    self.stdout.write(f"== {institution_name(institution)} ==")
                self.stdout.write(text.rstrip())
                if email:
                    self.send(overdue, expiring, text, institution)

    def send(self, overdue, expiring, text, site=None):
        if not overdue and not expiring:
            self.stdout.write(_("Nothing to warn about: no e-mail sent."))
            return
        subject = _("Partnerships: %(overdue)s, %(expiring)s") % {
            "overdue": ngettext(
                "%(count)d overdue commitment", "%(count)d overdue commitments", len(overdue)
            )
            % {"count": len(overdue)},
            "expiring": ngettext(
                "%(count)d agreement about to expire",
                "%(count)d agreements about to expire",
                len(expiring),
            )
            % {"count": len(expiring)},
        }
        sent = 0
        for user in permissions.warning_recipients(site):
            sent += send_mail(subject, text, tutoria_settings.FROM_EMAIL or None, [user.email])
        self.stdout.write(
            ngettext("Sent to %(count)d coordinator.", "Sent to %(count)d coordinators.", sent)
            % {"count": sent}
        )
