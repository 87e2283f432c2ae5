"""Sign-in lockouts (django-axes): the lockout page and the superuser's unlock views.

Axes counts failed sign-ins per username *and* address (``AXES_LOCKOUT_PARAMETERS`` in
sites/settings/base.py): after ``AXES_FAILURE_LIMIT`` failures that pair is refused, even with
the right password, until ``AXES_COOLOFF_TIME`` has passed or a superuser unlocks it in
Settings › Login lockouts. The lockout page is the same whether the account exists or not.
"""

import logging
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

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


class SuperusersOnlyPolicy(BasePermissionPolicy):
    """Every action on lockouts is the superusers' (they administer the install)."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


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


class LockoutIndexView(generic.IndexView):
    page_title = _("Login lockouts")
    header_icon = "lock"
    default_ordering = "-attempt_time"
    paginate_by = 50
    unlock_url_name = None

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

    def get_list_more_buttons(self, instance):
        return [
            MenuItem(
                gettext("Unlock"),
                url=reverse(self.unlock_url_name, args=[instance.pk]),
                icon_name="lock-open",
                priority=10,
            )
        ]


class UnlockView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET) and unlock (POST): forget the failures of one username and address."""

    permission_required = "delete"
    template_name = "tutoria_cms/core/logins/unlock.html"
    page_title = _("Unlock sign-in")
    header_icon = "lock-open"
    index_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.attempt = get_object_or_404(attempt_model(), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.attempt.username

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            attempt=self.attempt,
            index_url=reverse(self.index_url_name),
            unlock_url=self.request.path,
        )
        return context

    def post(self, request, *args, **kwargs):
        from axes.utils import reset
        from wagtail.log_actions import log

        username, address = self.attempt.username, self.attempt.ip_address
        log(
            instance=self.attempt,
            action=UNLOCKED_ACTION,
            user=request.user,
            title=f"{username} · {address}",
        )
        reset(ip=address, username=username)
        logger.info("Sign-in lockout of %r from %s lifted by %s", username, address, request.user)
        messages.success(
            request,
            gettext("%(username)s can sign in again from %(address)s.")
            % {"username": username, "address": address},
        )
        return redirect(self.index_url_name)


class LockoutViewSet(ViewSet):
    """Settings › Login lockouts: superusers only."""

    name = "tutoria_lockouts"
    url_prefix = "login-lockouts"
    icon = "lock"
    menu_label = _("Login lockouts")
    add_to_settings_menu = True
    menu_item_class = AdminOnlyMenuItem
    permission_policy = SuperusersOnlyPolicy(None)

    @property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        model = attempt_model()
        self.permission_policy.model = model
        common = {
            "model": model,
            "permission_policy": self.permission_policy,
            "index_url_name": self.get_url_name("index"),
        }
        index = LockoutIndexView.as_view(
            index_results_url_name=self.get_url_name("index_results"),
            unlock_url_name=self.get_url_name("unlock"),
            **common,
        )
        results = LockoutIndexView.as_view(
            index_results_url_name=self.get_url_name("index_results"),
            unlock_url_name=self.get_url_name("unlock"),
            results_only=True,
            **common,
        )
        unlock = UnlockView.as_view(
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("index"),
        )
        return [
            path("", index, name="index"),
            path("results/", results, name="index_results"),
            path("<int:pk>/unlock/", unlock, name="unlock"),
        ]
