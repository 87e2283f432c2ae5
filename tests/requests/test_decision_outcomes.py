"""Decisions beyond approve / deny (issue #14, item 3; UFOPA Res. 331/2020, art. 242, § 1):
redirect to a regular class and schedule change, offered only where the request's rule set
allows them, each with its reasons, a reasoned notice to the student, a final state, its
history, the evidence sheet, the indicators and the student's own data."""

import dataclasses

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.accreditation.builder import collect_indicators
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.core import roles
from tutoria_cms.requests import permissions, services
from tutoria_cms.requests.eligibility import (
    CHANGE_SCHEDULE,
    REDIRECT,
    RuleSet,
    get_rule_set,
    register_rule_set,
)
from tutoria_cms.requests.eligibility.base import _REGISTRY
from tutoria_cms.requests.evidence import RequestHistorySource, RequestsSource
from tutoria_cms.requests.models import Notification, RequestKind, RequestState
from tutoria_cms.requests.subject import subject_data

pytestmark = pytest.mark.django_db

REASON = "Há turma regular de Cálculo I no noturno, com vagas."
CLASS = "MAT101 – turma 02 (noturno)"
OUTCOMES = {
    REDIRECT: RequestState.REDIRECTED,
    CHANGE_SCHEDULE: RequestState.SCHEDULE_CHANGE,
}


def transition_url(request, action):
    return reverse("tutoria_requests:transition", args=[request.pk, action])


def inspect_url(request):
    return reverse("tutoria_requests:inspect", args=[request.pk])


@pytest.fixture
def under_review(class_request, coordinator):
    return walk(class_request, {"submit": coordinator, "review": coordinator}, "submit", "review")


@pytest.fixture
def board_client(board):
    client = Client()
    client.force_login(board)
    return client


@pytest.fixture
def approve_or_deny_only(settings):
    """A rule set that allows no decision beyond approve / deny, chosen by the install."""
    rule_set = dataclasses.replace(
        get_rule_set("ufopa-331-2020"), identifier="test-approve-or-deny", decision_outcomes=()
    )
    register_rule_set(rule_set)
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "DEFAULT_RULE_SET": rule_set.identifier}
    yield rule_set
    _REGISTRY.pop(rule_set.identifier, None)


def decide(client, request, action, *, language="en", **data):
    return client.post(transition_url(request, action), data, HTTP_ACCEPT_LANGUAGE=language)


def outcome_data(action):
    return {"reason": REASON, **({"regular_class": CLASS} if action == REDIRECT else {})}


# The rule set's declaration -------------------------------------------------------------------


def test_the_ufopa_rule_set_allows_both_outcomes_and_a_rule_set_none_by_default():
    ufopa = get_rule_set("ufopa-331-2020")
    assert ufopa.allows(REDIRECT) and ufopa.allows(CHANGE_SCHEDULE)
    plain = dataclasses.replace(ufopa, identifier="plain", decision_outcomes=())
    assert not plain.allows(REDIRECT) and not plain.allows(CHANGE_SCHEDULE)
    assert RuleSet("x", "X", "1", ufopa.effective_date, ufopa.rules).decision_outcomes == ()
    with pytest.raises(ValueError, match="unknown decision outcomes"):
        dataclasses.replace(ufopa, identifier="bad", decision_outcomes=("expel",))


# Through the admin decision form ---------------------------------------------------------------


@pytest.mark.parametrize("action", list(OUTCOMES))
def test_the_board_decides_each_outcome_through_the_admin_form(
    action, under_review, board, board_client, django_capture_on_commit_callbacks
):
    page = board_client.get(inspect_url(under_review), HTTP_ACCEPT_LANGUAGE="en")
    assert transition_url(under_review, action) in page.text  # the action button
    form = board_client.get(transition_url(under_review, action), HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200 and 'name="reason"' in form.text
    assert ('name="regular_class"' in form.text) == (action == REDIRECT)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(board_client, under_review, action, **outcome_data(action))
    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.state == OUTCOMES[action]
    assert not under_review.is_open
    assert under_review.decision_reason == REASON
    assert under_review.regular_class == (CLASS if action == REDIRECT else "")
    assert under_review.decided_by == board and under_review.decided_at is not None
    assert under_review.rule_set == "ufopa-331-2020"
    # Final: no decision, start or withdrawal afterwards; no individual class was opened.
    assert permissions.available_actions(board, under_review) == []
    assert not under_review.individual_classes.exists()
    with pytest.raises(services.TransitionError):
        services.transition(under_review, "approve", board)


def test_a_redirect_is_a_final_state_nobody_can_withdraw_or_start(under_review, board, coordinator):
    services.transition(under_review, REDIRECT, board, reason=REASON, regular_class=CLASS)
    for action in ("withdraw", "start", "deny", CHANGE_SCHEDULE):
        with pytest.raises(services.TransitionError) as error:
            services.transition(under_review, action, coordinator, reason="x")
        assert error.value.code in ("state", "permission")


@pytest.mark.parametrize(
    ("action", "language", "required"),
    [
        (REDIRECT, "es", "Este campo es obligatorio."),
        (CHANGE_SCHEDULE, "pt-BR", "Este campo é obrigatório."),
    ],
)
def test_each_outcome_needs_its_reasons_with_a_translated_error(
    action, language, required, under_review, board_client
):
    data = {**outcome_data(action), "reason": "  "}
    response = decide(board_client, under_review, action, language=language, **data)
    assert response.status_code == 200 and required in response.text
    under_review.refresh_from_db()
    assert under_review.state == RequestState.UNDER_REVIEW and under_review.decision_reason == ""


def test_a_redirect_needs_the_regular_class(under_review, board, board_client):
    response = decide(board_client, under_review, REDIRECT, language="es", reason=REASON)
    assert response.status_code == 200 and "Este campo es obligatorio." in response.text
    under_review.refresh_from_db()
    assert under_review.state == RequestState.UNDER_REVIEW
    # The service refuses it too (with its own translated message).
    with translation.override("pt-br"):
        with pytest.raises(services.TransitionError) as error:
            services.transition(under_review, REDIRECT, board, reason=REASON)
        assert error.value.code == "regular_class_required"
        assert "turma regular" in error.value.messages[0]
    with pytest.raises(services.TransitionError) as error:
        services.transition(under_review, CHANGE_SCHEDULE, board, reason="")
    assert error.value.code == "reason_required"


# Offered only where the rule set allows them --------------------------------------------------


@pytest.mark.parametrize("action", list(OUTCOMES))
def test_a_rule_set_without_them_offers_only_approve_and_deny(
    action, approve_or_deny_only, under_review, board, board_client
):
    assert permissions.available_actions(board, under_review) == ["approve", "deny"]
    page = board_client.get(inspect_url(under_review), HTTP_ACCEPT_LANGUAGE="en")
    assert transition_url(under_review, "deny") in page.text
    assert transition_url(under_review, action) not in page.text
    assert board_client.get(transition_url(under_review, action)).status_code == 404
    assert decide(board_client, under_review, action, **outcome_data(action)).status_code == 404
    with pytest.raises(services.TransitionError) as error:
        services.transition(under_review, action, board, reason=REASON, regular_class=CLASS)
    assert error.value.code == "outcome_not_allowed"
    under_review.refresh_from_db()
    assert under_review.state == RequestState.UNDER_REVIEW


def test_support_requests_are_not_offered_them(support_request, coordinator, board):
    support_request = walk(
        support_request, {"submit": coordinator, "review": coordinator}, "submit", "review"
    )
    assert permissions.available_actions(coordinator, support_request) == [
        "approve",
        "deny",
        "withdraw",
    ]
    with pytest.raises(services.TransitionError) as error:
        services.transition(support_request, CHANGE_SCHEDULE, board, reason=REASON)
    assert error.value.code == "outcome_not_allowed"


@pytest.mark.parametrize("action", list(OUTCOMES))
def test_only_who_decides_today_may_use_them(action, under_review, coordinator, tutor, client):
    """Individual classes are the board's: coordination, tutors and the other roles may
    neither see the button nor post the form."""
    quality = factories.UserFactory(username="quality", groups=[roles.QUALITY])
    orientation = factories.UserFactory(username="orient", groups=[roles.ORIENTATION])
    for user in (coordinator, tutor, quality, orientation):
        client.force_login(user)
        response = decide(client, under_review, action, **outcome_data(action))
        # Refused: a 403, a 404 or Wagtail's redirect to the dashboard.
        assert response.status_code in (403, 404) or response.url == "/admin/", user
        assert action not in permissions.available_actions(user, under_review)
    under_review.refresh_from_db()
    assert under_review.state == RequestState.UNDER_REVIEW


# The reasoned notice -------------------------------------------------------------------------


def test_the_redirect_notice_in_portuguese_carries_the_class_reasons_and_next_steps(
    under_review, board_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(board_client, under_review, REDIRECT, **outcome_data(REDIRECT))
    (message,) = mail.outbox
    assert message.to == [under_review.student.email]
    assert message.subject == "Sua solicitação de tutoria: redirecionada para turma regular"
    assert "foi redirecionado(a) para uma turma regular" in message.body
    assert f"Turma regular: {CLASS}" in message.body
    assert REASON in message.body
    assert "O que fazer agora: matricule-se nesta turma regular" in message.body
    notification = Notification.objects.get(request=under_review)
    assert notification.status == Notification.Status.SENT and notification.attempts == 1


def test_the_schedule_change_notice_in_spanish(
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
    walk(request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(request, CHANGE_SCHEDULE, board, reason="Choque con Física II.")
    (message,) = mail.outbox
    assert message.subject == "Tu solicitud de tutoría: resuelta con un cambio de horario"
    assert "se resuelve con un cambio de horario (ajuste de inscripción)" in message.body
    assert "Choque con Física II." in message.body
    assert "Qué hacer ahora: solicita el cambio de horario" in message.body
    assert "Grupo ordinario" not in message.body


def test_a_notice_not_sent_is_told_truthfully_and_printable_as_a_letter(
    under_review, board, coordinator, client, django_capture_on_commit_callbacks
):
    from unittest import mock

    student = under_review.student
    student.email = ""
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(under_review, REDIRECT, board, reason=REASON, regular_class=CLASS)
    notification = Notification.objects.get(request=under_review)
    assert notification.status == Notification.Status.NO_ADDRESS and not mail.outbox
    client.force_login(coordinator)
    letter = client.get(
        reverse("tutoria_requests:letter", args=[under_review.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert CLASS in letter.text and REASON in letter.text
    assert "redirecionada para turma regular" in letter.text  # the student's language
    # The mail server fails: "failed", kept for a retry.
    student.email = "aluno@example.edu"
    student.save()
    with mock.patch("tutoria_cms.requests.tasks.send_mail", side_effect=OSError("down")):
        from tutoria_cms.requests.tasks import send_notification

        assert send_notification.call(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


# Where the outcome shows ---------------------------------------------------------------------


def test_the_request_page_and_its_history_show_the_outcome(under_review, board, board_client):
    services.transition(under_review, REDIRECT, board, reason=REASON, regular_class=CLASS)
    page = board_client.get(inspect_url(under_review), HTTP_ACCEPT_LANGUAGE="es").text
    assert "Redirigida a un grupo ordinario" in page  # the state, and the history's action
    assert page.count("Redirigida a un grupo ordinario") >= 2
    assert CLASS in page and REASON in page


def test_the_evidence_sheet_and_the_indicators_count_it_as_neither_approved_nor_denied(
    programme, term, component, coordinator, board
):
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "deny": board}
    states = {}
    for number, (action, extra) in enumerate(
        (
            ("approve", {}),
            ("deny", {}),
            (REDIRECT, {"regular_class": CLASS}),
            (CHANGE_SCHEDULE, {}),
        )
    ):
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=factories.make_student(f"E{number}"),
            term=term,
            component=component,
            programme=programme,
            user=coordinator,
        )
        walk(request, actors, "submit", "review")
        states[action] = services.transition(request, action, board, reason=REASON, **extra)
    context = build_context({"site": "localhost"})
    with translation.override("en"):
        rows = {row[0]: row for row in RequestsSource().rows(context)}
        redirected = rows[states[REDIRECT].pk]
        assert redirected[2] == "Redirected to a regular class" and redirected[-1] == CLASS
        assert redirected[8] is not None  # decided
        assert rows[states[CHANGE_SCHEDULE].pk][2] == "Sent to a schedule change"
        assert rows[states["approve"].pk][-1] == ""
        history = list(RequestHistorySource().rows(context))
        assert any(
            row[0] == states[REDIRECT].pk and row[3] == "Redirected to a regular class"
            for row in history
        )
        got = {i.key: i for i in collect_indicators(context)}
    assert got["requests_state_redirected"].value == 1
    assert got["requests_state_schedule_change"].value == 1
    assert got["requests_state_approved"].value == 1
    assert got["requests_state_denied"].value == 1
    # One approval among four decisions: the outcomes are decided, not approved, not denied.
    assert str(got["approval_rate"].value) == "25.0"


def test_the_evidence_sheet_as_of_the_day_of_the_decision(
    programme, term, component, coordinator, board
):
    from django.utils import timezone

    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=factories.make_student("ASOF"),
        term=term,
        component=component,
        programme=programme,
        user=coordinator,
    )
    walk(request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    services.transition(request, REDIRECT, board, reason=REASON, regular_class=CLASS)
    today = timezone.localdate().isoformat()
    with translation.override("en"):
        (row,) = RequestsSource().rows(build_context({"site": "localhost", "as_of": today}))
    assert row[2] == "Redirected to a regular class" and row[-1] == CLASS


def test_the_students_own_data_show_the_outcome(under_review, board):
    services.transition(under_review, REDIRECT, board, reason=REASON, regular_class=CLASS)
    superuser = factories.UserFactory(username="root", is_superuser=True)
    with translation.override("en"):
        number = under_review.student.student_number
        sheets = {str(sheet.title): sheet for sheet in subject_data(number, superuser)}
        requests = sheets["Requests"]
        assert "Regular class" in [str(column) for column in requests.columns]
        (row,) = requests.rows
    assert str(row[2]) == "Redirected to a regular class"
    assert row[7] == REASON and row[8] == CLASS


def test_finished_outcomes_fall_under_the_retention_period(under_review, board):
    assert RequestState.REDIRECTED in services.RETAINED_STATES
    assert RequestState.SCHEDULE_CHANGE in services.RETAINED_STATES
