"""Admin viewsets: mentoring programmes and participants (coordination), and pairs (listing
filtered by ``permissions``, inspect view with goals, meetings, check-ins and actions)."""

import django_filters
from django.apps import apps
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.models import EditView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser, Button

from tutoria_cms.core.display import ReadableColumn, ReadableInspectMixin
from tutoria_cms.core.forms import CleanTextViewSetMixin
from tutoria_cms.core.models import get_page_model_for
from tutoria_cms.core.views import ProtectedDeleteView
from tutoria_cms.core.viewsets import ReadOnlyViewSetMixin, scoped_views

from . import permissions, services
from .choices import AVAILABILITY_LABELS, MeetingStatus, PairStatus
from .forms import MentoringProgrammeForm, ParticipantForm
from .models import MentoringProgramme, Pair, Participant
from .views import (
    AddGoalView,
    ChangeMentorView,
    CheckInView,
    ClosePairView,
    ConfirmView,
    LogMeetingView,
    RejectView,
    ScheduleMeetingView,
    StepDoneView,
    SuggestionsView,
    suggestions_url,
)


def _managed(queryset, user):
    return permissions.managed(queryset, user)


def _scoped(**view_classes):
    return scoped_views(_managed, **view_classes)


class ProgrammeChoicesMixin:
    """The programme filter offers only the programmes of the user's institutions."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        field = self.filters.get("programme")
        if field is not None and request is not None:
            field.queryset = permissions.managed(MentoringProgramme.objects.all(), request.user)


class PairFilterSet(ProgrammeChoicesMixin, WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PairStatus.choices)

    class Meta:
        model = Pair
        fields = ["status", "programme"]


class PairIndexView(IndexView):
    def get_base_queryset(self):
        return permissions.visible_pairs(
            self.request.user,
            Pair.objects.select_related("programme__page", "mentor__student", "mentee__student"),
        )


def _slots(codes):
    return [AVAILABILITY_LABELS.get(code, code) for code in codes or ()]


def _risk_reasons(pair):
    """The reasons ``pair`` is at risk (scoring this pair only), or None."""
    if not pair.is_confirmed:
        return None
    at_risk = services.pairs_at_risk(pairs=Pair.objects.filter(pk=pair.pk))
    return at_risk[0][1] if at_risk else None


class PairInspectView(ReadableInspectMixin, InspectView):
    template_name = "tutoria_cms/mentoring/admin/pair_inspect.html"

    def get_object(self, queryset=None):
        visible = permissions.visible_pairs(self.request.user).select_related(
            "programme__page",
            "mentor__student",
            "mentee__student",
            "confirmed_by",
            "closed_by",
            "rematched_from",
        )
        try:
            return visible.get(pk=self.pk)
        except Pair.DoesNotExist:
            raise Http404 from None

    def url(self, name, *args):
        return reverse(f"tutoria_mentoring_pairs:{name}", args=[self.object.pk, *args])

    @property
    def header_more_buttons(self):
        user, pair = self.request.user, self.object
        buttons = []
        if permissions.can_work_on(user, pair):
            buttons += [
                Button(
                    _("Add a SMART goal"), url=self.url("add_goal"), icon_name="pick", priority=10
                ),
                Button(
                    _("Log a meeting"), url=self.url("log_meeting"), icon_name="date", priority=20
                ),
                Button(
                    _("Schedule a meeting"),
                    url=self.url("schedule_meeting"),
                    icon_name="calendar",
                    priority=30,
                ),
            ]
        if permissions.check_in_roles(user, pair):
            buttons.append(
                Button(
                    _("Check in on progress"),
                    url=self.url("check_in"),
                    icon_name="list-ul",
                    priority=40,
                )
            )
        if permissions.can_close(user, pair):
            buttons.append(
                Button(_("Close the pair"), url=self.url("close"), icon_name="tick", priority=50)
            )
        if permissions.can_manage(user, pair) and pair.status in (
            PairStatus.SUGGESTED,
            PairStatus.CONFIRMED,
        ):
            label = _("Rematch") if pair.is_confirmed else _("Choose another mentor")
            buttons.append(
                Button(label, url=self.url("change_mentor"), icon_name="user", priority=60)
            )
        return buttons

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, pair = self.request.user, self.object
        can_work = permissions.can_work_on(user, pair)
        goals = list(pair.goals.prefetch_related("steps", "workshops"))
        context.update(
            {
                "pair": pair,
                "personal_data": permissions.can_read_personal_data(user, pair),
                "private_notes": permissions.can_read_private_notes(user, pair),
                "can_work": can_work,
                "goals": goals,
                "meetings": list(pair.meetings.all()),
                "check_ins": list(pair.check_ins.select_related("goal").order_by("-date", "goal")),
                "scheduled": MeetingStatus.SCHEDULED,
                "mentor_slots": _slots(pair.mentor.availability),
                "mentee_slots": _slots(pair.mentee.availability),
                "history": pair.history.select_related("history_user").order_by("history_date"),
                "closing_event": pair.programme.closing_event,
                "at_risk": _risk_reasons(pair),
                "risk_labels": services.RISK_LABELS,
            }
        )
        return context


class PairViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = Pair
    name = "tutoria_mentoring_pairs"
    url_prefix = "mentoring/pairs"
    icon = "group"
    menu_label = _("Mentoring pairs")
    add_to_admin_menu = False
    index_view_class = PairIndexView
    inspect_view_class = PairInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = PairFilterSet
    list_display = [
        TitleColumn(
            "title",
            label=_("Pair"),
            accessor=str,
            get_url=lambda pair: reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk]),
        ),
        Column("programme", label=_("Programme"), accessor="programme"),
        Column("mentor", label=_("Mentor"), accessor="mentor.student.full_name"),
        Column("mentee", label=_("Mentee"), accessor="mentee.student.full_name"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("score", label=_("Score"), accessor="score"),
    ]
    ordering = ["-pk"]

    # Pairs change only through the actions below (no add, edit, delete or history view).
    routed_views = frozenset({"index", "index_results", "inspect"})

    def get_action_urlpatterns(self):
        return [
            path("suggestions/<int:programme_id>/", SuggestionsView.as_view(), name="suggestions"),
            path("<int:pk>/confirm/", ConfirmView.as_view(), name="confirm"),
            path("<int:pk>/reject/", RejectView.as_view(), name="reject"),
            path("<int:pk>/mentor/", ChangeMentorView.as_view(), name="change_mentor"),
            path("<int:pk>/goals/add/", AddGoalView.as_view(), name="add_goal"),
            path("<int:pk>/steps/<int:step_id>/done/", StepDoneView.as_view(), name="step_done"),
            path("<int:pk>/meetings/log/", LogMeetingView.as_view(), name="log_meeting"),
            path(
                "<int:pk>/meetings/<int:meeting_id>/log/",
                LogMeetingView.as_view(),
                name="log_scheduled_meeting",
            ),
            path(
                "<int:pk>/meetings/schedule/",
                ScheduleMeetingView.as_view(),
                name="schedule_meeting",
            ),
            path("<int:pk>/check-in/", CheckInView.as_view(), name="check_in"),
            path("<int:pk>/close/", ClosePairView.as_view(), name="close"),
        ]


def _programme_page_chooser():
    if apps.is_installed("tutoria_cms.programmes"):
        programme_model = get_page_model_for("programme", required=False)
        if programme_model is not None:
            return AdminPageChooser(target_models=[programme_model])
    return AdminPageChooser()


_programme_views = _scoped(
    index=IndexView,
    edit=EditView,
    delete=ProtectedDeleteView,
    history=history.HistoryView,
    usage=usage.UsageView,
)


class MentoringProgrammeViewSet(CleanTextViewSetMixin, ModelViewSet):
    model = MentoringProgramme
    name = "tutoria_mentoring_programmes"
    url_prefix = "mentoring/programmes"
    icon = "cogs"
    menu_label = _("Programme settings")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = _programme_views["index"]
    edit_view_class = _programme_views["edit"]
    delete_view_class = _programme_views["delete"]
    history_view_class = _programme_views["history"]
    usage_view_class = _programme_views["usage"]
    inspect_view_enabled = False
    list_display = [
        "__str__",
        Column("period_start", label=_("Period starts on"), accessor="period_start"),
        Column("period_end", label=_("Period ends on"), accessor="period_end"),
        TitleColumn(
            "suggestions",
            label=_("Matching"),
            accessor=lambda p: _("Suggest pairs"),
            get_url=suggestions_url,
        ),
    ]

    @property
    def edit_handler(self):
        return ObjectList(
            [
                FieldPanel("page", widget=_programme_page_chooser()),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                MultiFieldPanel(
                    [
                        FieldPanel("weight_goals"),
                        FieldPanel("weight_interests"),
                        FieldPanel("weight_experience"),
                        FieldPanel("weight_availability"),
                        FieldPanel("weight_languages"),
                        FieldPanel("minimum_score"),
                        FieldPanel("mentor_capacity"),
                    ],
                    heading=_("Matching"),
                ),
                MultiFieldPanel(
                    [
                        FieldPanel("first_meeting_within_days"),
                        FieldPanel("meeting_every_days"),
                        FieldPanel("check_in_every_days"),
                    ],
                    heading=_("Meetings and check-ins"),
                ),
                FieldPanel("guidelines"),
                FieldPanel("closing_event"),
            ],
            base_form_class=MentoringProgrammeForm,
        )


class ParticipantFilterSet(ProgrammeChoicesMixin, WagtailFilterSet):
    class Meta:
        model = Participant
        fields = ["programme", "role", "active"]


_participant_views = _scoped(
    index=IndexView,
    edit=EditView,
    delete=ProtectedDeleteView,
    history=history.HistoryView,
    usage=usage.UsageView,
)


class ParticipantViewSet(ModelViewSet):
    model = Participant
    name = "tutoria_mentoring_participants"
    url_prefix = "mentoring/participants"
    icon = "user"
    menu_label = _("Participants")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = _participant_views["index"]
    edit_view_class = _participant_views["edit"]
    delete_view_class = _participant_views["delete"]
    history_view_class = _participant_views["history"]
    usage_view_class = _participant_views["usage"]
    inspect_view_enabled = False
    filterset_class = ParticipantFilterSet
    list_display = [
        "__str__",
        Column("student", label=_("Name"), accessor="student.full_name"),
        Column("programme", label=_("Programme"), accessor="programme"),
        Column("experience", label=_("Experience"), accessor="get_experience_display"),
        ReadableColumn("active", label=_("Active"), accessor="active"),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("programme"), FieldPanel("role")]),
            FieldRowPanel([FieldPanel("student"), FieldPanel("user")]),
            FieldPanel("request"),
            FieldPanel("goals"),
            FieldPanel("interests"),
            FieldRowPanel([FieldPanel("experience"), FieldPanel("capacity")]),
            FieldPanel("languages"),
            FieldPanel("availability"),
            FieldPanel("active"),
        ],
        base_form_class=ParticipantForm,
    )

    def get_queryset(self, request):
        return Participant.objects.select_related("student", "programme__page")


class MentoringViewSetGroup(ViewSetGroup):
    menu_label = _("Peer mentoring")
    menu_icon = "group"
    menu_order = 260
    items = (PairViewSet, ParticipantViewSet, MentoringProgrammeViewSet)
