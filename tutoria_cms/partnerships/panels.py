"""The coordinators' dashboard panel: overdue commitments and agreements about to expire."""

from django.template.loader import get_template
from django.utils import timezone
from wagtail.admin.ui.components import Component

from . import permissions, services

# Longest list shown per kind on the dashboard (the listing has the rest).
PANEL_LIMIT = 10


class PartnershipWarningsPanel(Component):
    name = "tutoria_partnership_warnings"
    template_name = "tutoria_cms/partnerships/admin/warnings_panel.html"
    order = 20

    def __init__(self, user, today=None):
        self.user = user
        self.today = today or timezone.localdate()

    def get_context_data(self, parent_context=None):
        # Only the institutions where the user changes agreements (and so is warned).
        overdue = services.overdue_commitments(self.today).filter(
            agreement__in=permissions.visible_agreements(self.user, perm=permissions.CHANGE)
        )
        expiring = permissions.visible_agreements(
            self.user, services.expiring_agreements(self.today), perm=permissions.CHANGE
        )
        return {
            "overdue": list(overdue[:PANEL_LIMIT]),
            "expiring": list(expiring[:PANEL_LIMIT]),
        }

    def render_html(self, parent_context=None):
        if not permissions.receives_warnings(self.user):
            return ""
        context = self.get_context_data(parent_context)
        if not context["overdue"] and not context["expiring"]:
            return ""
        return get_template(self.template_name).render(context)
