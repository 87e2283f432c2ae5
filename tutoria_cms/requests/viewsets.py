"""The request workflow in the admin: a read-only snippet listing and inspect view whose
changes all go through actions (transitions, tutor assignment, confidential details)."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.widgets import Button
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView
from wagtail.snippets.views.snippets import HistoryView as SnippetHistoryView
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.snippets.views.snippets import UsageView as SnippetUsageView

from ..core import institutions
from ..core.display import LocalDateColumn, ReadableColumn, ReadableInspectMixin
from ..core.history import field_changes
from ..core.viewsets import ReadOnlyViewSetMixin, ScopedPermissionPolicy, scoped_views
from . import dashboard, deadlines, permissions, services
from .forms import NewRequestForm
from .models import Notification, RequestKind, RequestState, SensitiveRead, TutoringRequest
from .views import (
    AssignTutorView,
    DecisionLetterView,
    DisclosureView,
    PrintLetterView,
    RecordSessionView,
    ReferView,
    TransitionView,
    UpdateReferralView,
)


def opens_request_listing(user):
    """Opens the request listing even when it is empty (``visible_requests`` decides rows)."""
    return (
        user.is_superuser
        or permissions.is_coordinator(user)
        or permissions.is_board(user)
        or permissions.is_orientation(user)
    )


class RequestPermissionPolicy(ScopedPermissionPolicy):
    """Viewing follows permissions.py; requests change only through actions, except that
    coordination records new ones ("add")."""

    def __init__(self, model=TutoringRequest):
        super().__init__(model, permissions.visible_requests, viewers=opens_request_listing)

    def may_write(self, user, action):
        return action == "add" and permissions.is_coordinator(user)


class RequestFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=RequestState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RequestKind.choices)
    # The filters the home page's work queue links to (dashboard.py counts the same rows).
    open = django_filters.ChoiceFilter(
        label=_("Open or finished"), choices=dashboard.OPEN_CHOICES, method="filter_open"
    )
    attention = django_filters.ChoiceFilter(
        label=_("Needs attention"),
        choices=dashboard.ATTENTION_CHOICES,
        method="filter_attention",
    )
    referral = django_filters.ChoiceFilter(
        label=_("Referral"), choices=dashboard.REFERRAL_CHOICES, method="filter_referral"
    )

    def filter_open(self, queryset, name, value):
        return queryset.filter(dashboard.open_condition(value)) if value else queryset

    def filter_attention(self, queryset, name, value):
        return queryset.filter(dashboard.attention_condition(value)) if value else queryset

    def filter_referral(self, queryset, name, value):
        return queryset.filter(dashboard.referral_condition(value)) if value else queryset

    class Meta:
        model = TutoringRequest
        fields = ["state", "kind", "term", "programme", "assigned_tutor"]


class RequestIndexView(IndexView):
    def get_base_queryset(self):
        return permissions.visible_requests(
            self.request.user,
            TutoringRequest.objects.select_related("student", "term", "assigned_tutor"),
        )


def action_url(tutoring_request, action):
    return reverse("tutoria_requests:transition", args=[tutoring_request.pk, action])


class RequestInspectView(ReadableInspectMixin, InspectView):
    template_name = "tutoria_cms/requests/admin/inspect.html"

    def get_object(self, queryset=None):
        visible = permissions.visible_requests(self.request.user).select_related(
            "student", "term", "component", "assigned_tutor", "decided_by"
        )
        try:
            return visible.get(pk=self.pk)
        except TutoringRequest.DoesNotExist:
            raise Http404 from None

    def get_language_display_value(self):
        code = self.object.language
        try:
            return translation.get_language_info(code)["name_translated"]
        except KeyError:
            return code or "—"

    def get_due_on_display_value(self):
        """ "Due on …" or "Overdue by N days (due on …)" (the service levels, deadlines.py)."""
        return deadlines.due_text(self.object.due_on) or "—"

    def get_rule_set_display_value(self):
        from .eligibility import get_rule_set

        identifier = self.object.rule_set
        if not identifier:
            return "—"
        try:
            return str(get_rule_set(identifier))
        except LookupError:  # an identifier no longer registered: show it as stored
            return identifier

    @property
    def header_more_buttons(self):
        user = self.request.user
        buttons = [
            Button(
                services.TRANSITIONS[name].label,
                url=action_url(self.object, name),
                icon_name="arrow-right",
                priority=10 + index,
            )
            for index, name in enumerate(permissions.available_actions(user, self.object))
        ]
        if self.object.is_open and permissions.can_transition(user, self.object, "assign_tutor"):
            buttons.append(
                Button(
                    _("Assign tutor"),
                    url=reverse("tutoria_requests:assign", args=[self.object.pk]),
                    icon_name="user",
                    priority=50,
                )
            )
        if permissions.can_read_disclosure(user, self.object):
            buttons.append(
                Button(
                    _("Confidential details"),
                    url=reverse("tutoria_requests:disclosure", args=[self.object.pk]),
                    icon_name="lock",
                    priority=60,
                )
            )
        if permissions.can_record_work(user, self.object):
            buttons += [
                Button(
                    _("Record a session"),
                    url=reverse("tutoria_requests:record_session", args=[self.object.pk]),
                    icon_name="date",
                    priority=70,
                ),
                Button(
                    _("Refer to a service"),
                    url=reverse("tutoria_requests:refer", args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=80,
                ),
            ]
        # The individual class it belongs to, for who sees that class (its tutor among them).
        for individual_class in (
            permissions.visible_classes(user).filter(requests=self.object).order_by("pk")
        ):
            buttons.append(
                Button(
                    _("Individual class"),
                    url=reverse("tutoria_classes:inspect", args=[individual_class.pk]),
                    icon_name="user",
                    priority=85,
                )
            )
        if self.object.term_id and permissions.is_assigned_tutor(user, self.object):
            buttons.append(
                Button(
                    _("End-of-term report"),
                    url=reverse("tutoria_reports:prepare", args=["request", self.object.pk]),
                    icon_name="doc-full",
                    priority=90,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tutoring_request = self.object
        context["verdict"] = tutoring_request.verdict
        if (
            tutoring_request.is_open
            and tutoring_request.assigned_tutor
            and not tutoring_request.assigned_tutor.is_active
        ):
            # Its records stay; coordination reassigns it (or closes it).
            context["inactive_tutor_message"] = services.INACTIVE_TUTOR
        context["request_history"] = history_rows(tutoring_request)
        context["can_read_disclosure"] = permissions.can_read_disclosure(user, tutoring_request)
        context["sessions"] = list(tutoring_request.sessions.all())
        context["referrals"] = list(tutoring_request.referrals.select_related("service"))
        for referral in context["referrals"]:
            referral.due_text = deadlines.due_text(referral.due_on)
        context["notifications"] = list(tutoring_request.notifications.order_by("created_at"))
        context["undelivered"] = Notification.UNDELIVERED
        context["may_send_letters"] = institutions.holds(
            user, permissions.MANAGE, tutoring_request.site_id
        )
        if context["can_read_disclosure"]:
            read = [SensitiveRead.What.DISCLOSURE]
            if any(session.private_notes for session in context["sessions"]):
                read.append(SensitiveRead.What.SESSION_NOTES)
            if context["referrals"]:
                read.append(SensitiveRead.What.REFERRALS)
            services.log_sensitive_read(user, tutoring_request, *read)
            context["disclosure"] = getattr(tutoring_request, "disclosure", None)
        return context


def history_action(code):
    """The translated name of a history row's action code (``create``, ``submit``...), or
    None when the row's change reason is a text (a reason given with the action)."""
    if code == "create":
        return _("Request created")
    if code == "assign_tutor":
        return _("Tutor assigned")
    spec = services.TRANSITIONS.get(code)
    return capfirst(spec.past) if spec else None


def _transition_to(previous_state, state):
    """The transition from ``previous_state`` to ``state``, or None."""
    for spec in services.TRANSITIONS.values():
        if spec.target == state and previous_state in spec.sources:
            return spec
    return None


def history_rows(tutoring_request):
    """Each history row with the names of the fields it changed (never field values).

    Each row also gets ``action_label`` (the action, translated) and ``reason_text`` (the
    reason given with it, if any): the change reason holds either an action code or a
    reason, and a row whose state changed names its transition either way."""
    rows = []
    for diff in field_changes(tutoring_request.history.select_related("history_user")):
        record, previous = diff.record, diff.previous
        changed = [] if previous is None else [str(change.label) for change in diff.changes]
        reason = record.history_change_reason or ""
        label = history_action(reason)
        record.reason_text = "" if label else reason
        if label is None and previous is not None and previous.state != record.state:
            spec = _transition_to(previous.state, record.state)
            label = capfirst(spec.past) if spec else None
        if label is None and previous is None:
            label = _("Request created")
        record.action_label = label or ""
        rows.append((record, changed))
    return rows


class RequestCreateView(SnippetCreateView):
    """Wagtail's snippet create view (its template renders the snippet action menu, the Save
    button: Wagtail's generic create view gives that template no menu, so no button)."""

    def get_form_class(self):
        return NewRequestForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "request": self.request,
        }

    def get_edit_url(self):
        return reverse("tutoria_requests:inspect", args=[self.object.pk])

    def get_success_url(self):
        return self.get_edit_url()

    def save_instance(self):
        data = dict(self.form.cleaned_data)
        return services.create_request(user=self.request.user, **data)


# The chooser (the widget of every foreign key to a request, e.g. a mentoring participant's
# request) ---------------------------------------------------------------------------------------


class VisibleRequestsMixin:
    """Wagtail's snippet chooser lists and returns every row to any admin user: here, only
    to users who may see requests, and only the requests they may see (permissions.py)."""

    def dispatch(self, request, *args, **kwargs):
        if not RequestPermissionPolicy(TutoringRequest).user_has_permission(request.user, "view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def visible_requests(self):
        return permissions.visible_requests(self.request.user)

    def can_create(self):
        return False  # requests are created from the "add" view, through services


class RequestChooseView(VisibleRequestsMixin, chooser.ChooseView):
    def get_object_list(self):
        return self.visible_requests()


class RequestChooseResultsView(VisibleRequestsMixin, chooser.ChooseResultsView):
    def get_object_list(self):
        return self.visible_requests()


class RequestChosenView(VisibleRequestsMixin, chooser.SnippetChosenView):
    def get_object(self, pk):
        try:
            return self.visible_requests().get(pk=int(pk))
        except ValueError:
            raise Http404 from None


class RequestChosenMultipleView(VisibleRequestsMixin, chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        try:
            wanted = {int(pk) for pk in pks}
        except ValueError:
            raise Http404 from None
        found = list(self.visible_requests().filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise Http404  # one of them is not there, or not for this user
        return found


class RequestChooserCreateView(VisibleRequestsMixin, chooser.SnippetCreateView):
    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class RequestChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = RequestChooseView
    choose_results_view_class = RequestChooseResultsView
    chosen_view_class = RequestChosenView
    chosen_multiple_view_class = RequestChosenMultipleView
    create_view_class = RequestChooserCreateView


class RequestDeleteBulkAction(DeleteBulkAction):
    """Replaces Wagtail's bulk deletion of snippets for requests: that confirmation page lists
    the requests of any ``id`` to any admin user (as ones they may not delete). Nobody
    deletes requests (they change only through actions), so it is refused outright."""

    models = [TutoringRequest]

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


_scoped = scoped_views(
    lambda queryset, user: institutions.scope(queryset, user),
    history=SnippetHistoryView,
    usage=SnippetUsageView,
)


class TutoringRequestViewSet(ReadOnlyViewSetMixin, SnippetViewSet):
    model = TutoringRequest
    icon = "clipboard-list"
    menu_label = _("Tutoring requests")
    admin_url_namespace = "tutoria_requests"
    base_url_path = "tutoria/requests"
    add_to_admin_menu = True
    menu_order = 250
    index_view_class = RequestIndexView
    inspect_view_class = RequestInspectView
    add_view_class = RequestCreateView
    # Another institution's request has no history or usage here (it is not found).
    history_view_class = _scoped["history"]
    usage_view_class = _scoped["usage"]
    chooser_viewset_class = RequestChooserViewSet
    inspect_view_enabled = True
    # The verdict is shown as its table below the fields, not as a value.
    inspect_view_fields_exclude = ["verdict"]
    copy_view_enabled = False
    filterset_class = RequestFilterSet
    list_display = [
        # No edit view: the title opens the inspect view, where the actions are.
        TitleColumn(
            "title",
            label=_("Request"),
            accessor="get_list_title",
            get_url=lambda request: reverse("tutoria_requests:inspect", args=[request.pk]),
        ),
        ReadableColumn("student", label=_("Student"), accessor="student"),
        Column("state", label=_("State"), accessor="get_state_display"),
        ReadableColumn("term", label=_("Term"), accessor="term"),
        ReadableColumn("assigned_tutor", label=_("Tutor"), accessor="assigned_tutor"),
        LocalDateColumn("submitted_at", label=_("Submitted")),
    ]
    ordering = ["-created_at"]

    # Requests are created through Wagtail's add view (its form calls the service); every
    # other change goes through the action views below.
    routed_views = frozenset(
        {"list", "list_results", "add", "inspect", "history", "history_results", "usage"}
    )
    write_views = ("edit", "delete", "copy")

    def get_action_urlpatterns(self):
        return [
            path("<int:pk>/action/<str:action>/", TransitionView.as_view(), name="transition"),
            path("<int:pk>/assign/", AssignTutorView.as_view(), name="assign"),
            path("<int:pk>/letter/", DecisionLetterView.as_view(), name="letter"),
            path("<int:pk>/letter/print/", PrintLetterView.as_view(), name="print_letter"),
            path("<int:pk>/confidential/", DisclosureView.as_view(), name="disclosure"),
            path("<int:pk>/sessions/new/", RecordSessionView.as_view(), name="record_session"),
            path("<int:pk>/referrals/new/", ReferView.as_view(), name="refer"),
            path(
                "<int:pk>/referrals/<int:referral_id>/",
                UpdateReferralView.as_view(),
                name="update_referral",
            ),
        ]
