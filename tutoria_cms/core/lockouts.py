"""Sign-in lockouts (django-axes): the lockout page and the superuser's unlock views.

Axes counts failed sign-ins per username *and* address (``AXES_LOCKOUT_PARAMETERS`` in
sites/settings/base.py): after ``AXES_FAILURE_LIMIT`` failures that pair is refused, even with
the right password, until ``AXES_COOLOFF_TIME`` has passed or a superuser unlocks it in
Settings › Login lockouts. The lockout page is the same whether the account exists or not.
"""

import logging
import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn

from .superuser_settings import (
    SuperuserActionView,
    SuperuserSettingsIndexView,
    SuperuserSettingsViewSet,
)

logger = logging.getLogger(__name__)

LOCKOUT_TEMPLATE = "tutoria_cms/core/logins/lockout.html"
# Wagtail's audit log (Reports › Site history): who lifted which lockout.
UNLOCKED_ACTION = "tutoria.sign_in_unlocked"


def cool_off_minutes(request=None):
    """How long a lockout lasts, in whole minutes (None: until a superuser unlocks it)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    return max(1, math.ceil(cool_off.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the lockout in Wagtail's sign-in page, in the admin's
    language; it names no account, so it does not tell whether one exists."""
    return render(
        request,
        LOCKOUT_TEMPLATE,
        {"minutes": cool_off_minutes(request)},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


def attempt_model():
    from axes.models import AccessAttempt

    return AccessAttempt


def locked_until(attempt):
    """When the lockout of ``attempt`` ends (None: not locked, or until unlocked: "")."""
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    if attempt.failures_since_start < limit:
        return None
    from axes.helpers import get_cool_off

    cool_off = get_cool_off()
    if not cool_off:
        return ""
    until = attempt.attempt_time + cool_off
    return until if until > timezone.now() else None


class LockedUntilColumn(Column):
    def get_value(self, instance):
        until = locked_until(instance)
        if until is None:
            return gettext("Not locked")
        if until == "":
            return gettext("Until unlocked")
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M")


class LockoutIndexView(SuperuserSettingsIndexView):
    page_title = _("Login lockouts")
    header_icon = "lock"
    default_ordering = "-attempt_time"
    # django-axes's model names are not translated into Spanish or Portuguese.
    verbose_name = _("sign-in lockout")
    verbose_name_plural = _("sign-in lockouts")
    action_label = _("Unlock")
    action_icon = "lock-open"

    @property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "username", label=_("Username"), get_url=lambda instance: None
            ),
            Column("ip_address", label=_("IP address")),
            Column("failures_since_start", label=_("Failed sign-ins")),
            DateColumn("attempt_time", label=_("Last failure")),
            LockedUntilColumn("locked_until", label=_("Locked until")),
        ]


class UnlockView(SuperuserActionView):
    """Forget the failures of one username and address (recorded in Wagtail's audit log)."""

    page_title = _("Unlock sign-in")
    header_icon = "lock-open"
    submit_label = _("Yes, unlock")

    def get_object_queryset(self):
        return attempt_model().objects.all()

    def get_page_subtitle(self):
        return self.object.username

    def get_intro(self):
        attempt = self.object
        failures = ngettext(
            "%(username)s failed to sign in %(failures)s time from %(address)s.",
            "%(username)s failed to sign in %(failures)s times from %(address)s.",
            attempt.failures_since_start,
        ) % {
            "username": attempt.username,
            "failures": attempt.failures_since_start,
            "address": attempt.ip_address,
        }
        return " ".join(
            (
                failures,
                gettext(
                    "Unlocking forgets these failures: the next sign-in with the right "
                    "password succeeds."
                ),
            )
        )

    def perform(self, form):
        from axes.utils import reset
        from wagtail.log_actions import log

        username, address = self.object.username, self.object.ip_address
        log(
            instance=self.object,
            action=UNLOCKED_ACTION,
            user=self.request.user,
            title=f"{username} · {address}",
        )
        reset(ip=address, username=username)
        logger.info(
            "Sign-in lockout of %r from %s lifted by %s", username, address, self.request.user
        )

    def get_success_message(self):
        return gettext("%(username)s can sign in again from %(address)s.") % {
            "username": self.object.username,
            "address": self.object.ip_address,
        }


class LockoutViewSet(SuperuserSettingsViewSet):
    """Settings › Login lockouts: superusers only."""

    name = "tutoria_lockouts"
    url_prefix = "login-lockouts"
    icon = "lock"
    menu_label = _("Login lockouts")
    index_view_class = LockoutIndexView
    action_view_class = UnlockView
    action_name = "unlock"

    def get_model(self):
        return attempt_model()
