"""Every write of peer mentoring, the reminders and at-risk pairs, and the evidence counts.

Writes check the actor's permission (``permissions``) and the rules of the cycle, and refuse
with :class:`MentoringError` (a ``ValidationError`` with a translated message, safe to show).
Rows that limit each other are locked while they change (``select_for_update``): a mentor's
row while a pair is confirmed (capacity), the pair's row while its status changes. The unique
constraint "one active pair per mentee" backs the checks up. Every save of a history-tracked
model goes through ``core.history.attributed`` (``_history_user``), so the history says who did
it, in commands too.
"""

import datetime
from decimal import Decimal
from functools import partial

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from tutoria_cms.core import institutions
from tutoria_cms.core.forms import MAX_TEXT_LENGTH
from tutoria_cms.core.history import attributed
from tutoria_cms.core.models import get_page_model_for
from tutoria_cms.core.text import clean_text

from . import matching, permissions
from .choices import GoalStatus, MeetingStatus, PairStatus, ParticipantRole
from .models import ActionStep, CheckIn, Goal, Meeting, MentoringProgramme, Pair, Participant
from .tags import normalise_tags

# A pair that has not met for this many times the expected frequency is at risk.
RISK_FACTOR = 2
# A rating this high cannot rise any more: not a lack of progress.
TOP_RATING = 5


def _text(value, required=False, max_length=MAX_TEXT_LENGTH):
    return clean_text(value, allow_newlines=True, required=required, max_length=max_length)


class MentoringError(ValidationError):
    """A write refused; the message is translated and safe to show."""


def _decimal(value, field_name):
    """``value`` as the goal's decimal field holds it (finite, within its digits), or a
    translated ValidationError (code "invalid" when it is no number at all)."""
    return Goal._meta.get_field(field_name).clean(str(value).strip(), None)


def _require(allowed):
    if not allowed:
        raise MentoringError(_("You may not do this with this pair."), code="forbidden")


def _today(today):
    return today or timezone.localdate()


# Programmes and participants ------------------------------------------------------------------


def add_participant(
    programme,
    user,
    *,
    role,
    student,
    request=None,
    account=None,
    goals=(),
    interests=(),
    experience=0,
    availability=(),
    languages=(),
    capacity=None,
):
    """Register a mentor or mentee (from their request or entered by staff)."""
    _require(permissions.can_manage(user, programme))
    participant = Participant(
        programme=programme,
        role=role,
        student=student,
        request=request,
        user=account,
        goals=normalise_tags(goals),
        interests=normalise_tags(interests),
        experience=experience,
        availability=list(availability),
        languages=normalise_tags(languages),
        capacity=capacity,
    )
    participant.full_clean()
    participant.save()
    return participant


def participants_from_requests(programme, user):
    """Participants for the approved peer-mentoring requests of the programme (idempotent).

    Returns the participants created; their goals, interests and availability are then
    completed by staff (the request carries the role, the student and the programme).
    """
    _require(permissions.can_manage(user, programme))
    TutoringRequest = apps.get_model("tutoria_requests", "TutoringRequest")
    requests = TutoringRequest.objects.filter(
        kind="peer_mentoring",
        programme_id=programme.page_id,
        state__in=("approved", "in_progress"),
        mentoring_role__in=ParticipantRole.values,
    ).order_by("pk")
    created = []
    for request in requests:
        participant, was_created = Participant.objects.get_or_create(
            programme=programme,
            student_id=request.student_id,
            role=request.mentoring_role,
            defaults={"request": request},
        )
        if was_created:
            created.append(participant)
    return created


# Matching -------------------------------------------------------------------------------------


def free_places(programme):
    """{mentor id: free places} of the programme's active mentors."""
    mentors = Participant.objects.filter(
        programme=programme, role=ParticipantRole.MENTOR, active=True
    ).annotate(
        taken=Count("pairs_as_mentor", filter=Q(pairs_as_mentor__status=PairStatus.CONFIRMED))
    )
    return {
        mentor.pk: (mentor.capacity or programme.mentor_capacity) - mentor.taken
        for mentor in mentors
    }


def _pool(programme):
    mentors = list(
        Participant.objects.filter(programme=programme, role=ParticipantRole.MENTOR, active=True)
    )
    places = free_places(programme)
    paired = Pair.objects.filter(programme=programme, status=PairStatus.CONFIRMED).values_list(
        "mentee_id", flat=True
    )
    mentees = list(
        Participant.objects.filter(
            programme=programme, role=ParticipantRole.MENTEE, active=True
        ).exclude(pk__in=paired)
    )
    rejected = set(
        Pair.objects.filter(programme=programme, status=PairStatus.REJECTED).values_list(
            "mentor_id", "mentee_id"
        )
    )
    return (
        [matching.candidate(mentor, places.get(mentor.pk, 0)) for mentor in mentors],
        [matching.candidate(mentee) for mentee in mentees],
        rejected,
    )


def propose_pairs(programme, user, now=None):
    """Replace the programme's pending suggestions by the optimal ones for the current pool.

    Mentees with a confirmed pair are left alone; mentors offer their free places; pairs
    rejected before are not suggested again. Returns the new suggested pairs.
    """
    _require(permissions.can_manage(user, programme))
    now = now or timezone.now()
    with transaction.atomic():
        MentoringProgramme.objects.select_for_update().filter(pk=programme.pk).values("pk").get()
        for pair in Pair.objects.filter(programme=programme, status=PairStatus.SUGGESTED):
            attributed(pair, user).delete()
        mentors, mentees, rejected = _pool(programme)
        suggestions = matching.suggest_pairs(
            mentors, mentees, programme.weights, programme.minimum_score, excluded=rejected
        )
        pairs = [
            Pair(
                programme=programme,
                site_id=programme.site_id,  # bulk_create does not call save()
                mentor_id=s.mentor.key,
                mentee_id=s.mentee.key,
                status=PairStatus.SUGGESTED,
                score=Decimal(str(s.score)),
                explanation=s.reasons,
                suggested_at=now,
            )
            for s in suggestions
        ]
        if pairs:
            bulk_create_with_history(pairs, Pair, default_user=user)
    return list(
        Pair.objects.filter(programme=programme, status=PairStatus.SUGGESTED)
        .select_related("mentor__student", "mentee__student")
        .order_by("-score", "pk")
    )


def _check_pair_participants(programme, mentor, mentee):
    if mentor.programme_id != programme.pk or mentee.programme_id != programme.pk:
        raise MentoringError(
            _("Both participants must belong to this programme."), code="other_programme"
        )
    if mentor.role != ParticipantRole.MENTOR or mentee.role != ParticipantRole.MENTEE:
        raise MentoringError(_("Pair a mentor with a mentee."), code="roles")
    if not mentor.active or not mentee.active:
        raise MentoringError(_("This participant no longer takes part."), code="inactive")


def _lock_mentor_place(programme, mentor, exclude_pair=None):
    """Lock the mentor's row and refuse when their places are all taken."""
    mentor = Participant.objects.select_for_update().get(pk=mentor.pk)
    taken = Pair.objects.filter(mentor=mentor, status=PairStatus.CONFIRMED)
    if exclude_pair is not None:
        taken = taken.exclude(pk=exclude_pair.pk)
    if taken.count() >= mentor.get_capacity():
        raise MentoringError(
            _("This mentor already has %(count)d mentees, their capacity."),
            code="capacity",
            params={"count": mentor.get_capacity()},
        )
    return mentor


def _score(programme, mentor, mentee):
    score, _possible, reasons = matching.explain(
        matching.candidate(mentor), matching.candidate(mentee), programme.weights
    )
    return Decimal(str(score)), reasons


def _lock_pair(pair, *statuses):
    locked = Pair.objects.select_for_update().select_related("programme").get(pk=pair.pk)
    if statuses and locked.status not in statuses:
        raise MentoringError(
            _("This pair is %(status)s: the action is no longer possible."),
            code="status",
            params={"status": locked.get_status_display()},
        )
    return locked


def _start(pair, user, today):
    """What follows a confirmation: the first meeting and the guidelines e-mail."""
    schedule_first_meeting(pair, user, today=today)
    from .tasks import send_guidelines_email

    transaction.on_commit(partial(send_guidelines_email.enqueue, pair.pk))


def confirm_pair(pair, user, today=None, now=None):
    """Confirm a suggestion: a first meeting is scheduled and the guidelines are sent.

    ``now`` (default: now) dates the confirmation, for records entered afterwards.
    """
    _require(permissions.can_manage(user, pair))
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        pair = _lock_pair(pair, PairStatus.SUGGESTED)
        _lock_mentor_place(pair.programme, pair.mentor)
        pair.status = PairStatus.CONFIRMED
        pair.confirmed_by = user
        pair.confirmed_at = now
        attributed(pair, user).save()
        _start(pair, user, today)
    return pair


def reject_pair(pair, user, reason=""):
    """Reject a suggestion: this mentor is not suggested to this mentee again."""
    _require(permissions.can_manage(user, pair))
    with transaction.atomic():
        pair = _lock_pair(pair, PairStatus.SUGGESTED)
        pair.status = PairStatus.REJECTED
        pair.rejection_reason = _text(reason)
        attributed(pair, user).save()
    return pair


def change_mentor(pair, mentor, user):
    """Edit a suggestion: another mentor for the mentee (score and reasons recomputed)."""
    _require(permissions.can_manage(user, pair))
    with transaction.atomic():
        pair = _lock_pair(pair, PairStatus.SUGGESTED)
        _check_pair_participants(pair.programme, mentor, pair.mentee)
        pair.mentor = mentor
        pair.score, pair.explanation = _score(pair.programme, mentor, pair.mentee)
        attributed(pair, user).save()
    return pair


def pair_manually(programme, mentor, mentee, user, today=None, rematched_from=None, now=None):
    """A confirmed pair chosen by the coordinator (capacity and one pair per mentee hold)."""
    _require(permissions.can_manage(user, programme))
    _check_pair_participants(programme, mentor, mentee)
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        _lock_mentor_place(programme, mentor)
        for suggestion in Pair.objects.filter(mentee=mentee, status=PairStatus.SUGGESTED):
            attributed(suggestion, user).delete()
        if Pair.objects.filter(mentee=mentee, status=PairStatus.CONFIRMED).exists():
            raise MentoringError(_("This mentee already has a mentor."), code="paired")
        score, reasons = _score(programme, mentor, mentee)
        pair = Pair(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=PairStatus.CONFIRMED,
            score=score,
            explanation=reasons,
            confirmed_by=user,
            confirmed_at=now,
            rematched_from=rematched_from,
        )
        try:
            with transaction.atomic():
                attributed(pair, user).save()
        except IntegrityError:
            raise MentoringError(_("This mentee already has a mentor."), code="paired") from None
        _start(pair, user, today)
    return pair


def rematch(pair, mentor, user, reason="", today=None):
    """End a confirmed pair and pair its mentee with another mentor."""
    _require(permissions.can_manage(user, pair))
    with transaction.atomic():
        old = _lock_pair(pair, PairStatus.CONFIRMED)
        if mentor.pk == old.mentor_id:
            raise MentoringError(_("Choose another mentor."), code="same_mentor")
        old.status = PairStatus.REMATCHED
        old.closed_at = timezone.now()
        old.closed_by = user
        old._change_reason = _text(reason) or None
        attributed(old, user).save()
        return pair_manually(old.programme, mentor, old.mentee, user, today, rematched_from=old)


# Relationship building and meetings -----------------------------------------------------------


def schedule_first_meeting(pair, user, date=None, today=None):
    """The pair's first meeting, scheduled within the programme's delay (idempotent)."""
    existing = pair.meetings.filter(is_first=True).first()
    if existing is not None:
        return existing
    programme = pair.programme
    date = date or _today(today) + datetime.timedelta(days=programme.first_meeting_within_days)
    meeting = Meeting(
        pair=pair,
        date=date,
        status=MeetingStatus.SCHEDULED,
        is_first=True,
        mode=programme_default_mode(programme),
        recorded_by=user,
    )
    attributed(meeting, user).save()
    return meeting


def programme_default_mode(programme):
    modes = list(getattr(programme.page.specific, "modalities", None) or ())
    return modes[0] if modes else "in_person"


def log_meeting(
    pair,
    user,
    *,
    date,
    mode,
    duration_minutes,
    shared_notes="",
    mentor_private_notes="",
    meeting=None,
    today=None,
):
    """Record a meeting that took place (``meeting``: the scheduled one it fulfils)."""
    _require(permissions.can_work_on(user, pair))
    today = _today(today)
    mentor_private_notes = _text(mentor_private_notes)
    if mentor_private_notes and not permissions.is_mentor_of(user, pair):
        raise MentoringError(_("Only the mentor writes private notes."), code="private_notes")
    if date is None or date > today:
        raise MentoringError(
            _("A meeting is logged once it has taken place: the date cannot be in the future."),
            code="future",
        )
    if pair.started_on and date < pair.started_on:
        raise MentoringError(
            _("The meeting is dated before the pair was confirmed."), code="before_start"
        )
    if not duration_minutes:
        raise MentoringError(_("Give the duration of the meeting."), code="duration")
    with transaction.atomic():
        if meeting is None:
            meeting = Meeting(pair=pair)
        else:
            meeting = Meeting.objects.select_for_update().get(pk=meeting.pk, pair=pair)
            if meeting.status == MeetingStatus.HELD:
                raise MentoringError(_("This meeting is already logged."), code="held")
            if meeting.status == MeetingStatus.CANCELLED:
                raise MentoringError(
                    _("This meeting was cancelled: log a new one."), code="cancelled"
                )
        meeting.date = date
        meeting.mode = mode
        meeting.duration_minutes = duration_minutes
        meeting.status = MeetingStatus.HELD
        meeting.shared_notes = _text(shared_notes)
        meeting.mentor_private_notes = mentor_private_notes
        meeting.recorded_by = user
        meeting.full_clean()
        attributed(meeting, user).save()
    return meeting


def schedule_meeting(pair, user, *, date, mode, today=None):
    _require(permissions.can_work_on(user, pair))
    if date < _today(today):
        raise MentoringError(_("Schedule the meeting for today or later."), code="past")
    meeting = Meeting(
        pair=pair, date=date, mode=mode, status=MeetingStatus.SCHEDULED, recorded_by=user
    )
    attributed(meeting, user).save()
    return meeting


# Goals ----------------------------------------------------------------------------------------


def validate_smart(programme, *, specific, indicator, target, achievable_relevant, due_date):
    """The cleaned parts of a SMART goal, or a ValidationError naming each missing part."""
    errors, cleaned = {}, {}
    texts = (
        ("specific", specific, _("Specific: say exactly what the mentee will achieve.")),
        ("indicator", indicator, _("Measurable: give the indicator that will be measured.")),
        (
            "achievable_relevant",
            achievable_relevant,
            _("Achievable and relevant: say why the goal is within reach and why it matters."),
        ),
    )
    for name, value, message in texts:
        try:
            cleaned[name] = _text(
                value,
                required=True,
                max_length=Goal._meta.get_field(name).max_length or MAX_TEXT_LENGTH,
            )
        except ValidationError as error:
            errors[name] = message if error.code == "required" else error.messages[0]
    if target in (None, ""):
        errors["target"] = _("Measurable: give the target value of the indicator.")
    else:
        try:
            cleaned["target"] = _decimal(target, "target")
        except ValidationError as error:
            codes = {item.code for item in error.error_list}
            errors["target"] = (
                _("Measurable: the target must be a number.")
                if "invalid" in codes
                else error.messages[0]
            )
    if due_date is None:
        errors["due_date"] = _("Time-bound: give the date by which the goal is due.")
    elif not programme.period_start <= due_date <= programme.period_end:
        errors["due_date"] = _(
            "Time-bound: the due date must fall within the programme's period "
            "(%(start)s to %(end)s)."
        ) % {"start": programme.period_start.isoformat(), "end": programme.period_end.isoformat()}
    else:
        cleaned["due_date"] = due_date
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_goal(
    pair,
    user,
    *,
    specific,
    indicator,
    target,
    achievable_relevant,
    due_date,
    steps=(),
    workshops=(),
):
    """A SMART goal of the pair, with its action steps and linked workshops."""
    _require(permissions.can_work_on(user, pair))
    data = validate_smart(
        pair.programme,
        specific=specific,
        indicator=indicator,
        target=target,
        achievable_relevant=achievable_relevant,
        due_date=due_date,
    )
    with transaction.atomic():
        goal = Goal(pair=pair, created_by=user, **data)
        attributed(goal, user).save()
        for step in steps:
            if isinstance(step, str):
                step = {"description": step}
            add_action_step(goal, user, **step)
        for workshop in workshops:
            link_workshop(goal, workshop, user)
    return goal


def add_action_step(goal, user, *, description, due_date=None):
    _require(permissions.can_work_on(user, goal.pair))
    description = clean_text(description, max_length=300)
    if due_date is not None and due_date > goal.due_date:
        raise MentoringError(_("An action step cannot be due after its goal."), code="step_due")
    return ActionStep.objects.create(goal=goal, description=description, due_date=due_date)


def mark_step_done(step, user, today=None):
    _require(permissions.can_work_on(user, step.goal.pair))
    step.done_on = _today(today)
    step.save(update_fields=["done_on"])
    return step


def programme_workshops(programme):
    """The group workshops published under the programme's page (workshops app installed)."""
    if not apps.is_installed("tutoria_cms.workshops"):
        return None
    workshop_model = get_page_model_for("workshop", required=False)
    if workshop_model is None:
        return None
    return workshop_model.objects.live().descendant_of(programme.page).order_by("title")


def link_workshop(goal, workshop, user):
    """Link one of the programme's group workshops to a goal (skills and knowledge)."""
    pair = goal.pair
    _require(permissions.can_work_on(user, pair))
    workshops = programme_workshops(pair.programme)
    if workshops is None or not workshops.filter(pk=workshop.pk).exists():
        raise MentoringError(_("Choose a workshop of this programme."), code="workshop")
    goal.workshops.add(workshop.pk)
    return goal


# Check-ins ------------------------------------------------------------------------------------


def check_in(pair, user, *, role, date, ratings, today=None, student=None):
    """Ratings of progress per goal (1 to 5) with feedback, by the mentor or the mentee.

    ``ratings``: an iterable of (goal, rating, feedback). ``student``: the student record of a
    student rating in their area (``user`` their account): they rate in their own role(s) in
    the pair only (``permissions.student_check_in_roles``).
    """
    if student is not None:
        allowed = permissions.student_check_in_roles(student, pair, user)
    else:
        allowed = permissions.check_in_roles(user, pair)
    if role not in allowed:
        raise MentoringError(
            _("You may not rate progress for this pair in this role."), code="forbidden"
        )
    if date is None or date > _today(today):
        raise MentoringError(_("A check-in cannot be dated in the future."), code="future")
    ratings = list(ratings)
    if not ratings:
        raise MentoringError(_("Rate the progress of at least one goal."), code="empty")
    created = []
    try:
        with transaction.atomic():
            for goal, rating, feedback in ratings:
                if goal.pair_id != pair.pk:
                    raise MentoringError(_("This goal belongs to another pair."), code="goal")
                if rating not in (1, 2, 3, 4, 5):
                    raise MentoringError(_("Rate progress from 1 to 5."), code="rating")
                entry = CheckIn(
                    pair=pair,
                    goal=goal,
                    rater_role=role,
                    date=date,
                    rating=rating,
                    feedback=_text(feedback),
                    recorded_by=user,
                )
                attributed(entry, user).save()
                created.append(entry)
    except IntegrityError:
        raise MentoringError(
            _("Progress on this goal was already rated in this role on that date."),
            code="duplicate",
        ) from None
    return created


# Closure --------------------------------------------------------------------------------------


def close_pair(pair, user, *, final_reflection, achievements, today=None):
    """Close a pair: the achievements per goal and a final reflection.

    ``achievements``: {goal id: {"achieved": bool, "value": number or None, "note": text}},
    one for every goal of the pair.
    """
    _require(permissions.can_close(user, pair))
    reflection = _text(final_reflection)
    if not reflection:
        raise MentoringError(_("Write the final reflection to close the pair."), code="reflection")
    with transaction.atomic():
        pair = _lock_pair(pair, PairStatus.CONFIRMED)
        goals = list(pair.goals.all())
        missing = [goal for goal in goals if goal.pk not in achievements]
        if missing:
            raise MentoringError(
                _("Record what was achieved for every goal (missing: %(goals)s)."),
                code="achievements",
                params={"goals": ", ".join(goal.specific[:60] for goal in missing)},
            )
        for goal in goals:
            entry = achievements[goal.pk]
            goal.status = GoalStatus.ACHIEVED if entry.get("achieved") else GoalStatus.NOT_ACHIEVED
            value = entry.get("value")
            goal.achieved_value = None if value in (None, "") else _decimal(value, "achieved_value")
            goal.achievement_note = _text(entry.get("note", ""))
            attributed(goal, user).save()
        for meeting in pair.meetings.filter(status=MeetingStatus.SCHEDULED):
            meeting.status = MeetingStatus.CANCELLED
            attributed(meeting, user).save()
        pair.status = PairStatus.CLOSED
        pair.final_reflection = reflection
        pair.closed_at = timezone.now()
        pair.closed_by = user
        attributed(pair, user).save()
    return pair


# Reminders and pairs at risk ------------------------------------------------------------------


def _confirmed_with_dates(today, programme=None, pairs=None):
    """The confirmed pairs among ``pairs`` (a queryset; default: every pair), with the dates
    the reminders and the risks are judged on (``last_met``, ``next_meeting``,
    ``last_check_in``)."""
    pairs = Pair.objects.all() if pairs is None else pairs
    pairs = (
        pairs.confirmed()
        .select_related(
            "programme",
            "programme__page",
            "mentor",
            "mentor__student",
            "mentor__user",
            "mentee",
            "mentee__student",
        )
        .annotate(
            last_met=Max("meetings__date", filter=Q(meetings__status=MeetingStatus.HELD)),
            next_meeting=Max(
                "meetings__date",
                filter=Q(meetings__status=MeetingStatus.SCHEDULED, meetings__date__gte=today),
            ),
            last_check_in=Max("check_ins__date"),
        )
        .order_by("pk")
    )
    if programme is not None:
        pairs = pairs.filter(programme=programme)
    return pairs


def days_without_meeting(pair, today):
    """Days since the pair last met (or since it was confirmed, if it never met)."""
    since = max(d for d in (pair.last_met, pair.started_on) if d is not None)
    return (today - since).days


def _needing_reminder(pairs, today):
    return [
        pair
        for pair in pairs
        if pair.next_meeting is None
        and days_without_meeting(pair, today) > pair.programme.meeting_every_days
    ]


def pairs_needing_reminder(today=None, programme=None, pairs=None):
    """Confirmed pairs that have not met within the expected frequency and have no meeting
    scheduled from today on. A pair that met exactly ``meeting_every_days`` ago is on time.

    ``pairs``: the queryset to look in (e.g. ``permissions.visible_pairs(user)``); default:
    every pair."""
    today = _today(today)
    return _needing_reminder(_confirmed_with_dates(today, programme, pairs), today)


def _rising(check_ins):
    """Per goal: None when it cannot be judged, else whether the latest mean rating rose."""
    by_goal = {}
    for entry in check_ins:
        by_goal.setdefault(entry.goal_id, {}).setdefault(entry.date, []).append(entry.rating)
    result = {}
    for goal_id, by_date in by_goal.items():
        dates = sorted(by_date)
        if len(dates) < 2:
            result[goal_id] = None
            continue
        latest = sum(by_date[dates[-1]]) / len(by_date[dates[-1]])
        previous = sum(by_date[dates[-2]]) / len(by_date[dates[-2]])
        result[goal_id] = latest > previous or latest >= TOP_RATING
    return result


def _at_risk(pairs, today):
    check_ins = {}
    for entry in CheckIn.objects.filter(
        pair__in=[pair.pk for pair in pairs], goal__status=GoalStatus.OPEN
    ).only("pair_id", "goal_id", "date", "rating"):
        check_ins.setdefault(entry.pair_id, []).append(entry)
    result = []
    for pair in pairs:
        programme_ = pair.programme
        reasons = []
        if days_without_meeting(pair, today) > RISK_FACTOR * programme_.meeting_every_days:
            reasons.append("no_meeting")
        period = programme_.check_in_every_days
        if (today - pair.started_on).days > period and (
            pair.last_check_in is None or (today - pair.last_check_in).days > period
        ):
            reasons.append("no_check_in")
        judged = [
            value for value in _rising(check_ins.get(pair.pk, ())).values() if value is not None
        ]
        if judged and not any(judged):
            reasons.append("no_progress")
        if reasons:
            result.append((pair, reasons))
    return result


def pairs_at_risk(today=None, programme=None, pairs=None):
    """[(pair, reasons)] of confirmed pairs at risk; reasons among:

    - ``no_meeting``: no meeting for more than ``RISK_FACTOR`` times the expected frequency;
    - ``no_check_in``: confirmed for longer than the check-in period and no check-in within it;
    - ``no_progress``: at the latest check-in, no open goal's rating rose (mean of the
      raters, compared with the check-in before; a goal rated 5 counts as progressing).

    ``pairs``: the queryset to look in (e.g. ``Pair.objects.filter(pk=pair.pk)``); default:
    every pair.
    """
    today = _today(today)
    return _at_risk(list(_confirmed_with_dates(today, programme, pairs)), today)


def follow_up(today=None, pairs=None, risks=True):
    """(pairs needing a reminder, pairs at risk) among ``pairs`` (a queryset; default: every
    pair), from one query of the confirmed pairs; ``risks=False``: no pairs at risk ([])."""
    today = _today(today)
    confirmed = list(_confirmed_with_dates(today, pairs=pairs))
    return _needing_reminder(confirmed, today), (_at_risk(confirmed, today) if risks else [])


RISK_LABELS = {
    "no_meeting": _("no meetings"),
    "no_check_in": _("no recent check-in"),
    "no_progress": _("no progress"),
}


def claim_reminder(pair, today):
    """Mark the pair reminded today unless it was within the frequency (True: send it)."""
    since = today - datetime.timedelta(days=pair.programme.meeting_every_days)
    return bool(
        Pair.objects.filter(pk=pair.pk)
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=since))
        .update(last_reminded_on=today)
    )


# Evidence (for the accreditation hook) --------------------------------------------------------


def _pairs(programme=None, site=None, user=None):
    pairs = Pair.objects.for_site(site)
    if user is not None:  # only the institutions of the person exporting
        pairs = institutions.scope(pairs, user)
    if programme is not None:
        pairs = pairs.filter(programme=programme)
    return pairs


def active_pairs_count(programme=None, site=None, user=None):
    """Pairs confirmed and not yet closed."""
    return _pairs(programme, site, user).filter(status=PairStatus.CONFIRMED).count()


def closed_pairs_count(programme=None, site=None, start=None, end=None, user=None):
    """Pairs closed (with their achievements and reflection) between ``start`` and ``end``."""
    pairs = _pairs(programme, site, user).filter(status=PairStatus.CLOSED)
    if start is not None:
        pairs = pairs.filter(closed_at__date__gte=start)
    if end is not None:
        pairs = pairs.filter(closed_at__date__lte=end)
    return pairs.count()


def goals_met_count(programme=None, site=None, start=None, end=None, user=None):
    """Goals recorded as achieved at the closure of pairs closed between the dates."""
    goals = Goal.objects.filter(
        status=GoalStatus.ACHIEVED,
        pair__in=_pairs(programme, site, user).filter(status=PairStatus.CLOSED),
    )
    if start is not None:
        goals = goals.filter(pair__closed_at__date__gte=start)
    if end is not None:
        goals = goals.filter(pair__closed_at__date__lte=end)
    return goals.count()
