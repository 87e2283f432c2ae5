"""Viewsets for group tutoring, end-of-term reports and individual classes."""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from ..core import institutions
from ..core.display import LocalDateColumn, ReadableColumn, ReadableInspectMixin
from ..core.forms import CleanTextViewSetMixin
from ..core.views import ProtectedDeleteView
from ..core.viewsets import (
    ReadOnlyViewSetMixin,
    RecordHistoryMixin,
    ScopedPermissionPolicy,
    scoped_views,
)
from . import permissions
from .admin_views import (
    ClassSessionView,
    DeleteClassSessionView,
    DesignateTutorView,
    EditClassSessionView,
    EditReportView,
    GroupSessionView,
    PrepareReportView,
    ReviewReportView,
)
from .forms import tutor_label
from .models import (
    ClassSession,
    IndividualClass,
    ReferralStatus,
    ReportStatus,
    StudentGroup,
    TermReport,
    TutoringRequest,
    WorkPlanRecord,
)


class GroupPermissionPolicy(ScopedPermissionPolicy):
    """Groups: viewing as any scoped model; coordinators holding the model permission also
    add, change and delete them in the admin."""

    def may_write(self, user, action):
        return (
            action in ("add", "change", "delete")
            and permissions.is_coordinator(user)
            and self.has_model_permission(user, action)
        )

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete"):
            return self.may_write(user, action) and permissions.coordinates(user, instance)
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_permission_for(self, user, action):
        if action in ("change", "delete"):
            if not self.may_write(user, action):
                return self.model.objects.none()
            return institutions.scope(self.model.objects.all(), user, permissions.MANAGE)
        return super().instances_user_has_permission_for(user, action)


class ScopedIndexView(IndexView):
    scope = None

    def get_base_queryset(self):
        return type(self).scope(self.request.user)

    @cached_property
    def columns(self):
        """The first column is each row's title: a link to the record's page (when it has
        one) carrying the row's "More options" menu. Wagtail builds such a column only from
        a field name, not from a ``Column`` of ``list_display``; without it the row's
        actions (designate the tutor...) and its page would be out of reach."""
        columns = list(super().columns)
        first = columns[0]
        if not isinstance(first, TitleColumn):
            title_column = self._get_title_column_class(TitleColumn)
            columns[0] = title_column(
                first.name,
                label=first.label,
                accessor=first.accessor,
                get_url=lambda instance: (
                    self.get_edit_url(instance) or self.get_inspect_url(instance)
                ),
            )
        return columns


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


class GroupFormMixin:
    """A group's form: the institution (chosen only by a person who coordinates in several;
    never changed afterwards), programme pages and tutors of the user's institutions."""

    def get_form(self, form_class=None):
        from django.contrib.auth import get_user_model

        from .forms import programme_pages

        form = super().get_form(form_class)
        user = self.request.user
        sites = list(institutions.sites_for(user, permissions.MANAGE).select_related("root_page"))
        creating = isinstance(self, CreateView)
        if "site" in form.fields:
            if creating and len(sites) > 1:
                form.fields["site"].queryset = institutions.sites_for(user, permissions.MANAGE)
                form.fields["site"].label_from_instance = institutions.institution_name
            else:
                del form.fields["site"]
                if creating and form.instance.site_id is None:
                    site = institutions.institution_for_new(user, permissions.MANAGE, self.request)
                    form.instance.site = site or (sites[0] if sites else None)
        chosen = sites if creating else [form.instance.site]
        if "programme" in form.fields:
            form.fields["programme"].queryset = programme_pages(chosen)
        # The term and the members are records of the same institutions.
        for name in ("term", "members"):
            if name in form.fields:
                field = form.fields[name]
                field.queryset = field.queryset.filter(site__in=[s.pk for s in chosen])
        if "tutor" in form.fields:
            form.fields["tutor"].queryset = (
                get_user_model()
                .objects.filter(
                    is_active=True, tutoria_memberships__site__in=[s.pk for s in chosen]
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
            # By name, with the username (as the request's tutor field).
            form.fields["tutor"].label_from_instance = tutor_label
        return form


class GroupCreateView(GroupFormMixin, CreateView):
    pass


class CoordinatedGroupsMixin:
    """Another institution's group is not found (404)."""

    def get_queryset(self):
        return institutions.scope(StudentGroup.objects.all(), self.request.user, permissions.MANAGE)


class GroupEditView(CoordinatedGroupsMixin, GroupFormMixin, EditView):
    pass


class GroupDeleteView(CoordinatedGroupsMixin, ProtectedDeleteView):
    pass


_group_views = scoped_views(
    lambda queryset, user: institutions.scope(queryset, user, permissions.MANAGE),
    history=history.HistoryView,
    usage=usage.UsageView,
)


class GroupHistoryView(RecordHistoryMixin, _group_views["history"]):
    """Who changed the group's members and its sessions' attendance, and when."""

    record_history_title = _("Members and attendance")

    def record_history(self, obj):
        from .history import group_membership_history

        return group_membership_history(obj)


class StudentGroupViewSet(CleanTextViewSetMixin, ModelViewSet):
    model = StudentGroup
    name = "tutoria_groups"
    icon = "group"
    menu_label = _("Group tutoring")
    add_to_admin_menu = False
    index_view_class = GroupIndexView
    copy_view_enabled = False
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
    # Another institution's group has no history or usage here (it is not found).
    history_view_class = GroupHistoryView
    history_template_name = RecordHistoryMixin.history_template
    usage_view_class = _group_views["usage"]
    form_fields = ["site", "code", "name", "term", "programme", "tutor", "members"]
    list_display = ["code", "name", "term", "tutor"]
    list_filter = ["term"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/session/", GroupSessionView.as_view(), name="session"),
        ]


class ReportInspectView(ReadableInspectMixin, InspectView):
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
        if permissions.coordinates(user, report) and report.status == ReportStatus.SUBMITTED:
            buttons.append(
                Button(
                    _("Review the report"),
                    url=reverse("tutoria_reports:review", args=[report.pk]),
                    icon_name="check",
                    priority=20,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(ReferralStatus.choices)
        counts = (self.object.summary or {}).get("referrals") or {}
        context["referral_counts"] = [
            (labels.get(status, status), count) for status, count in counts.items()
        ]
        return context


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
        ReadableColumn("tutor", label=_("Tutor"), accessor="tutor"),
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
        # The sessions of the page's rows in one query (the in-person share of each row).
        return (
            super()
            .get_base_queryset()
            .select_related("site", "term", "component", "tutor")
            .prefetch_related(
                Prefetch(
                    "sessions",
                    queryset=ClassSession.objects.only(
                        "pk", "individual_class_id", "modality", "duration_minutes"
                    ),
                )
            )
        )

    def paginate_queryset(self, queryset, page_size):
        """The rule set of each site read once for the page (not twice per row)."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        object_list = IndividualClass.with_rule_sets(list(object_list))
        return paginator, page, object_list, is_paginated

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if permissions.can_record_class_sessions(self.request.user, instance):
            buttons.append(
                ActionMenuItem(
                    _("Record a class session"),
                    url=reverse("tutoria_classes:session", args=[instance.pk]),
                    icon_name="date",
                    priority=30,
                )
            )
        if permissions.coordinates(self.request.user, instance):
            buttons.append(
                ActionMenuItem(
                    _("Designate the tutor"),
                    url=reverse("tutoria_classes:designate", args=[instance.pk]),
                    icon_name="user",
                    priority=40,
                )
            )
        return buttons


class ClassInspectView(ReadableInspectMixin, InspectView):
    """The class page: its tutor, requests and sessions, and where it stands with the rule
    set's in-person share (with a warning before the share is lost)."""

    template_name = "tutoria_cms/requests/admin/class_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            permissions.visible_classes(self.request.user).select_related(
                "site", "term", "component", "tutor"
            ),
            pk=self.pk,
        )

    def get_requests_display_value(self):
        """The class's requests, each a link to its page for who may open it (the class
        tutor, read only; coordination; the board)."""
        requests = list(self.object.requests.order_by("pk"))
        if not requests:
            return "—"
        visible = set(
            permissions.visible_requests(
                self.request.user, TutoringRequest.objects.filter(pk__in=[r.pk for r in requests])
            ).values_list("pk", flat=True)
        )
        items = [
            format_html(
                '<li><a href="{}">{}</a></li>',
                reverse("tutoria_requests:inspect", args=[request.pk]),
                request.get_list_title(),
            )
            if request.pk in visible
            else format_html("<li>{}</li>", request.get_list_title())
            for request in requests
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((item,) for item in items)))

    @property
    def header_more_buttons(self):
        user, individual_class = self.request.user, self.object
        buttons = []
        if permissions.can_record_class_sessions(user, individual_class):
            buttons.append(
                Button(
                    _("Record a class session"),
                    url=reverse("tutoria_classes:session", args=[individual_class.pk]),
                    icon_name="date",
                    priority=10,
                )
            )
        if permissions.coordinates(user, individual_class):
            buttons.append(
                Button(
                    _("Designate the tutor"),
                    url=reverse("tutoria_classes:designate", args=[individual_class.pk]),
                    icon_name="user",
                    priority=20,
                )
            )
            buttons.append(
                Button(
                    _("History"),
                    url=reverse("tutoria_classes:history", args=[individual_class.pk]),
                    icon_name="history",
                    priority=30,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["share"] = self.object.in_person_share
        context["class_sessions"] = self.object.sessions.all()
        # Corrected or deleted by who records them, while the class is open.
        context["may_change_sessions"] = (
            permissions.can_record_class_sessions(self.request.user, self.object)
            and self.object.has_started
        )
        context["work_plan"] = (
            WorkPlanRecord.objects.filter(
                site_id=self.object.site_id,
                tutor_id=self.object.tutor_id,
                term_id=self.object.term_id,
            ).first()
            if self.object.tutor_id
            else None
        )
        return context


_class_views = scoped_views(
    lambda queryset, user: institutions.scope(queryset, user, permissions.MANAGE),
    history=history.HistoryView,
)


class ClassHistoryView(RecordHistoryMixin, _class_views["history"]):
    """Who designated the class's tutor, which requests joined it and who recorded, corrected
    or deleted its sessions, and when: coordination of the class's institution."""

    # Classes change only through their services (no write right): reading the history takes
    # "view"; the scope (coordination of the class's institution) decides which classes.
    any_permission_required = None
    permission_required = "view"
    record_history_title = _("Tutor, requests and sessions")

    def record_history(self, obj):
        from .history import class_history

        return class_history(obj)


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
        ReadableColumn("tutor", label=_("Tutor"), accessor="tutor"),
        # The share is the rule set's (UFOPA: 30%), shown with the hours.
        Column("in_person_hours", label=_("In-person hours"), accessor="in_person_hours_display"),
        # The in-person hours recorded against them, with the warning when at risk.
        Column("in_person_share", label=_("In-person share"), accessor="in_person_share_summary"),
    ]
    list_filter = ["term"]
    inspect_view_class = ClassInspectView
    inspect_view_enabled = True
    inspect_view_fields = ["term", "component", "tutor", "requests"]

    # Another institution's class has no history here (it is not found).
    history_view_class = ClassHistoryView
    history_template_name = RecordHistoryMixin.history_template

    routed_views = frozenset({"index", "index_results", "inspect", "history", "history_results"})

    def get_action_urlpatterns(self):
        return [
            path("<int:pk>/designate/", DesignateTutorView.as_view(), name="designate"),
            path("<int:pk>/session/", ClassSessionView.as_view(), name="session"),
            path("sessions/<int:pk>/edit/", EditClassSessionView.as_view(), name="edit_session"),
            path(
                "sessions/<int:pk>/delete/",
                DeleteClassSessionView.as_view(),
                name="delete_session",
            ),
        ]


class WorkPlanFilterSet(WagtailFilterSet):
    """By term and tutor; the choices are those of the records the user sees (another
    institution's terms and tutors are not offered)."""

    term = django_filters.ModelChoiceFilter(
        label=_("Term"), queryset=lambda request: _plan_terms(request)
    )
    tutor = django_filters.ModelChoiceFilter(
        label=_("Tutor"), queryset=lambda request: _plan_tutors(request)
    )

    class Meta:
        model = WorkPlanRecord
        fields = ["term", "tutor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tutor"].field.label_from_instance = tutor_label


def _plan_terms(request):
    from tutoria_cms.academics.models import Term

    if request is None:
        return Term.objects.none()
    visible = permissions.visible_work_plans(request.user)
    return institutions.scope(Term.objects.all(), request.user).filter(
        pk__in=visible.values("term_id")
    )


def _plan_tutors(request):
    from django.contrib.auth import get_user_model

    if request is None:
        return get_user_model().objects.none()
    visible = permissions.visible_work_plans(request.user)
    return (
        get_user_model()
        .objects.filter(pk__in=visible.values("tutor_id"))
        .order_by("last_name", "first_name", "username")
    )


class WorkPlanIndexView(ScopedIndexView):
    scope = staticmethod(permissions.visible_work_plans)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("site", "term", "tutor")

    @cached_property
    def columns(self):
        # No page of their own: the rows are read here (no title link).
        return list(IndexView.columns.func(self))


class WorkPlanViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """The work plan (PIT) records, read only: kept by ``services.update_work_plan``."""

    model = WorkPlanRecord
    name = "tutoria_work_plans"
    icon = "doc-full-inverse"
    menu_label = _("Work plans (PIT)")
    add_to_admin_menu = False
    index_view_class = WorkPlanIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    filterset_class = WorkPlanFilterSet
    list_display = [
        ReadableColumn("tutor", label=_("Tutor"), accessor="tutor"),
        ReadableColumn("term", label=_("Term"), accessor="term"),
        Column("class_hours", label=_("Individual-class hours credited"), accessor="class_hours"),
        Column("classes_credited", label=_("Classes credited"), accessor="classes_credited"),
        Column("hours_cap", label=_("Cap in hours (rule set)"), accessor="cap_display"),
        LocalDateColumn("updated_at", label=_("Updated at")),
    ]
    ordering = ["-term__starts_on", "tutor__last_name", "tutor__username"]

    routed_views = frozenset({"index", "index_results"})


class TutoringWorkViewSetGroup(ViewSetGroup):
    menu_label = _("Tutoring work")
    menu_icon = "clipboard-list"
    menu_order = 251
    items = (StudentGroupViewSet, TermReportViewSet, IndividualClassViewSet, WorkPlanViewSet)
