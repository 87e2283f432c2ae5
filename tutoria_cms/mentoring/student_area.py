"""The student area's "My mentoring" section (``tutoria_cms.students.area``).

A student sees the pairs they take part in, as mentee or as mentor (their student record, or
the account linked to their participant record, in the area's institution: ``permissions.
student_pairs``), the other member's name, the goals and their action steps, the meetings
(date, status, mode, duration, shared notes: never the mentor's private notes, not even
loaded), their own check-ins, newest first, and a form to add one (``services.check_in``).
Any other pair is "not found".
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tutoria_cms.core.forms import CleanTextFormMixin

from . import permissions, services
from .choices import RATING_CHOICES, PairStatus, ParticipantRole
from .models import CheckIn, Meeting

SLUG = "mentoring"


class StudentCheckInForm(CleanTextFormMixin, forms.Form):
    """One rating of progress on one goal of the pair, by the student in their role."""

    role = forms.ChoiceField(label=_("Rated by"))
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int)
    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rating = forms.TypedChoiceField(
        label=_("Progress"), choices=[("", "—"), *RATING_CHOICES], coerce=int
    )
    feedback = forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, goals, roles, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ParticipantRole.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
            self.fields["role"].widget = forms.HiddenInput()
        self.goals = {goal.pk: goal for goal in goals}
        self.fields["goal"].choices = [
            (goal.pk, goal.specific[:120]) for goal in self.goals.values()
        ]

    def clean_goal(self):
        return self.goals[self.cleaned_data["goal"]]


def _pairs(request):
    return permissions.student_pairs(request.student, request.student_account.user)


def _own_pair(request, pair_id):
    return get_object_or_404(
        _pairs(request).select_related("programme__page", "mentor__student", "mentee__student"),
        pk=pair_id,
    )


def _describe(request, pair):
    """What the area shows of ``pair`` to the student: their role(s), the other member's name."""
    roles = permissions.student_roles(request.student, pair, request.student_account.user)
    others = []
    if ParticipantRole.MENTEE in roles:
        others.append((_("Your mentor"), pair.mentor.student.full_name))
    if ParticipantRole.MENTOR in roles:
        others.append((_("Your mentee"), pair.mentee.student.full_name))
    return {
        "pair": pair,
        "roles": [ParticipantRole(role).label for role in roles],
        "role_codes": roles,
        "others": others,
        "programme": str(pair.programme),
        "can_check_in": pair.status == PairStatus.CONFIRMED and bool(roles),
    }


def mentoring(page, request):
    pairs = _pairs(request).select_related("programme__page", "mentor__student", "mentee__student")
    entries = []
    for pair in pairs.order_by("-confirmed_at", "-pk"):
        entry = _describe(request, pair)
        entry["url"] = page.section_url(request, "mentoring_pair", pair.pk)
        entries.append(entry)
    return page.render_section(
        request,
        SLUG,
        "tutoria_cms/mentoring/student_area/pairs.html",
        {"entries": entries},
    )


def _pair_context(page, request, pair):
    entry = _describe(request, pair)
    goals = list(pair.goals.prefetch_related("steps").order_by("due_date", "pk"))
    # Never load the mentor's private notes: the area has no business with them.
    meetings = Meeting.objects.filter(pair=pair).only(
        "pk",
        "pair_id",
        "date",
        "status",
        "is_first",
        "mode",
        "duration_minutes",
        "shared_notes",
    )
    check_ins = (
        CheckIn.objects.filter(pair=pair, rater_role__in=entry["role_codes"])
        .select_related("goal")
        .order_by("-date", "-pk")
    )
    return {
        **entry,
        "goals": goals,
        "meetings": meetings.order_by("-date", "-pk"),
        "check_ins": check_ins,
        "check_in_url": page.section_url(request, "mentoring_check_in", pair.pk),
        "back_url": page.section_url(request, SLUG),
    }


def pair_detail(page, request, pair_id):
    pair = _own_pair(request, pair_id)
    return page.render_section(
        request,
        SLUG,
        "tutoria_cms/mentoring/student_area/pair.html",
        _pair_context(page, request, pair),
    )


def check_in(page, request, pair_id):
    pair = _own_pair(request, pair_id)
    user = request.student_account.user
    roles = permissions.student_check_in_roles(request.student, pair, user)
    goals = list(pair.goals.order_by("due_date", "pk"))
    if not roles or not goals:
        raise Http404
    form = StudentCheckInForm(request.POST or None, goals=goals, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.check_in(
                pair,
                user,
                student=request.student,
                role=data["role"],
                date=data["date"],
                ratings=[(data["goal"], data["rating"], data["feedback"])],
            )
        except services.MentoringError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your check-in was saved."))
            return HttpResponseRedirect(page.section_url(request, "mentoring_pair", pair.pk))
    context = _pair_context(page, request, pair)
    context["form"] = form
    return page.render_section(
        request,
        SLUG,
        "tutoria_cms/mentoring/student_area/check_in.html",
        context,
        status=400 if form.errors else 200,
    )


def summary(request):
    count = _pairs(request).filter(status=PairStatus.CONFIRMED).count()
    if count:
        return ngettext(
            "%(count)d active mentoring pair", "%(count)d active mentoring pairs", count
        ) % {"count": count}
    if _pairs(request).exists():
        return _("Your mentoring has ended.")
    return None


urlpatterns = [
    path("", mentoring, name=SLUG),
    path("<int:pair_id>/", pair_detail, name="mentoring_pair"),
    path("<int:pair_id>/check-in/", check_in, name="mentoring_check_in"),
]
