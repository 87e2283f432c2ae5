"""Dashboard panel: pairs at risk and pairs due a meeting (coordination), and a mentor's
pairs due a meeting. Rendered only when there is something to show."""

from django.template.loader import get_template
from django.utils import timezone
from wagtail.admin.ui.components import Component

from . import permissions, services

PANEL_LIMIT = 10


class MentoringPanel(Component):
    name = "tutoria_mentoring"
    template_name = "tutoria_cms/mentoring/admin/panel.html"
    order = 30

    def __init__(self, user, today=None):
        self.user = user
        self.today = today or timezone.localdate()

    def get_context_data(self, parent_context=None):
        # One query of the user's confirmed pairs; the pairs at risk are coordination's.
        reminders, at_risk = services.follow_up(
            self.today,
            pairs=permissions.visible_pairs(self.user),
            risks=permissions.is_coordinator(self.user),
        )
        # Pairs at risk: only those of the institutions the user coordinates (a coordinator
        # of one institution may be a mentor in another).
        at_risk = [(p, r) for p, r in at_risk if permissions.coordinates(self.user, p)]
        return {
            "at_risk": [
                (pair, [services.RISK_LABELS[reason] for reason in reasons])
                for pair, reasons in at_risk[:PANEL_LIMIT]
            ],
            "at_risk_count": len(at_risk),
            "reminders": reminders[:PANEL_LIMIT],
            "reminders_count": len(reminders),
            "today": self.today,
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["at_risk"] and not context["reminders"]:
            return ""
        return get_template(self.template_name).render(context)
