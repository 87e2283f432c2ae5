"""The cycle through the services: suggestions, confirmation, SMART goals, meetings,
check-ins, reminders, pairs at risk, closure, evidence counts."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests import factories
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.choices import GoalStatus, MeetingStatus, PairStatus
from tutoria_cms.mentoring.models import Meeting, Pair

from .conftest import PERIOD, TODAY, confirmed_pair, participant, smart

pytestmark = pytest.mark.django_db


def test_propose_confirm_schedules_first_meeting_and_sends_guidelines(
    mentoring,
    mentor_a,
    mentor_b,
    mentee_1,
    mentee_2,
    coordinator,
    django_capture_on_commit_callbacks,
):
    suggestions = services.propose_pairs(mentoring, coordinator)
    assert {(p.mentor, p.mentee) for p in suggestions} == {
        (mentor_a, mentee_1),
        (mentor_b, mentee_2),
    }
    first = next(p for p in suggestions if p.mentee == mentee_1)
    assert first.score > 50
    assert first.explanation["goals"] == ["técnicas de estudio"]
    assert first.explanation["interests"] == ["musica"]
    assert all(p.status == PairStatus.SUGGESTED for p in suggestions)
    # Proposing again replaces the pending suggestions (no duplicates).
    assert len(services.propose_pairs(mentoring, coordinator)) == 2
    assert Pair.objects.count() == 2
    first = Pair.objects.get(mentee=mentee_1)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_pair(first, coordinator, today=TODAY)
    first.refresh_from_db()
    assert first.status == PairStatus.CONFIRMED and first.confirmed_by == coordinator
    meeting = first.meetings.get()
    assert meeting.is_first and meeting.status == MeetingStatus.SCHEDULED
    assert meeting.date == TODAY + datetime.timedelta(days=mentoring.first_meeting_within_days)
    assert meeting.mode == "video"  # the programme page's first modality
    assert sorted(message.to[0] for message in mail.outbox) == [
        "E001@alumnos.example.edu",
        "mentor_a@example.edu",  # the mentor's account first
    ]
    to_mentor = next(m for m in mail.outbox if m.to == ["mentor_a@example.edu"])
    to_mentee = next(m for m in mail.outbox if m.to == ["E001@alumnos.example.edu"])
    assert "Respeta la confidencialidad" in to_mentor.body
    assert "Respeta la confidencialidad" in to_mentee.body
    assert "E001@alumnos.example.edu" in to_mentor.body  # the mentor may contact the mentee
    assert "mentor_a@example.edu" not in to_mentee.body
    assert "Elena" not in to_mentor.subject  # no personal data in subjects
    assert to_mentor.extra_headers["Content-Language"] == "es"
    # The task sends once: a second run does nothing.
    from tutoria_cms.mentoring.tasks import send_guidelines_email

    assert send_guidelines_email.call(first.pk) is False
    assert len(mail.outbox) == 2
    # History says who.
    assert first.history.filter(history_user=coordinator, status="confirmed").exists()


def test_capacity_is_checked_when_confirming(mentoring, mentor_a, coordinator):
    mentees = [participant(mentoring, "mentee", f"E10{i}", goals=["cálculo"]) for i in range(3)]
    confirmed_pair(mentoring, mentor_a, mentees[0], coordinator)
    confirmed_pair(mentoring, mentor_a, mentees[1], coordinator)  # capacity 2 reached
    with pytest.raises(services.MentoringError) as error:
        confirmed_pair(mentoring, mentor_a, mentees[2], coordinator)
    assert error.value.code == "capacity"
    # The suggestions use the free places only: none left for mentor A.
    assert services.free_places(mentoring)[mentor_a.pk] == 0
    assert services.propose_pairs(mentoring, coordinator) == []


def test_one_active_pair_per_mentee(mentoring, mentor_a, mentor_b, mentee_1, coordinator):
    confirmed_pair(mentoring, mentor_a, mentee_1, coordinator)
    with pytest.raises(services.MentoringError):
        confirmed_pair(mentoring, mentor_b, mentee_1, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pair.objects.create(
            programme=mentoring, mentor=mentor_b, mentee=mentee_1, status=PairStatus.SUGGESTED
        )


def test_reject_and_change_mentor(mentoring, mentor_a, mentor_b, mentee_1, coordinator):
    (suggestion,) = services.propose_pairs(mentoring, coordinator)
    assert suggestion.mentor == mentor_a
    services.reject_pair(suggestion, coordinator, reason="Ya se conocen")
    # The rejected mentor is not suggested again; the other mentor scores lower but fits.
    mentoring.minimum_score = 1
    mentoring.save()
    (again,) = services.propose_pairs(mentoring, coordinator)
    assert again.mentor == mentor_b
    services.change_mentor(again, mentor_a, coordinator)
    again.refresh_from_db()
    assert again.mentor == mentor_a and again.explanation["goals"] == ["técnicas de estudio"]
    with pytest.raises(services.MentoringError):
        services.reject_pair(Pair.objects.get(status=PairStatus.REJECTED), coordinator)


def test_rematch(mentoring, pair, mentor_b, coordinator):
    new = services.rematch(
        pair, mentor_b, coordinator, reason="Horarios incompatibles", today=TODAY
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.REMATCHED
    assert new.status == PairStatus.CONFIRMED and new.mentee == pair.mentee
    assert new.rematched_from == pair and new.meetings.filter(is_first=True).exists()
    assert pair.history.first().history_change_reason == "Horarios incompatibles"
    with pytest.raises(services.MentoringError):
        services.rematch(new, mentor_b, coordinator)


def test_only_coordinators_manage(mentoring, mentor_a, mentee_1, mentor_user, tutor):
    for user in (mentor_user, tutor):
        with pytest.raises(services.MentoringError):
            services.propose_pairs(mentoring, user)
        with pytest.raises(services.MentoringError):
            services.pair_manually(mentoring, mentor_a, mentee_1, user)


# SMART goals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("specific", "", "Specific"),
        ("specific", "   ", "Specific"),
        ("indicator", "", "Measurable"),
        ("target", None, "target"),
        ("target", "mucho", "number"),
        ("achievable_relevant", "", "Achievable"),
        ("due_date", None, "Time-bound"),
        ("due_date", PERIOD[1] + datetime.timedelta(days=1), "period"),
        ("due_date", PERIOD[0] - datetime.timedelta(days=1), "period"),
    ],
)
def test_smart_goal_refuses_each_missing_part(pair, mentor_user, field, value, words):
    with pytest.raises(ValidationError) as error:
        services.add_goal(pair, mentor_user, **smart(**{field: value}))
    assert list(error.value.message_dict) == [field]
    assert words in error.value.message_dict[field][0]
    assert not pair.goals.exists()


def test_smart_goal_refusal_is_translated(pair, mentor_user):
    from django.utils import translation

    with pytest.raises(ValidationError) as error:
        services.add_goal(pair, mentor_user, **smart(indicator=""))
    with translation.override("es"):
        assert error.value.message_dict["indicator"][0].startswith("Medible:")
    with translation.override("pt-br"):
        assert error.value.message_dict["indicator"][0].startswith("Mensurável:")


def test_smart_goal_with_steps_and_workshop(pair, mentor_user, mentoring_page, programme):
    workshop = factories.build_workshop(mentoring_page, title="Taller de metas")
    elsewhere = factories.build_workshop(programme, title="Taller de otro programa")
    goal = services.add_goal(
        pair,
        mentor_user,
        **smart(),
        steps=[
            "Resolver 20 ejercicios por semana",
            {"description": "Asesoría de dudas", "due_date": TODAY},
        ],
        workshops=[workshop],
    )
    assert goal.target == Decimal("8") and goal.status == GoalStatus.OPEN
    assert goal.steps.count() == 2
    assert list(goal.workshops.all()) == [workshop.page_ptr]
    with pytest.raises(services.MentoringError):
        services.link_workshop(goal, elsewhere, mentor_user)
    with pytest.raises(services.MentoringError):
        services.add_action_step(
            goal, mentor_user, description="Tarde", due_date=TODAY + datetime.timedelta(days=41)
        )
    # Edge of the period is inside.
    services.add_goal(pair, mentor_user, **smart(due_date=PERIOD[1]))
    services.add_goal(pair, mentor_user, **smart(due_date=PERIOD[0]))


def test_mentor_b_cannot_work_on_mentor_a_pair(pair, other_mentor_user, tutor):
    for user in (other_mentor_user, tutor):
        with pytest.raises(services.MentoringError):
            services.add_goal(pair, user, **smart())
        with pytest.raises(services.MentoringError):
            services.log_meeting(pair, user, date=TODAY, mode="video", duration_minutes=30)


# Meetings -------------------------------------------------------------------------------------


def test_log_meeting_rules(pair, mentor_user, coordinator):
    first = pair.meetings.get(is_first=True)
    services.log_meeting(
        pair,
        mentor_user,
        meeting=first,
        date=TODAY,
        mode="in_person",
        duration_minutes=45,
        shared_notes="Nos presentamos",
        mentor_private_notes="Parece nerviosa",
        today=TODAY,
    )
    first.refresh_from_db()
    assert first.status == MeetingStatus.HELD and first.mentor_private_notes
    # The private notes are not copied into the history.
    assert not hasattr(first.history.first(), "mentor_private_notes")
    with pytest.raises(services.MentoringError):
        services.log_meeting(
            pair,
            mentor_user,
            meeting=first,
            date=TODAY,
            mode="video",
            duration_minutes=30,
            today=TODAY,
        )
    with pytest.raises(services.MentoringError):
        services.log_meeting(
            pair,
            mentor_user,
            date=TODAY + datetime.timedelta(days=1),
            mode="video",
            duration_minutes=30,
            today=TODAY,
        )
    with pytest.raises(services.MentoringError):
        services.log_meeting(
            pair,
            mentor_user,
            date=TODAY - datetime.timedelta(days=30),
            mode="video",
            duration_minutes=30,
            today=TODAY,
        )
    with pytest.raises(services.MentoringError) as error:
        services.log_meeting(
            pair,
            coordinator,
            date=TODAY,
            mode="video",
            duration_minutes=30,
            mentor_private_notes="no",
            today=TODAY,
        )
    assert error.value.code == "private_notes"
    services.log_meeting(
        pair, coordinator, date=TODAY, mode="video", duration_minutes=30, today=TODAY
    )
    assert pair.meetings.filter(status=MeetingStatus.HELD).count() == 2


# Reminders and risk ---------------------------------------------------------------------------


def held(pair, date, user):
    return services.log_meeting(
        pair, user, date=date, mode="video", duration_minutes=30, today=date
    )


def test_reminder_boundaries(pair, pair_b, mentor_user, coordinator):
    """Frequency 14 days: met 14 days ago is on time, 15 days ago needs a reminder."""
    first = pair.meetings.get(is_first=True)
    services.log_meeting(
        pair, mentor_user, meeting=first, date=TODAY, mode="video", duration_minutes=30, today=TODAY
    )
    # pair_b never met; its first meeting is scheduled for TODAY + 7: no reminder meanwhile.
    assert services.pairs_needing_reminder(TODAY + datetime.timedelta(days=7)) == []
    day_14 = TODAY + datetime.timedelta(days=14)
    day_15 = TODAY + datetime.timedelta(days=15)
    assert pair not in services.pairs_needing_reminder(day_14)
    assert services.pairs_needing_reminder(day_15) == [pair, pair_b]
    # A meeting scheduled from today on silences the reminder.
    services.schedule_meeting(pair, mentor_user, date=day_15, mode="video", today=day_15)
    assert services.pairs_needing_reminder(day_15) == [pair_b]
    # A closed pair needs no reminder.
    services.close_pair(pair_b, coordinator, final_reflection="Fin", achievements={}, today=day_15)
    assert services.pairs_needing_reminder(day_15) == []


def test_reminders_and_risks_among_given_pairs(pair, pair_b):
    """``pairs`` narrows the search (a user's visible pairs, one pair); ``follow_up`` gives
    both lists from one query of the confirmed pairs."""
    day = pair.started_on + datetime.timedelta(days=29)  # both pairs never met: both listed
    assert services.pairs_needing_reminder(day) == [pair, pair_b]
    only_b = Pair.objects.filter(pk=pair_b.pk)
    assert services.pairs_needing_reminder(day, pairs=only_b) == [pair_b]
    ((risky, reasons),) = services.pairs_at_risk(day, pairs=Pair.objects.filter(pk=pair.pk))
    assert risky == pair and reasons == ["no_meeting"]
    reminders, at_risk = services.follow_up(day, pairs=only_b)
    assert reminders == [pair_b] and at_risk == services.pairs_at_risk(day, pairs=only_b)
    assert [p for p, _reasons in at_risk] == [pair_b]
    assert services.follow_up(day, pairs=only_b, risks=False) == ([pair_b], [])
    assert services.follow_up(day, pairs=Pair.objects.none()) == ([], [])


def test_at_risk_no_meetings_boundary(pair, mentor_user):
    """At risk after more than twice the frequency (28 days) without meeting."""
    started = pair.started_on
    assert services.pairs_at_risk(started + datetime.timedelta(days=28)) == []
    ((risky, reasons),) = services.pairs_at_risk(started + datetime.timedelta(days=29))
    assert risky == pair and reasons == ["no_meeting"]
    held(pair, started + datetime.timedelta(days=20), mentor_user)
    assert services.pairs_at_risk(started + datetime.timedelta(days=29)) == []


def rate(pair, goal, user, role, date, rating):
    services.check_in(pair, user, role=role, date=date, ratings=[(goal, rating, "")], today=date)


def test_at_risk_no_check_in_and_no_progress(pair, mentor_user, coordinator):
    started = pair.started_on
    goal = services.add_goal(pair, mentor_user, **smart())
    other = services.add_goal(pair, mentor_user, **smart(specific="Leer un libro al mes"))
    day = started
    for offset in range(0, 61, 10):  # meets every 10 days: never "no_meeting"
        held(pair, started + datetime.timedelta(days=offset), mentor_user)
    # 30 days without check-in is fine; 31 is not.
    assert services.pairs_at_risk(started + datetime.timedelta(days=30)) == []
    ((_pair, reasons),) = services.pairs_at_risk(started + datetime.timedelta(days=31))
    assert reasons == ["no_check_in"]
    day = started + datetime.timedelta(days=31)
    rate(pair, goal, mentor_user, "mentor", day, 2)
    rate(pair, goal, coordinator, "mentee", day, 3)
    rate(pair, other, mentor_user, "mentor", day, 3)
    assert services.pairs_at_risk(day) == []  # one check-in: nothing to compare yet
    later = started + datetime.timedelta(days=45)
    rate(pair, goal, mentor_user, "mentor", later, 2)
    rate(pair, goal, coordinator, "mentee", later, 3)  # mean 2.5 = 2.5: not rising
    rate(pair, other, mentor_user, "mentor", later, 3)  # 3 = 3: not rising
    ((_pair, reasons),) = services.pairs_at_risk(later)
    assert reasons == ["no_progress"]
    # One goal rising is progress.
    latest = started + datetime.timedelta(days=50)
    rate(pair, goal, mentor_user, "mentor", latest, 4)
    assert services.pairs_at_risk(latest) == []


def test_check_in_rules(pair, pair_b, mentor_user, coordinator):
    goal = services.add_goal(pair, mentor_user, **smart())
    with pytest.raises(services.MentoringError):  # the mentor cannot rate as the mentee
        services.check_in(
            pair, mentor_user, role="mentee", date=TODAY, ratings=[(goal, 3, "")], today=TODAY
        )
    with pytest.raises(services.MentoringError):
        services.check_in(
            pair_b, coordinator, role="mentor", date=TODAY, ratings=[(goal, 3, "")], today=TODAY
        )
    with pytest.raises(services.MentoringError):
        services.check_in(
            pair, mentor_user, role="mentor", date=TODAY, ratings=[(goal, 6, "")], today=TODAY
        )
    services.check_in(
        pair, mentor_user, role="mentor", date=TODAY, ratings=[(goal, 3, "Va bien")], today=TODAY
    )
    with pytest.raises(services.MentoringError) as error:
        services.check_in(
            pair, mentor_user, role="mentor", date=TODAY, ratings=[(goal, 4, "")], today=TODAY
        )
    assert error.value.code == "duplicate"
    assert goal.check_ins.get().feedback == "Va bien"


# Closure and evidence -------------------------------------------------------------------------


def test_close_pair_records_achievements(pair, pair_b, mentor_user, other_mentor_user):
    met = services.add_goal(pair, mentor_user, **smart())
    missed = services.add_goal(pair, mentor_user, **smart(specific="Leer un libro al mes"))
    with pytest.raises(services.MentoringError) as error:
        services.close_pair(
            pair, mentor_user, final_reflection="", achievements={met.pk: {"achieved": True}}
        )
    assert error.value.code == "reflection"
    with pytest.raises(services.MentoringError) as error:
        services.close_pair(
            pair,
            mentor_user,
            final_reflection="Aprendimos mucho",
            achievements={met.pk: {"achieved": True}},
        )
    assert error.value.code == "achievements"
    with pytest.raises(services.MentoringError):
        services.close_pair(pair, other_mentor_user, final_reflection="x", achievements={})
    assert services.active_pairs_count() == 2
    services.close_pair(
        pair,
        mentor_user,
        final_reflection="Aprendimos mucho",
        achievements={
            met.pk: {"achieved": True, "value": "8.5", "note": "Aprobó con 8.5"},
            missed.pk: {"achieved": False, "value": None, "note": "Leyó dos"},
        },
    )
    pair.refresh_from_db()
    met.refresh_from_db()
    missed.refresh_from_db()
    assert pair.status == PairStatus.CLOSED and pair.closed_by == mentor_user
    assert met.status == GoalStatus.ACHIEVED and met.achieved_value == Decimal("8.5")
    assert missed.status == GoalStatus.NOT_ACHIEVED
    assert not Meeting.objects.filter(pair=pair, status=MeetingStatus.SCHEDULED).exists()
    assert services.active_pairs_count() == 1
    assert services.closed_pairs_count() == 1
    assert services.goals_met_count() == 1
    today = timezone.localdate()
    assert services.closed_pairs_count(start=today + datetime.timedelta(days=1)) == 0
    assert services.closed_pairs_count(site=pair.programme.page.get_site()) == 1
    with pytest.raises(services.MentoringError):
        services.close_pair(pair, mentor_user, final_reflection="otra", achievements={})


def test_participants_from_requests(mentoring, mentoring_page, coordinator):
    from tutoria_cms.requests import services as request_services

    from .conftest import make_student

    student = make_student("R001")
    request = request_services.create_request(
        kind="peer_mentoring",
        student=student,
        programme=mentoring_page,
        mentoring_role="mentee",
        user=coordinator,
    )
    assert services.participants_from_requests(mentoring, coordinator) == []
    for action in ("submit", "review", "approve"):
        request = request_services.transition(request, action, coordinator)
    (created,) = services.participants_from_requests(mentoring, coordinator)
    assert created.role == "mentee" and created.request == request
    assert services.participants_from_requests(mentoring, coordinator) == []
