"""Notifications to students (issue #16 item 5): a tutor assigned, a session recorded, a
referral made or changed; through the claim-then-send outbox, in the request's language,
turned off by the student's choice (never the decision notice), saying nothing staff wrote."""

import datetime

import pytest

from tests import factories
from tutoria_cms.requests import services
from tutoria_cms.requests.models import Notification, ReferralStatus, RequestKind

pytestmark = pytest.mark.django_db

PRIVATE = "Le cuesta dormir por problemas en casa"
REASON = "Ansiedad ante los exámenes, derivar a psicología"


@pytest.fixture
def running(coordinator, tutor, mx_home, django_capture_on_commit_callbacks):
    student = factories.make_student("2019001", full_name="Valeria Gómez")
    request = services.create_request(
        kind=RequestKind.SUPPORT, student=student, user=coordinator, language="es"
    )
    return factories.walk(
        request, {"submit": coordinator, "review": coordinator}, "submit", "review"
    )


def start(request, tutor, coordinator, board):
    """Approved, its tutor assigned and the tutoring started (sessions and referrals)."""
    request = services.transition(request, "approve", board, reason="Cumple")
    request = services.assign_tutor(request, tutor, coordinator)
    return services.transition(request, "start", coordinator)


def send_all(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        return action()


def test_the_student_is_told_who_their_tutor_is(
    running, tutor, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    send_all(
        django_capture_on_commit_callbacks,
        lambda: services.assign_tutor(running, tutor, coordinator),
    )
    (message,) = [m for m in mailoutbox if m.to == [running.student.email]]
    assert message.subject
    assert (tutor.get_full_name() or tutor.get_username()) in message.body
    notification = Notification.objects.get(request=running, event=f"tutor:{tutor.pk}")
    assert notification.status == Notification.Status.SENT
    assert notification.get_kind_display()


def test_a_recorded_session_is_told_without_its_private_notes(
    running, tutor, coordinator, board, mailoutbox, django_capture_on_commit_callbacks
):
    running = start(running, tutor, coordinator, board)
    mailoutbox.clear()
    session = send_all(
        django_capture_on_commit_callbacks,
        lambda: services.record_session(
            running,
            tutor,
            date=datetime.date(2026, 3, 2),
            modality="in_person",
            duration_minutes=50,
            private_notes=PRIVATE,
        ),
    )
    (message,) = mailoutbox
    assert "50" in message.body and PRIVATE not in message.body
    assert Notification.objects.filter(event=f"session:{session.pk}").exists()


def test_referral_news_never_says_the_reason_nor_the_service(
    running, tutor, coordinator, board, orientation, mailoutbox, django_capture_on_commit_callbacks
):
    running = start(running, tutor, coordinator, board)
    mailoutbox.clear()
    service = factories.referral_service(running.site, name="Psicología")
    referral = send_all(
        django_capture_on_commit_callbacks,
        lambda: services.refer(running, tutor, reason=REASON, service=service),
    )
    send_all(
        django_capture_on_commit_callbacks,
        lambda: services.update_referral(
            referral, orientation, status=ReferralStatus.ATTENDED, outcome_notes="Notas"
        ),
    )
    to_student = [m for m in mailoutbox if m.to == [running.student.email]]
    assert len(to_student) == 2  # referred, attended
    for message in to_student:
        assert REASON not in message.body and "Psicología" not in message.body
        assert "Notas" not in message.body
    assert "“Atendido”" in to_student[1].body
    assert (
        Notification.objects.filter(
            event__in=[f"referral:{referral.pk}:sent", f"referral:{referral.pk}:attended"]
        ).count()
        == 2
    )


def test_a_student_who_turned_news_off_gets_only_decisions(
    running, tutor, coordinator, board, mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.make_student_user(running.student)
    user.student_account.email_news = False
    user.student_account.save()
    running.refresh_from_db()
    send_all(
        django_capture_on_commit_callbacks,
        lambda: services.transition(running, "approve", board, reason="Cumple"),
    )
    send_all(
        django_capture_on_commit_callbacks,
        lambda: services.assign_tutor(running, tutor, coordinator),
    )
    assert [n.kind for n in Notification.objects.filter(request=running)] == ["decision"]
    assert len(mailoutbox) == 1


def test_news_about_a_tutor_replaced_before_sending_is_dropped(
    running, tutor, coordinator, mailoutbox
):
    from tutoria_cms.requests.tasks import send_notification

    services.assign_tutor(running, tutor, coordinator)  # the e-mail waits (no commit here)
    notification = Notification.objects.get(event=f"tutor:{tutor.pk}")
    running.assigned_tutor = None
    running.save(update_fields=["assigned_tutor"])
    assert send_notification.call(notification.pk) is False
    assert not Notification.objects.filter(pk=notification.pk).exists()
    assert mailoutbox == []


def test_undelivered_news_is_not_a_letter_to_print(running, tutor, coordinator):
    from tutoria_cms.requests.dashboard import attention_condition

    running.student.email = ""
    running.student.save()
    services.assign_tutor(running, tutor, coordinator)
    Notification.objects.update(status=Notification.Status.NO_ADDRESS)
    from tutoria_cms.requests.models import TutoringRequest

    assert not TutoringRequest.objects.filter(attention_condition("undelivered")).exists()
