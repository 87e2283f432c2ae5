"""Settings › Referral services: each institution's vocabulary of the services students are
referred to (psychology, educational orientation, social work...).

Wagtail's model permissions on ``ReferralService`` (add, change, delete, view: offered in
Settings › Groups by the viewset) apply in the institutions where the person holds them
(``core.institutions``): another institution's services are not listed, and their ids are
"not found"; a new service goes to one of the person's institutions.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from tutoria_cms.core import institutions
from tutoria_cms.core.forms import CleanTextFormMixin
from tutoria_cms.core.views import ProtectedDeleteView
from tutoria_cms.core.viewsets import scoped_views

from .models import ReferralService

APP = "tutoria_requests"
ACTIONS = ("add", "change", "delete", "view")


def perm(action):
    return f"{APP}.{action}_referralservice"


def managed_services(queryset, user, actions=ACTIONS):
    """``queryset`` limited to the institutions where ``user`` holds one of ``actions``'
    permissions on referral services."""
    condition = None
    for action in actions:
        q = institutions.institution_q(user, perm(action))
        condition = q if condition is None else condition | q
    return queryset.filter(condition)


class ReferralServicePermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions, held in the service's institution."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and institutions.holds(
            user, perm(action), instance.site_id
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return managed_services(self.model.objects.all(), user, actions)


class ReferralServiceForm(CleanTextFormMixin, WagtailAdminModelForm):
    """The institution: one where the person may add services (fixed once created: its
    referrals point to it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site = self.fields.get("site")
        if site is None:
            return
        site.required = True
        site.help_text = _("The institution whose students are referred to this service.")
        if self.instance.pk:
            site.disabled = True
            site.queryset = site.queryset.filter(pk=self.instance.site_id)
            return
        site.queryset = institutions.sites_for(self.for_user, perm("add"))
        if not self.initial.get("site"):
            current = institutions.institution_for_new(self.for_user, perm("add"))
            if current is not None:
                self.initial["site"] = current.pk


def _viewable(queryset, user):
    return managed_services(queryset, user)


def _changeable(queryset, user):
    return managed_services(queryset, user, ("change",))


def _deletable(queryset, user):
    return managed_services(queryset, user, ("delete",))


_views = {
    **scoped_views(_viewable, history=history.HistoryView, usage=usage.UsageView),
    **scoped_views(_changeable, edit=EditView),
    **scoped_views(_deletable, delete=ProtectedDeleteView),
}


class ReferralServiceIndexView(IndexView):
    def get_base_queryset(self):
        return managed_services(
            super().get_base_queryset().select_related("site"), self.request.user
        )


class ReferralServiceInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            managed_services(ReferralService.objects.all(), self.request.user), pk=self.pk
        )


class ReferralServiceViewSet(ModelViewSet):
    model = ReferralService
    name = "tutoria_referral_services"
    url_prefix = "tutoria/referral-services"
    icon = "list-ul"
    menu_label = _("Referral services")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ReferralServiceIndexView
    inspect_view_class = ReferralServiceInspectView
    edit_view_class = _views["edit"]
    delete_view_class = _views["delete"]
    history_view_class = _views["history"]
    usage_view_class = _views["usage"]
    edit_handler = ObjectList(
        [FieldPanel("site"), FieldPanel("name"), FieldPanel("active"), FieldPanel("order")],
        base_form_class=ReferralServiceForm,
    )
    list_filter = ["active"]
    search_fields = ["name"]

    @property
    def list_display(self):
        return [
            Column("name", label=_("Name"), accessor=str),  # the default one, translated
            Column(
                "site",
                label=_("Institution"),
                accessor=lambda s: institutions.institution_name(s.site),
            ),
            Column(
                "active",
                label=_("Active"),
                accessor=lambda s: gettext("Yes") if s.active else gettext("No"),
            ),
            Column("order", label=_("Order")),
        ]
