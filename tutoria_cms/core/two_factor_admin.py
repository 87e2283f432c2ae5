"""Settings › Two-step verification: superusers see who has it on, and turn it off for
someone who lost their phone (recorded in Wagtail's audit log, Reports › Site history)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.log_actions import log

from .conf import tutoria_settings
from .superuser_settings import (
    SuperuserActionView,
    SuperuserSettingsIndexView,
    SuperuserSettingsViewSet,
)
from .two_factor import device_model, reads_confidential

TURNED_OFF_ACTION = "tutoria.two_factor_turned_off"


class TwoFactorIndexView(SuperuserSettingsIndexView):
    page_title = _("Two-step verification")
    header_icon = "key"
    default_ordering = "-created_at"
    # django-otp's model names ("TOTP device") are not translated.
    verbose_name = _("authenticator app")
    verbose_name_plural = _("authenticator apps")
    action_label = _("Turn off")
    action_icon = "cross"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(confirmed=True).select_related("user")

    @property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "user",
                label=_("Username"),
                accessor=lambda device: device.user.get_username(),
                get_url=lambda device: None,
            ),
            Column("name", label=_("Name"), accessor=lambda device: device.user.get_full_name()),
            DateColumn("created_at", label=_("Turned on")),
            DateColumn("last_used_at", label=_("Last used")),
        ]


class TurnOffView(SuperuserActionView):
    """Remove every authenticator of one person."""

    page_title = _("Turn off two-step verification")
    header_icon = "key"
    submit_label = _("Yes, turn it off")

    def get_object_queryset(self):
        return device_model().objects.filter(confirmed=True).select_related("user")

    def get_page_subtitle(self):
        return self.object.user.get_username()

    def get_intro(self):
        return gettext(
            "%(username)s will sign in with the password alone until they set up "
            "two-step verification again. Do this only once you are sure who is asking, "
            "for example after a lost or replaced phone."
        ) % {"username": self.object.user.get_username()}

    @property
    def notice(self):
        if tutoria_settings.REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL and (
            reads_confidential(self.object.user) or self.object.user.is_superuser
        ):
            return gettext(
                "Their role requires two-step verification: the next time they sign in, "
                "they are asked to set it up with their new phone before anything else."
            )
        return ""

    def perform(self, form):
        person = self.object.user
        device_model().objects.filter(user=person).delete()
        log(instance=person, action=TURNED_OFF_ACTION, user=self.request.user)
        return person

    def get_success_message(self):
        return gettext("Two-step verification is off for %(username)s.") % {
            "username": self.object.user.get_username()
        }


class TwoFactorViewSet(SuperuserSettingsViewSet):
    name = "tutoria_two_factor_devices"
    url_prefix = "two-step-verification"
    icon = "key"
    menu_label = _("Two-step verification")
    index_view_class = TwoFactorIndexView
    action_view_class = TurnOffView
    action_name = "turn_off"

    def get_model(self):
        return device_model()
