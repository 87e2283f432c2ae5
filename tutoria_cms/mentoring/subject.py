"""What peer mentoring holds about one student (subject access): their participations, pairs,
goals and meetings, only of the institutions of the person exporting (``core.institutions``).

The mentor's private notes of a meeting are left out: only the mentor reads them (see
``permissions``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SubjectSheet

from .models import ActionStep, CheckIn, Goal, Meeting, Pair, Participant


def subject_data(student_number, user, record=None):
    """``record``: that student record's participations only, in its institution (the
    student's own area), whatever ``user``."""
    if record is not None:
        participations = Participant.objects.filter(student=record, site_id=record.site_id)
    else:
        participations = institutions.scope(
            Participant.objects.filter(student__student_number=student_number), user
        )
    participations = participations.select_related("programme__page")
    participations = list(participations)
    if not participations:
        return []
    ids = [participant.pk for participant in participations]
    pairs = list(
        Pair.objects.filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
        .select_related("programme__page")
        .order_by("pk")
    )
    pair_ids = [pair.pk for pair in pairs]
    goals = Goal.objects.filter(pair_id__in=pair_ids).order_by("pair_id", "pk")
    meetings = Meeting.objects.filter(pair_id__in=pair_ids).order_by("pair_id", "date", "pk")
    steps = ActionStep.objects.filter(goal__pair_id__in=pair_ids).order_by("goal_id", "pk")
    check_ins = CheckIn.objects.filter(pair_id__in=pair_ids).order_by("pair_id", "date", "pk")
    return [
        SubjectSheet(
            _("Mentoring participations"),
            (
                _("Participant id"),
                _("Programme"),
                _("Role"),
                _("Goals"),
                _("Interests"),
                _("Experience"),
                _("Availability"),
                _("Languages"),
                _("Active"),
                _("Created at"),
            ),
            [
                (
                    p.pk,
                    str(p.programme),
                    p.get_role_display(),
                    ", ".join(p.goals),
                    ", ".join(p.interests),
                    p.get_experience_display(),
                    ", ".join(p.availability or ()),
                    ", ".join(p.languages),
                    p.active,
                    p.created_at,
                )
                for p in participations
            ],
            order=60,
        ),
        SubjectSheet(
            _("Mentoring pairs"),
            (
                _("Pair id"),
                _("Programme"),
                _("Mentor id"),
                _("Mentee id"),
                _("Status"),
                _("Confirmed at"),
                _("Closed at"),
                _("Final reflection"),
            ),
            [
                (
                    pair.pk,
                    str(pair.programme),
                    pair.mentor_id,
                    pair.mentee_id,
                    pair.get_status_display(),
                    pair.confirmed_at,
                    pair.closed_at,
                    pair.final_reflection,
                )
                for pair in pairs
            ],
            order=61,
        ),
        SubjectSheet(
            _("Mentoring goals"),
            (
                _("Pair id"),
                _("Goal id"),
                _("Specific goal"),
                _("Indicator"),
                _("Target"),
                _("Due date"),
                _("Status"),
                _("Value reached"),
                _("Achievements"),
            ),
            [
                (
                    goal.pair_id,
                    goal.pk,
                    goal.specific,
                    goal.indicator,
                    goal.target,
                    goal.due_date,
                    goal.get_status_display(),
                    goal.achieved_value,
                    goal.achievement_note,
                )
                for goal in goals
            ],
            order=62,
        ),
        SubjectSheet(
            _("Mentoring meetings"),
            (_("Pair id"), _("Date"), _("Status"), _("Mode"), _("Shared notes")),
            [
                (m.pair_id, m.date, m.get_status_display(), m.get_mode_display(), m.shared_notes)
                for m in meetings
            ],
            order=63,
        ),
        SubjectSheet(
            _("Mentoring action steps"),
            (_("Goal id"), _("Action step"), _("Due date"), _("Done on")),
            steps.values_list("goal_id", "description", "due_date", "done_on"),
            order=64,
        ),
        SubjectSheet(
            _("Mentoring check-ins"),
            (_("Pair id"), _("Goal id"), _("Rated by"), _("Date"), _("Rating"), _("Feedback")),
            [
                (
                    c.pair_id,
                    c.goal_id,
                    c.get_rater_role_display(),
                    c.date,
                    c.rating,
                    c.feedback,
                )
                for c in check_ins
            ],
            order=65,
        ),
    ]
