"""The retry policy of the e-mail tasks (core.mail_retry): which failures are tried again,
after how long, and the settings' system check."""

import smtplib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from tutoria_cms.core import mail_retry
from tutoria_cms.core.checks import check_tutoria_settings

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize(
    ("exception", "temporary"),
    [
        (smtplib.SMTPDataError(421, b"try again later"), True),
        (smtplib.SMTPSenderRefused(451, b"greylisted", "from@example.edu"), True),
        (smtplib.SMTPServerDisconnected("lost"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.edu": (450, b"mailbox busy")}), True),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (smtplib.SMTPConnectError(554, b"go away"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.edu": (550, b"no such user")}), False),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.edu": (450, b"busy"), "b@example.edu": (550, b"unknown")}
            ),
            False,
        ),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ValueError("a bug"), False),
    ],
)
def test_temporary_and_permanent_failures(exception, temporary):
    assert mail_retry.is_temporary(exception) is temporary


def test_the_wait_doubles_from_the_base_up_to_a_ceiling(settings):
    settings.TUTORIA_CMS = {"EMAIL_RETRY_BACKOFF_SECONDS": 30}
    assert [mail_retry.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail_retry.retry_delay(40) == mail_retry.MAX_DELAY


def test_tries_stop_at_the_maximum_and_at_a_permanent_failure(settings):
    settings.TUTORIA_CMS = {"EMAIL_MAX_ATTEMPTS": 3}
    busy = smtplib.SMTPDataError(421, b"later")
    assert mail_retry.may_retry(busy, 1) and mail_retry.may_retry(busy, 2)
    assert not mail_retry.may_retry(busy, 3)
    assert not mail_retry.may_retry(smtplib.SMTPDataError(550, b"no"), 1)


@task()
def _noop(value, attempt=1):
    return value


def test_a_retry_is_enqueued_later_only_with_a_backend_that_defers(settings):
    settings.TUTORIA_CMS = {"EMAIL_RETRY_BACKOFF_SECONDS": 10}
    # The immediate backend (the demo's, the tests'): nothing is scheduled.
    assert mail_retry.schedule_retry(_noop, 1, "x") is False
    with override_settings(TASKS=DUMMY):
        before = timezone.now()
        assert mail_retry.retry_later(_noop, smtplib.SMTPDataError(421, b"later"), 2, "x")
        (result,) = _noop.get_backend().results
        assert result.args == ["x"] and result.kwargs == {"attempt": 3}
        assert result.task.run_after - before >= timedelta(seconds=20)
        assert not mail_retry.retry_later(_noop, smtplib.SMTPDataError(550, b"no"), 1, "x")
        assert len(_noop.get_backend().results) == 1


@pytest.mark.parametrize("key", ["EMAIL_MAX_ATTEMPTS", "EMAIL_RETRY_BACKOFF_SECONDS"])
@pytest.mark.parametrize("value", [0, -1, "5", 1.5])
def test_the_retry_settings_must_be_positive_whole_numbers(settings, key, value):
    settings.TUTORIA_CMS = {key: value}
    assert [e.id for e in check_tutoria_settings()] == ["tutoria_core.E003"]


def test_the_retry_settings_have_defaults(settings):
    settings.TUTORIA_CMS = {}
    assert check_tutoria_settings() == []
    assert mail_retry.tutoria_settings.EMAIL_MAX_ATTEMPTS == 5
    assert mail_retry.tutoria_settings.EMAIL_RETRY_BACKOFF_SECONDS == 60
