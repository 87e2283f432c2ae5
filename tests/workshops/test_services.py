import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from tests import factories
from tutoria_cms.workshops import services, tasks
from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

Status = WorkshopRegistration.Status


def sign_up(workshop, number, email=None, language="es", **kwargs):
    data = {
        "student_number": f"A{number:05d}",
        "full_name": f"Alumna {number}",
        "email": email or f"alumna{number}@example.edu",
        "consent": True,
        "language": language,
    }
    data.update(kwargs)
    return services.register(workshop, **data)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the e-mail task) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_register_confirms_stores_and_emails_in_spanish(workshop, on_commit):
    with on_commit():
        result = sign_up(workshop, 1, email="Alumna1@Example.edu", full_name="María López")
    assert result.status == Status.CONFIRMED and result.confirmed
    registration = WorkshopRegistration.objects.get()
    assert registration.email == "alumna1@example.edu"
    assert registration.consent and registration.consent_at is not None
    assert registration.language == "es"
    assert registration.confirmation_sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alumna1@example.edu"]
    assert message.subject == "Inscripción confirmada: Taller de técnicas de estudio"
    assert message.body.startswith("Hola:\n") and "María" not in message.body  # no typed text
    assert "está confirmado" in message.body
    assert "María" not in message.subject  # no personal data in subjects
    assert registration.history.count() == 1


def test_register_on_the_brazilian_site_emails_in_portuguese(br_workshop, on_commit):
    with translation.override("es"), on_commit():
        result = sign_up(br_workshop, 1, language="pt-br", full_name="João Silva")
    assert result.confirmed
    message = mail.outbox[0]
    assert message.subject == "Inscrição confirmada: Oficina de estudos"
    assert message.body.startswith("Olá,\n") and "João" not in message.body
    assert "Hola" not in message.body


def test_capacity_then_waiting_list(workshop, on_commit):
    with on_commit():
        first = sign_up(workshop, 1)
        second = sign_up(workshop, 2)
        third = sign_up(workshop, 3)
    assert [first.status, second.status, third.status] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]
    assert third.waitlisted
    assert WorkshopRegistration.objects.filter(status=Status.CONFIRMED).count() == 2
    assert len(mail.outbox) == 3
    assert mail.outbox[2].subject == "Lista de espera: Taller de técnicas de estudio"
    assert "lista de espera" in mail.outbox[2].body


def test_full_without_waiting_list_is_refused(programme):
    workshop = factories.build_workshop(programme, capacity=2, waiting_list_enabled=False)
    sign_up(workshop, 1)
    sign_up(workshop, 2)
    with translation.override("es"), pytest.raises(services.WorkshopFull) as error:
        sign_up(workshop, 3)
    with translation.override("es"):
        assert "no tiene lista de espera" in error.value.messages[0]
    assert WorkshopRegistration.objects.count() == 2


@pytest.mark.parametrize(
    "duplicate",
    [
        {"student_number": "A00001", "email": "otra@example.edu"},
        {"student_number": "B99999", "email": "ALUMNA1@example.EDU"},
    ],
    ids=["same-student-number", "same-email-other-case"],
)
def test_duplicates_are_refused_politely(workshop, duplicate, on_commit):
    with on_commit():
        sign_up(workshop, 1)
    before = list(WorkshopRegistration.objects.values())
    with (
        translation.override("es"),
        pytest.raises(services.AlreadyRegistered) as error,
        on_commit(),
    ):
        sign_up(workshop, 2, **duplicate)
    assert error.value.code == "duplicate"
    with translation.override("es"):
        assert "Ya estás inscrito" in error.value.messages[0]
    assert list(WorkshopRegistration.objects.values()) == before
    assert len(mail.outbox) == 1


def test_constraint_violation_is_reported_as_duplicate(workshop):
    sign_up(workshop, 1)
    # The check found nothing (as when two requests race): the constraint decides.
    with mock.patch.object(services, "_active_duplicates") as duplicates:
        duplicates.return_value.exists.return_value = False
        with pytest.raises(services.AlreadyRegistered):
            sign_up(workshop, 2, email="alumna1@example.edu")
    assert WorkshopRegistration.objects.count() == 1


def test_closed_registration_and_missing_consent_are_refused(programme):
    closed = factories.build_workshop(programme, title="Cerrado", registration_open=False)
    with pytest.raises(services.RegistrationClosed):
        sign_up(closed, 1)
    past = factories.build_workshop(
        programme, title="Pasado", sessions=[factories.session_data(days=-1)]
    )
    with pytest.raises(services.RegistrationClosed):
        sign_up(past, 1)
    open_workshop = factories.build_workshop(programme, title="Abierto")
    with pytest.raises(services.ConsentRequired):
        sign_up(open_workshop, 1, consent=False)
    assert not WorkshopRegistration.objects.exists()


def test_a_cancelled_student_may_sign_up_again(workshop):
    first = sign_up(workshop, 1).registration
    services.cancel(first)
    again = sign_up(workshop, 1)
    assert again.confirmed
    assert WorkshopRegistration.objects.filter(student_number="A00001").count() == 2


def test_cancel_promotes_the_first_on_the_waiting_list(workshop, on_commit, admin_user):
    with on_commit():
        confirmed = sign_up(workshop, 1).registration
        sign_up(workshop, 2)
        first_waiting = sign_up(workshop, 3).registration
        second_waiting = sign_up(workshop, 4).registration
    mail.outbox.clear()
    with on_commit():
        promoted = services.cancel(confirmed, admin_user)
    assert promoted == first_waiting
    confirmed.refresh_from_db()
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert confirmed.status == Status.CANCELLED
    assert first_waiting.status == Status.CONFIRMED
    assert second_waiting.status == Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[first_waiting.email]]
    assert mail.outbox[0].subject.startswith("Inscripción confirmada")
    assert confirmed.history.first().history_user == admin_user

    # Cancelling someone on the waiting list promotes nobody.
    assert services.cancel(second_waiting, admin_user) is None
    # Cancelling twice changes nothing.
    assert services.cancel(confirmed, admin_user) is None


def test_email_is_sent_once_and_the_claim_released_on_smtp_failure(workshop, caplog):
    registration = sign_up(workshop, 1).registration  # on-commit callbacks not run
    assert registration.confirmation_sent_at is None
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPException("down")),
        pytest.raises(smtplib.SMTPException),
    ):
        tasks.send_registration_email.call(registration.pk)
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is None
    assert f"registration {registration.pk}" in caplog.text
    assert "alumna1" not in caplog.text  # no personal data in logs

    assert tasks.send_registration_email.call(registration.pk) is True
    assert tasks.send_registration_email.call(registration.pk) is False
    assert len(mail.outbox) == 1


def test_record_attendance_upserts_rows_with_history(programme, admin_user):
    workshop = factories.build_workshop(
        programme,
        sessions=[factories.session_data(days=-7), factories.session_data(days=7)],
    )
    past, future = workshop.ordered_sessions
    ana, bea = factories.add_registrations(workshop, 2)
    waiting = factories.add_registrations(workshop, 1, status=Status.WAITLISTED, start=10)[0]

    assert services.record_attendance(past, {ana.pk: True, bea.pk: False}, admin_user) == 2
    rows = {a.registration_id: a for a in Attendance.objects.all()}
    assert rows[ana.pk].present and not rows[bea.pk].present
    assert rows[ana.pk].recorded_by == admin_user
    assert Attendance.history.count() == 2
    assert Attendance.history.first().history_user == admin_user

    # Same values: nothing written. A change: one update, one more history row.
    assert services.record_attendance(past, {ana.pk: True, bea.pk: False}, admin_user) == 0
    assert services.record_attendance(past, {ana.pk: True, bea.pk: True}, admin_user) == 1
    assert Attendance.objects.count() == 2
    assert Attendance.history.count() == 3

    with pytest.raises(services.AttendanceError):
        services.record_attendance(past, {waiting.pk: True}, admin_user)
    with pytest.raises(services.AttendanceError):
        services.record_attendance(future, {ana.pk: True}, admin_user)
    assert Attendance.objects.count() == 2
