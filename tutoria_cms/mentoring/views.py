"""Admin actions of peer mentoring. Each asks ``permissions`` first, accepts writes by POST
only (CSRF-checked by Django's middleware), writes only through ``services`` and shows the
services' translated refusals."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages

from ..core.views import AdminPageMixin, ObjectFormView, ObjectOperationView
from . import permissions, services
from .choices import PairStatus, ParticipantRole
from .forms import (
    CheckInForm,
    CloseForm,
    GoalForm,
    MeetingForm,
    MentorForm,
    ReasonForm,
    ScheduleForm,
)
from .models import ActionStep, MentoringProgramme, Pair, Participant


def inspect_url(pair):
    return reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk])


def suggestions_url(programme):
    return reverse("tutoria_mentoring_pairs:suggestions", args=[programme.pk])


class PairActionMixin:
    """A pair the user may see (404 otherwise); ``allowed(user, pair)`` decides (403)."""

    header_icon = "group"

    def get_object_queryset(self):
        return permissions.visible_pairs(self.request.user).select_related(
            "programme__page", "mentor__student", "mentee__student"
        )

    def allowed(self, user, pair):
        return permissions.can_work_on(user, pair)

    def has_permission(self):
        return self.allowed(self.request.user, self.object)

    @property
    def pair(self):
        return self.object

    def get_object_url(self):
        return inspect_url(self.object)


class PairFormView(PairActionMixin, ObjectFormView):
    """GET shows the form; POST hands its data to ``perform`` (a service call)."""

    def get_parent_breadcrumbs(self):
        return [
            {"url": reverse("tutoria_mentoring_pairs:index"), "label": _("Mentoring pairs")},
            *super().get_parent_breadcrumbs(),
        ]


class PairPostView(PairActionMixin, ObjectOperationView):
    """POST only: one service call (``perform_operation``), then back to the pair."""


# Suggestions (coordination) -------------------------------------------------------------------


class SuggestionsView(AdminPageMixin, TemplateView):
    """The programme's suggested pairs with score and reasons; POST computes them again."""

    template_name = "tutoria_cms/mentoring/admin/suggestions.html"
    page_title = gettext_lazy("Suggested pairs")
    header_icon = "group"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_manage(request.user):
            raise PermissionDenied
        self.programme = get_object_or_404(
            permissions.managed(MentoringProgramme.objects.select_related("page"), request.user),
            pk=kwargs["programme_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.programme)

    def post(self, request, *args, **kwargs):
        pairs = services.propose_pairs(self.programme, request.user)
        messages.success(request, _("%(count)d pairs suggested.") % {"count": len(pairs)})
        return redirect(suggestions_url(self.programme))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairs = list(
            Pair.objects.filter(programme=self.programme, status=PairStatus.SUGGESTED)
            .select_related("mentor__student", "mentee__student")
            .order_by("-score", "pk")
        )
        paired = Pair.objects.filter(
            programme=self.programme, status__in=(PairStatus.SUGGESTED, PairStatus.CONFIRMED)
        ).values("mentee_id")
        context.update(
            {
                "programme": self.programme,
                "suggestions": pairs,
                "unmatched": Participant.objects.filter(
                    programme=self.programme, role=ParticipantRole.MENTEE, active=True
                )
                .exclude(pk__in=paired)
                .select_related("student"),
                "places": services.free_places(self.programme),
            }
        )
        return context


class ConfirmView(PairPostView):
    success_message = gettext_lazy(
        "Pair confirmed: the first meeting is scheduled and the guidelines are sent to both."
    )

    def allowed(self, user, pair):
        return permissions.can_manage(user, pair)

    def perform_operation(self):
        return services.confirm_pair(self.pair, self.request.user)

    def get_success_url(self):
        return suggestions_url(self.pair.programme)

    def get_failure_url(self):
        return suggestions_url(self.pair.programme)


class RejectView(PairPostView):
    success_message = gettext_lazy(
        "Suggestion rejected: this mentor will not be suggested to this mentee again."
    )

    def allowed(self, user, pair):
        return permissions.can_manage(user, pair)

    def perform_operation(self):
        form = ReasonForm(self.request.POST)
        form.is_valid()
        return services.reject_pair(
            self.pair, self.request.user, reason=form.cleaned_data.get("reason", "")
        )

    def get_success_url(self):
        return suggestions_url(self.pair.programme)

    def get_failure_url(self):
        return suggestions_url(self.pair.programme)


def _other_mentors(pair):
    places = services.free_places(pair.programme)
    return (
        Participant.objects.filter(
            pk__in=[pk for pk, free in places.items() if free > 0 and pk != pair.mentor_id]
        )
        .select_related("student")
        .order_by("student__full_name")
    )


class ChangeMentorView(PairFormView):
    """Edit a suggestion (another mentor) or rematch a confirmed pair."""

    def allowed(self, user, pair):
        return permissions.can_manage(user, pair) and pair.status in (
            PairStatus.SUGGESTED,
            PairStatus.CONFIRMED,
        )

    def get_page_title(self):
        if self.pair.status == PairStatus.CONFIRMED:
            return _("Rematch the mentee")
        return _("Choose another mentor")

    form_class = MentorForm
    success_message = gettext_lazy("The mentee has a new mentor.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "mentors": _other_mentors(self.pair)}

    def perform(self, form):
        mentor = form.cleaned_data["mentor"]
        if self.pair.status == PairStatus.CONFIRMED:
            return services.rematch(
                self.pair, mentor, self.request.user, reason=form.cleaned_data["reason"]
            )
        return services.change_mentor(self.pair, mentor, self.request.user)

    def get_success_url(self):
        if self.result.status == PairStatus.SUGGESTED:
            return suggestions_url(self.result.programme)
        return inspect_url(self.result)


# The pair's work (coordination and the pair's mentor) -----------------------------------------


class AddGoalView(PairFormView):
    page_title = gettext_lazy("Add a SMART goal")
    success_message = gettext_lazy("Goal added.")

    form_class = GoalForm

    def get_form_kwargs(self):
        workshops = services.programme_workshops(self.pair.programme)
        return {**super().get_form_kwargs(), "workshops": workshops}

    def perform(self, form):
        data = dict(form.cleaned_data)
        steps = data.pop("steps")
        workshops = data.pop("workshops", None) or ()
        return services.add_goal(
            self.pair, self.request.user, steps=steps, workshops=workshops, **data
        )


class StepDoneView(PairPostView):
    success_message = gettext_lazy("Action step done.")

    def perform_operation(self):
        step = get_object_or_404(ActionStep, pk=self.kwargs["step_id"], goal__pair=self.pair)
        return services.mark_step_done(step, self.request.user)


class LogMeetingView(PairFormView):
    page_title = gettext_lazy("Log a meeting")
    success_message = gettext_lazy("Meeting logged.")

    def get_meeting(self):
        meeting_id = self.kwargs.get("meeting_id")
        if meeting_id is None:
            return None
        # Any meeting of the pair: logging one already held (a replayed POST) or cancelled
        # is refused by the service with a message, not answered with "not found".
        return get_object_or_404(self.pair.meetings, pk=meeting_id)

    form_class = MeetingForm

    def get_initial(self):
        meeting = self.get_meeting()
        return {"date": meeting.date, "mode": meeting.mode} if meeting else {}

    def get_form_kwargs(self):
        private_notes = permissions.is_mentor_of(self.request.user, self.pair)
        return {**super().get_form_kwargs(), "private_notes": private_notes}

    def perform(self, form):
        return services.log_meeting(
            self.pair, self.request.user, meeting=self.get_meeting(), **form.cleaned_data
        )


class ScheduleMeetingView(PairFormView):
    page_title = gettext_lazy("Schedule a meeting")
    success_message = gettext_lazy("Meeting scheduled.")

    form_class = ScheduleForm

    def perform(self, form):
        return services.schedule_meeting(self.pair, self.request.user, **form.cleaned_data)


class CheckInView(PairFormView):
    page_title = gettext_lazy("Check in on progress")
    success_message = gettext_lazy("Progress recorded.")

    def allowed(self, user, pair):
        return bool(permissions.check_in_roles(user, pair))

    form_class = CheckInForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "goals": self.pair.goals.filter(status="open"),
            "roles": permissions.check_in_roles(self.request.user, self.pair),
        }

    def perform(self, form):
        return services.check_in(
            self.pair,
            self.request.user,
            role=form.cleaned_data["role"],
            date=form.cleaned_data["date"],
            ratings=form.ratings(),
        )


class ClosePairView(PairFormView):
    page_title = gettext_lazy("Close the pair")
    success_message = gettext_lazy("Pair closed: its achievements count in the evidence.")

    def allowed(self, user, pair):
        return permissions.can_close(user, pair)

    form_class = CloseForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "goals": self.pair.goals.all()}

    def perform(self, form):
        return services.close_pair(
            self.pair,
            self.request.user,
            final_reflection=form.cleaned_data["final_reflection"],
            achievements=form.achievements(),
        )
