"""Admin viewsets of the competency frameworks (managed by the tutoring coordination)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from tutoria_cms.core.display import ReadableInspectMixin
from tutoria_cms.core.forms import CleanTextViewSetMixin
from tutoria_cms.core.views import ProtectedDeleteView

from .models import CompetencyFramework, Dimension


class ReadableInspectView(ReadableInspectMixin, InspectView):
    pass


class CompetencyFrameworkViewSet(CleanTextViewSetMixin, ModelViewSet):
    model = CompetencyFramework
    icon = "list-ul"
    menu_label = _("Frameworks")
    add_to_admin_menu = False
    list_display = ["code", Column("name", label=_("Name"), accessor="name")]
    search_fields = ["code", "name_es", "name_pt_br", "name_en"]
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    # Frameworks and dimensions that tutors have assessed themselves against are protected.
    delete_view_class = ProtectedDeleteView
    url_prefix = "tutors/frameworks"
    name = "tutoria_competency_frameworks"


class DimensionViewSet(CleanTextViewSetMixin, ModelViewSet):
    """Each dimension with its competencies inline (inline panels cannot be nested, so the
    framework form holds the dimensions and this one the competencies of a dimension)."""

    model = Dimension
    icon = "list-ol"
    menu_label = _("Dimensions and competencies")
    add_to_admin_menu = False
    list_display = [
        Column("name", label=_("Name"), accessor="name"),
        "code",
        Column("framework", label=_("Framework"), accessor="framework"),
    ]
    list_filter = ["framework"]
    search_fields = ["code", "name_es", "name_pt_br", "name_en"]
    delete_view_class = ProtectedDeleteView
    url_prefix = "tutors/dimensions"
    name = "tutoria_competency_dimensions"


class CompetencyFrameworkGroup(ViewSetGroup):
    menu_label = _("Competency frameworks")
    menu_icon = "list-ul"
    menu_order = 310
    items = (CompetencyFrameworkViewSet, DimensionViewSet)
