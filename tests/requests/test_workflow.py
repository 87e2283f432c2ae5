"""Transitions allowed and refused (by state and by role), rules, history, audit log, e-mail."""

import pytest
from django.core import mail
from django.utils import translation

from tests import factories
from tests.requests.conftest import add_failures, make_student, walk
from tutoria_cms.core import roles
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.models import (
    IndividualClass,
    Notification,
    RequestKind,
    RequestLogEntry,
    RequestState,
    TutoringRequest,
)

pytestmark = pytest.mark.django_db

ALL_STATES = [state for state, _label in RequestState.choices]


def actors(coordinator, board):
    return {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "deny": board,
        "redirect": board,
        "change_schedule": board,
        "start": coordinator,
        "close": coordinator,
        "withdraw": coordinator,
    }


def force_state(request, state):
    # Test set-up only (bypasses the services); a denial (a redirect, a schedule change)
    # always carries its reason, a redirect its regular class.
    TutoringRequest.objects.filter(pk=request.pk).update(
        state=state, decision_reason="x", regular_class="x"
    )
    request.refresh_from_db()
    return request


# Decisions beyond approve / deny: only for individual-class requests (their rule set allows
# them), with reasons and, for a redirect, the regular class.
OUTCOMES = ("redirect", "change_schedule")


@pytest.mark.parametrize("action", list(services.TRANSITIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_transition_table_by_state(
    action, state, support_request, class_request, coordinator, board, tutor
):
    """Every (state, action) pair: allowed exactly where the table says, else refused."""
    request = class_request if action in OUTCOMES else support_request
    request.assigned_tutor = tutor
    request.save()
    force_state(request, state)
    spec = services.TRANSITIONS[action]
    user = actors(coordinator, board)[action]
    reason = "Motivos fundados" if action in ("deny", *OUTCOMES) else ""
    extra = {"regular_class": "MAT101 T02"} if action == "redirect" else {}
    if state in spec.sources:
        result = services.transition(request, action, user, reason=reason, **extra)
        assert result.state == spec.target
    else:
        with pytest.raises(services.TransitionError) as error:
            services.transition(request, action, user, reason=reason, **extra)
        assert error.value.code == "state"
        request.refresh_from_db()
        assert request.state == state


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (roles.COORDINATION, "submit", True),
        (roles.BOARD, "submit", False),
        (roles.TUTORS, "submit", False),
        (roles.QUALITY, "submit", False),
        (roles.COMMUNICATIONS, "review", False),
        (roles.COORDINATION, "review", True),
        (roles.BOARD, "approve", True),
        (roles.COORDINATION, "approve", False),  # individual classes are the board's
        (roles.ORIENTATION, "approve", False),
        (roles.TUTORS, "deny", False),
        (roles.BOARD, "deny", True),
        # Redirect and schedule change: who decides today (the board, for classes), nobody else.
        (roles.BOARD, "redirect", True),
        (roles.BOARD, "change_schedule", True),
        *(
            (role, action, False)
            for action in OUTCOMES
            for role in (
                roles.COORDINATION,
                roles.TUTORS,
                roles.ORIENTATION,
                roles.QUALITY,
                roles.COMMUNICATIONS,
            )
        ),
    ],
)
def test_transitions_by_role_on_an_individual_class(
    role, action, allowed, class_request, coordinator
):
    user = factories.UserFactory(username=f"u-{role}", groups=[role])
    sources = {"submit": RequestState.DRAFT, "review": RequestState.SUBMITTED}
    force_state(class_request, sources.get(action, RequestState.UNDER_REVIEW))
    extra = {"regular_class": "MAT101 T02"} if action == "redirect" else {}
    if allowed:
        services.transition(class_request, action, user, reason="Fundamentação", **extra)
        assert action not in OUTCOMES or action in permissions.available_actions(
            user, force_state(class_request, RequestState.UNDER_REVIEW)
        )
    else:
        with pytest.raises(services.TransitionRefused):
            services.transition(class_request, action, user, reason="Fundamentação", **extra)
        assert action not in permissions.available_actions(user, class_request)


def test_coordination_may_accept_support_requests(support_request, coordinator):
    force_state(support_request, RequestState.UNDER_REVIEW)
    assert services.transition(support_request, "approve", coordinator).state == "approved"


def test_anonymous_and_inactive_users_can_do_nothing(support_request, coordinator):
    from django.contrib.auth.models import AnonymousUser

    coordinator.is_active = False
    coordinator.save()
    for user in (AnonymousUser(), coordinator):
        with pytest.raises(services.TransitionRefused):
            services.transition(support_request, "submit", user)


def test_denial_needs_a_written_reason(class_request, coordinator, board):
    walk(class_request, actors(coordinator, board), "submit", "review")
    for empty in ("", "   ", "\u200b"):
        with pytest.raises(services.TransitionError):
            services.transition(class_request, "deny", board, reason=empty)
    class_request.refresh_from_db()
    assert class_request.state == RequestState.UNDER_REVIEW


def test_history_rows_and_audit_log_per_transition(support_request, coordinator, board, tutor):
    support_request = services.assign_tutor(support_request, tutor, coordinator)
    walk(support_request, actors(coordinator, board), "submit", "review")
    services.transition(support_request, "approve", board, reason="Procede")
    history = list(support_request.history.order_by("history_id"))
    assert [h.state for h in history] == ["draft", "draft", "submitted", "under_review", "approved"]
    assert [h.history_change_reason for h in history] == [
        "create",
        "assign_tutor",
        "submit",
        "review",
        "Procede",
    ]
    assert history[-1].history_user == board
    entries = RequestLogEntry.objects.filter(object_id=str(support_request.pk)).order_by("pk")
    assert [e.action for e in entries] == [
        "wagtail.create",
        "tutoria_requests.assign_tutor",
        "tutoria_requests.submit",
        "tutoria_requests.review",
        "tutoria_requests.approve",
    ]
    assert entries.last().data == {"from": "under_review", "to": "approved"}
    for entry in entries:
        assert "CONFIDENTIAL" not in entry.label and "emotional" not in str(entry.data)


def test_double_decision_is_impossible(class_request, coordinator, board):
    walk(class_request, actors(coordinator, board), "submit", "review", "approve")
    with pytest.raises(services.TransitionError):
        services.transition(class_request, "approve", board)
    with pytest.raises(services.TransitionError):
        services.transition(class_request, "deny", board, reason="tarde")
    assert Notification.objects.filter(request=class_request).count() == 1


def test_review_stores_the_verdict_it_was_judged_by(class_request, coordinator, board):
    add_failures(class_request.student, class_request.component, absence=1)
    walk(class_request, actors(coordinator, board), "submit", "review")
    class_request.refresh_from_db()
    assert class_request.rule_set == "ufopa-331-2020"
    assert class_request.verdict["eligible"] is False
    outcomes = {r["code"]: r["outcome"] for r in class_request.verdict["results"]}
    assert outcomes["art244.VII"] == "fail"
    assert "falta" in next(
        r["explanation"] for r in class_request.verdict["results"] if r["code"] == "art244.VII"
    )  # judged in the request's language (pt-br)


def test_ineligible_requests_cannot_be_approved_only_denied(class_request, coordinator, board):
    add_failures(class_request.student, class_request.component, grade=3)
    walk(class_request, actors(coordinator, board), "submit", "review")
    with translation.override("es"):
        with pytest.raises(services.TransitionError) as error:
            services.transition(class_request, "approve", board)
        assert "art. 244, VIII" in error.value.messages[0]
    services.transition(class_request, "deny", board, reason="Três reprovações por nota.")
    class_request.refresh_from_db()
    assert class_request.state == RequestState.DENIED


def test_failures_in_equivalent_components_count(class_request, coordinator, board):
    from tutoria_cms.academics.models import CurricularComponent

    equivalent = CurricularComponent.objects.create(code="MAT101B", name="Cálculo", hours=60)
    class_request.component.equivalents.add(equivalent)
    add_failures(class_request.student, equivalent, absence=1)
    assert services.facts_for(class_request).failures_by_absence == 1


def test_denial_notifies_the_student_once_in_their_language(
    class_request, coordinator, board, django_capture_on_commit_callbacks
):
    add_failures(class_request.student, class_request.component, absence=2)
    walk(class_request, actors(coordinator, board), "submit", "review")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(class_request, "deny", board, reason="Reprovação por falta.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [class_request.student.email]
    assert message.subject == "Decisão sobre a sua solicitação de tutoria"
    assert "Reprovação por falta." in message.body
    assert "art. 244, VII" in message.body and "art. 244, II," not in message.body
    notification = Notification.objects.get(request=class_request)
    assert notification.status == Notification.Status.SENT and notification.attempts == 1
    from tutoria_cms.requests.tasks import send_notification

    assert send_notification.call(notification.pk) is False  # never twice
    assert len(mail.outbox) == 1


def test_approval_e_mail_in_spanish(
    student, term, component, coordinator, board, django_capture_on_commit_callbacks
):
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="es",
    )
    walk(request, actors(coordinator, board), "submit", "review")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(request, "approve", board)
    assert mail.outbox[0].subject == "Tu solicitud de tutoría fue aprobada"
    assert "Requisitos no cumplidos" not in mail.outbox[0].body


def test_failed_e_mail_is_kept_and_retried(
    class_request, coordinator, board, settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    walk(class_request, actors(coordinator, board), "submit", "review")
    with (
        mock.patch("tutoria_cms.requests.tasks.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.transition(class_request, "approve", board)
    notification = Notification.objects.get(request=class_request)
    assert notification.status == Notification.Status.FAILED and len(mail.outbox) == 0
    from django.core.management import call_command

    call_command("send_tutoria_notifications")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 2
    assert len(mail.outbox) == 1


def test_approved_individual_class_opens_then_joins_the_class(term, component, coordinator, board):
    requests = []
    for number in range(5):
        student = make_student(f"20190{number:02d}")
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=student,
            term=term,
            component=component,
            user=coordinator,
        )
        requests.append(walk(request, actors(coordinator, board), "submit", "review"))
    for request in requests[:4]:
        services.transition(request, "approve", board)
    cls = IndividualClass.objects.get()
    assert cls.requests.count() == 4 and cls.in_person_hours == 18
    with pytest.raises(services.TransitionError) as error:
        services.transition(requests[4], "approve", board)
    assert error.value.code == "class_full"
    requests[4].refresh_from_db()
    assert requests[4].state == RequestState.UNDER_REVIEW  # nothing half-done


def test_a_student_has_at_most_two_active_class_requests_per_term(student, term, coordinator):
    from tutoria_cms.academics.models import CurricularComponent

    created = []
    for code in ("A1", "A2", "A3"):
        component = CurricularComponent.objects.create(code=code, name=code, hours=60)
        created.append(
            services.create_request(
                kind=RequestKind.INDIVIDUAL_CLASS,
                student=student,
                term=term,
                component=component,
                user=coordinator,
            )
        )
    services.transition(created[0], "submit", coordinator)
    services.transition(created[1], "submit", coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.transition(created[2], "submit", coordinator)
    assert error.value.code == "per_term_limit"


def test_one_individual_class_per_tutor_per_term(term, component, coordinator, tutor):
    from tutoria_cms.academics.models import CurricularComponent

    other = CurricularComponent.objects.create(code="FIS101", name="Física", hours=60)
    first = IndividualClass.objects.create(term=term, component=component)
    second = IndividualClass.objects.create(term=term, component=other)
    services.designate_tutor(first, tutor, coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.designate_tutor(second, tutor, coordinator)
    assert error.value.code == "tutor_limit"


def test_support_request_needs_a_tutor_within_capacity(support_request, coordinator, board, tutor):
    walk(support_request, actors(coordinator, board), "submit", "review", "approve")
    with pytest.raises(services.TransitionError) as error:
        services.transition(support_request, "start", coordinator)
    assert error.value.code == "tutor_required"
    support_request = services.assign_tutor(support_request, tutor, coordinator)
    assert services.transition(support_request, "start", coordinator).state == "in_progress"
    assert services.transition(support_request, "close", tutor).state == "closed"


def test_disclosure_is_need_to_know(
    support_request, coordinator, board, tutor, other_tutor, orientation
):
    support_request = services.assign_tutor(support_request, tutor, coordinator)
    assert permissions.can_read_disclosure(tutor, support_request)
    for user in (coordinator, board, other_tutor, orientation):
        assert not permissions.can_read_disclosure(user, support_request)
    superuser = factories.UserFactory(username="root", is_superuser=True)
    assert not permissions.can_read_disclosure(superuser, support_request)


def test_visibility_by_role(support_request, class_request, coordinator, board, tutor, other_tutor):
    support_request = services.assign_tutor(support_request, tutor, coordinator)
    services.transition(class_request, "submit", coordinator)
    assert set(permissions.visible_requests(coordinator)) == {support_request, class_request}
    assert set(permissions.visible_requests(board)) == {class_request}  # drafts are not theirs
    assert set(permissions.visible_requests(tutor)) == {support_request}
    assert set(permissions.visible_requests(other_tutor)) == set()


def test_nothing_sensitive_in_str_or_history_of_the_request(support_request):
    assert str(support_request) == f"Tutoring support #{support_request.pk}"
    fields = {f.name for f in support_request.history.model._meta.fields}
    assert not {"reasons", "description"} & fields


# --- Facts of the limits of art. 244 (UFOPA Res. 331/2020), whatever the term (#14 item 1) ----
# III: "no máximo 2 componentes curriculares por período letivo"; IV: "no máximo 4
# componentes curriculares ... durante o curso". Both count what the student has taken and
# what is on its way: approving every pending request must not exceed the limit.


def _sibling(student, term, component, coordinator, state):
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="pt-br",
    )
    return force_state(request, state)


@pytest.fixture
def earlier_term(db):
    import datetime

    from tutoria_cms.academics.models import Term
    from tutoria_cms.core.institutions import default_site

    return Term.objects.create(
        site=default_site(),
        code="2025-2",
        name="2025/2",
        starts_on=datetime.date(2025, 8, 1),
        ends_on=datetime.date(2025, 12, 15),
        kind="regular",
    )


@pytest.mark.parametrize(
    ("earlier", "current", "taken", "this_term"),
    [
        # The finding: 3 classes in earlier terms, 1 approved now: the 5th must count 4.
        ([RequestState.CLOSED] * 3, [RequestState.APPROVED], 4, 1),
        ([], [RequestState.IN_PROGRESS, RequestState.CLOSED], 2, 2),
        ([], [RequestState.SUBMITTED, RequestState.UNDER_REVIEW], 2, 2),
        ([RequestState.APPROVED], [], 1, 0),
        # Drafts, denials and withdrawals are no class.
        (
            [RequestState.DENIED, RequestState.WITHDRAWN],
            [RequestState.DRAFT, RequestState.DENIED],
            0,
            0,
        ),
    ],
)
def test_limits_count_every_term_and_pending_requests(
    class_request, earlier_term, coordinator, earlier, current, taken, this_term
):
    student, component = class_request.student, class_request.component
    for state in earlier:
        _sibling(student, earlier_term, component, coordinator, state)
    for state in current:
        _sibling(student, class_request.term, component, coordinator, state)
    facts = services.facts_for(class_request)
    assert facts.individual_classes_taken == taken
    assert facts.other_requests_this_term == this_term


def test_a_fifth_class_in_the_course_is_refused(class_request, earlier_term, coordinator, board):
    student, component = class_request.student, class_request.component
    for _ in range(3):
        _sibling(student, earlier_term, component, coordinator, RequestState.CLOSED)
    _sibling(student, class_request.term, component, coordinator, RequestState.APPROVED)
    _rule_set, verdict = services.judge(class_request)
    assert verdict.outcome("art244.IV") == "fail"
