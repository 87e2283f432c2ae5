"""A workshop e-mail after a temporary failure of the mail server: the claim released and the
task enqueued again after a back-off, with the next try's number; sent once."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from tests.workshops.test_services import sign_up
from tutoria_cms.workshops import tasks

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def failing(code):
    return mock.patch(
        "django.core.mail.EmailMessage.send",
        side_effect=smtplib.SMTPDataError(code, b"the server says no"),
    )


def test_a_temporary_failure_is_enqueued_again_then_sent_once(workshop, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "EMAIL_MAX_ATTEMPTS": 2}
    registration = sign_up(workshop, 1).registration  # on-commit callbacks not run
    task = tasks.send_registration_email
    with override_settings(TASKS=DUMMY):
        backend = task.get_backend()
        backend.clear()
        with failing(421):
            assert task.call(registration.pk) is False
        (retry,) = backend.results
        assert retry.args == [registration.pk] and retry.kwargs == {"attempt": 2}
        assert retry.task.run_after is not None
        registration.refresh_from_db()
        assert registration.confirmation_sent_at is None  # released for the retry
        # The last try fails the task (as before), nothing more is enqueued.
        with failing(421), pytest.raises(smtplib.SMTPDataError):
            task.call(registration.pk, attempt=2)
        assert len(backend.results) == 1
        assert task.call(registration.pk, attempt=2) is True
        assert task.call(registration.pk, attempt=3) is False
    assert len(mail.outbox) == 1


def test_a_permanent_refusal_fails_the_task_at_once(workshop):
    registration = sign_up(workshop, 2).registration
    with override_settings(TASKS=DUMMY):
        backend = tasks.send_signup_confirmation_email.get_backend()
        backend.clear()
        with failing(550), pytest.raises(smtplib.SMTPDataError):
            tasks.send_registration_email.call(registration.pk)
        assert backend.results == []
