"""Viewsets for group tutoring, end-of-term reports and individual classes."""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from ..core.forms import CleanTextViewSetMixin
from ..core.views import ProtectedDeleteView
from ..core.viewsets import ReadOnlyViewSetMixin, ScopedPermissionPolicy
from . import permissions
from .admin_views import (
    DesignateTutorView,
    EditReportView,
    GroupSessionView,
    PrepareReportView,
    ReviewReportView,
)
from .models import IndividualClass, ReportStatus, StudentGroup, TermReport


class GroupPermissionPolicy(ScopedPermissionPolicy):
    """Groups: viewing as any scoped model; coordinators holding the model permission also
    add, change and delete them in the admin."""

    def may_write(self, user, action):
        return (
            action in ("add", "change", "delete")
            and permissions.is_coordinator(user)
            and self.has_model_permission(user, action)
        )


class ScopedIndexView(IndexView):
    scope = None

    def get_base_queryset(self):
        return type(self).scope(self.request.user)


class GroupIndexView(ScopedIndexView):
    scope = staticmethod(permissions.visible_groups)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.tutor_id == self.request.user.pk:
            buttons.append(
                ActionMenuItem(
                    _("Record a group session"),
                    url=reverse("tutoria_groups:session", args=[instance.pk]),
                    icon_name="date",
                    priority=40,
                )
            )
            if instance.term_id:
                buttons.append(
                    ActionMenuItem(
                        _("End-of-term report"),
                        url=reverse("tutoria_reports:prepare", args=["group", instance.pk]),
                        icon_name="doc-full",
                        priority=50,
                    )
                )
        return buttons


class StudentGroupViewSet(CleanTextViewSetMixin, ModelViewSet):
    model = StudentGroup
    name = "tutoria_groups"
    icon = "group"
    menu_label = _("Group tutoring")
    add_to_admin_menu = False
    index_view_class = GroupIndexView
    copy_view_enabled = False
    delete_view_class = ProtectedDeleteView
    form_fields = ["code", "name", "term", "programme", "tutor", "members"]
    list_display = ["code", "name", "term", "tutor"]
    list_filter = ["term"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/session/", GroupSessionView.as_view(), name="session"),
        ]


class ReportInspectView(InspectView):
    template_name = "tutoria_cms/requests/admin/report_inspect.html"

    def get_object(self, queryset=None):
        # The policy's "view" is model-wide (any report of one's own opens the viewset): the
        # report itself must be one the user may see, or it does not exist for them.
        return get_object_or_404(permissions.visible_reports(self.request.user), pk=self.pk)

    @property
    def header_more_buttons(self):
        user, report = self.request.user, self.object
        buttons = []
        if report.tutor_id == user.pk and not report.is_locked:
            buttons.append(
                Button(
                    _("Edit the report"),
                    url=reverse("tutoria_reports:edit_report", args=[report.pk]),
                    icon_name="edit",
                    priority=10,
                )
            )
        if permissions.is_coordinator(user) and report.status == ReportStatus.SUBMITTED:
            buttons.append(
                Button(
                    _("Review the report"),
                    url=reverse("tutoria_reports:review", args=[report.pk]),
                    icon_name="check",
                    priority=20,
                )
            )
        return buttons


class TermReportViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = TermReport
    name = "tutoria_reports"
    icon = "doc-full"
    menu_label = _("End-of-term reports")
    add_to_admin_menu = False
    index_view_class = type(
        "ReportIndexView",
        (ScopedIndexView,),
        {"scope": staticmethod(permissions.visible_reports)},
    )
    inspect_view_class = ReportInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        Column("title", label=_("Report"), accessor="__str__"),
        "tutor",
        Column("status", label=_("Status"), accessor="get_status_display"),
    ]
    list_filter = ["term", "status"]
    inspect_view_fields = [
        "term",
        "tutor",
        "request",
        "group",
        "progress",
        "difficulties",
        "recommendation",
        "outcome",
        "status",
        "coordinator_comment",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]

    routed_views = frozenset({"index", "index_results", "inspect", "history", "history_results"})

    def get_action_urlpatterns(self):
        return [
            path("<int:pk>/edit-report/", EditReportView.as_view(), name="edit_report"),
            path("<int:pk>/review/", ReviewReportView.as_view(), name="review"),
            path("prepare/<str:kind>/<int:pk>/", PrepareReportView.as_view(), name="prepare"),
        ]


class ClassIndexView(ScopedIndexView):
    scope = staticmethod(permissions.visible_classes)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("term", "component", "tutor")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if permissions.is_coordinator(self.request.user):
            buttons.append(
                ActionMenuItem(
                    _("Designate the tutor"),
                    url=reverse("tutoria_classes:designate", args=[instance.pk]),
                    icon_name="user",
                    priority=40,
                )
            )
        return buttons


class IndividualClassViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = IndividualClass
    name = "tutoria_classes"
    icon = "user"
    menu_label = _("Individual classes")
    add_to_admin_menu = False
    index_view_class = ClassIndexView
    copy_view_enabled = False
    list_display = [
        Column("title", label=_("Class"), accessor="__str__"),
        "tutor",
        Column("in_person_hours", label=_("In-person hours (30%)"), accessor="in_person_hours"),
    ]
    list_filter = ["term"]

    routed_views = frozenset({"index", "index_results"})

    def get_action_urlpatterns(self):
        return [
            path("<int:pk>/designate/", DesignateTutorView.as_view(), name="designate"),
        ]


class TutoringWorkViewSetGroup(ViewSetGroup):
    menu_label = _("Tutoring work")
    menu_icon = "clipboard-list"
    menu_order = 251
    items = (StudentGroupViewSet, TermReportViewSet, IndividualClassViewSet)
