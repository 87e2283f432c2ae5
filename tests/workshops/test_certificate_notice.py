"""The "your certificate is available" e-mail (#16 item 3): sent once, when a certificate is
issued, in the institution's language, with only the holder's name, what it certifies and the
links; not to a student who turned optional e-mails off."""

import pytest
from django.core import mail

from tests import factories
from tutoria_cms.workshops import certificates
from tutoria_cms.workshops.models import Attendance, Certificate, WorkshopRegistration


@pytest.fixture
def attended(programme):
    workshop = factories.build_workshop(
        programme,
        title="Técnicas de estudio",
        sessions=[factories.session_data(days=-3), factories.session_data(days=5)],
    )
    factories.add_registrations(workshop, 1)  # A000000, identity verified
    registration = WorkshopRegistration.objects.get()
    Attendance.objects.create(
        session=workshop.ordered_sessions[0], registration=registration, present=True
    )
    return registration


def issue(registration, user, capture):
    with capture(execute=True):
        return certificates.issue_workshop_certificate(registration, user)


def test_the_holder_is_told_once_in_the_institutions_language(
    attended, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    record = factories.make_student("A000000", full_name="Alumno 0", email="record@example.edu")
    area = factories.build_student_area(attended.workshop.get_site().root_page)
    certificate, created = issue(attended, coordinator, django_capture_on_commit_callbacks)
    assert created
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # The address on the student record, not the one typed on the form.
    assert message.to == [record.email]
    assert message.subject == "Tu constancia está disponible"
    assert "Alumno 0" in message.body
    assert "Técnicas de estudio" in message.body
    assert certificates.verification_url(certificate) in message.body
    assert area.get_full_url() in message.body
    # Nothing else: not the student number, not the hours.
    assert "A000000" not in message.body
    assert "hora" not in message.body.lower()
    certificate.refresh_from_db()
    assert certificate.notified_at is not None
    # Issued again with the same facts: the same certificate, no second e-mail.
    issue(attended, coordinator, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_not_sent_when_the_student_turned_optional_emails_off(
    attended, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    record = factories.make_student("A000000", full_name="Alumno 0")
    factories.make_student_user(record)
    record.student_account.email_news = False
    record.student_account.save()
    issue(attended, coordinator, django_capture_on_commit_callbacks)
    assert Certificate.objects.count() == 1
    assert mailoutbox == []


def test_a_failed_send_releases_the_claim(
    attended, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    issue(attended, coordinator, django_capture_on_commit_callbacks)  # the task fails
    assert Certificate.objects.get().notified_at is None
