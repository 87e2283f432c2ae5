"""Settings › Curricular components: the components the academic import brought in, read only,
with the history of their equivalences (who made two components equivalent, or undid it, and
when), for coordination of the components' institution."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import history
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from tutoria_cms.core import institutions
from tutoria_cms.core.display import ReadableColumn, ReadableInspectMixin
from tutoria_cms.core.history import HistoryEntry, m2m_changes
from tutoria_cms.core.viewsets import ReadOnlyViewSetMixin, RecordHistoryMixin, scoped_views

from .models import CurricularComponent

VIEW_COMPONENTS = "tutoria_academics.view_curricularcomponent"


def visible_components(queryset, user):
    """The components of the institutions where ``user`` may view them (another
    institution's are not found)."""
    return institutions.scope(queryset, user, VIEW_COMPONENTS)


def equivalence_history(component):
    """Who changed the component's equivalents, and when, newest first (simple-history's
    many-to-many snapshots). Two queries whatever the number of changes."""
    records = list(
        CurricularComponent.history.filter(id=component.pk).select_related("history_user")
    )
    by_id = {record.history_id: record for record in records}
    entries = [
        HistoryEntry(
            by_id[history_id].history_date,
            by_id[history_id].history_user,
            _("Equivalent components"),
            change,
        )
        for history_id, change in m2m_changes(CurricularComponent, "equivalents", records).items()
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


_views = scoped_views(visible_components, index=IndexView, history=history.HistoryView)


class ComponentInspectView(ReadableInspectMixin, InspectView):
    def get_object(self, queryset=None):
        components = visible_components(CurricularComponent.objects.all(), self.request.user)
        return get_object_or_404(components, pk=self.pk)

    @property
    def header_more_buttons(self):
        # Wagtail's inspect view links no history: the equivalences' history is reached here.
        return [
            *super().header_more_buttons,
            Button(
                _("History"),
                url=reverse("tutoria_curricular_components:history", args=[self.object.pk]),
                icon_name="history",
                priority=50,
            ),
        ]


class ComponentHistoryView(RecordHistoryMixin, _views["history"]):
    """Wagtail's log (empty: components change only through the import) and the history of
    the component's equivalences."""

    # Components change only through the import (no write right): reading the history takes
    # "view"; the scope decides which components.
    any_permission_required = None
    permission_required = "view"
    record_history_title = _("Equivalent components")

    def record_history(self, obj):
        return equivalence_history(obj)


class CurricularComponentViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = CurricularComponent
    name = "tutoria_curricular_components"
    url_prefix = "tutoria/curricular-components"
    icon = "list-ul"
    menu_label = _("Curricular components")
    add_to_settings_menu = True
    menu_order = 910
    index_view_class = _views["index"]
    inspect_view_class = ComponentInspectView
    inspect_view_enabled = True
    history_view_class = ComponentHistoryView
    history_template_name = RecordHistoryMixin.history_template
    routed_views = frozenset({"index", "index_results", "inspect", "history", "history_results"})
    copy_view_enabled = False
    list_display = [
        "code",
        "name",
        "hours",
        ReadableColumn("mandatory", label=_("Mandatory")),
    ]
    list_filter = ["mandatory", "is_activity"]
    search_fields = ["code", "name"]
    inspect_view_fields = [
        "site",
        "code",
        "name",
        "hours",
        "mandatory",
        "is_activity",
        "equivalents",
    ]
