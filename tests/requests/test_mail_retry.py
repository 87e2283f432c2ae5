"""A decision e-mail after a temporary failure of the mail server: "waiting to try again",
enqueued again after a back-off, sent once; "failed" after the last try or a 5xx refusal."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import walk
from tutoria_cms.requests import services, tasks
from tutoria_cms.requests.models import Notification

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = Notification.Status


@pytest.fixture
def notification(class_request, coordinator, board):
    """An approval's e-mail, enqueued (with a backend that runs nothing) and not sent yet."""
    with override_settings(TASKS=DUMMY):
        walk(class_request, {"submit": coordinator, "review": coordinator}, "submit", "review")
        services.transition(class_request, "approve", board)
    return Notification.objects.get(request=class_request)


def fail_with(code):
    return mock.patch(
        "tutoria_cms.requests.tasks.send_mail",
        side_effect=smtplib.SMTPDataError(code, b"the server says no"),
    )


def scheduled(backend):
    return [r for r in backend.results if r.task.func is tasks.send_notification.func]


def test_a_temporary_failure_is_tried_again_later_then_sent_once(notification, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "EMAIL_RETRY_BACKOFF_SECONDS": 60}
    with override_settings(TASKS=DUMMY):
        backend = tasks.send_notification.get_backend()
        backend.clear()
        before = timezone.now()
        with fail_with(421):
            assert tasks.send_notification.call(notification.pk) is False
        notification.refresh_from_db()
        assert notification.status == Status.RETRYING and notification.attempts == 1
        assert notification.last_error == "SMTPDataError 421"
        (retry,) = scheduled(backend)
        assert retry.args == [notification.pk]
        assert (retry.task.run_after - before).total_seconds() >= 60
        # The retry sends it; running it again (or the periodic command) sends nothing more.
        assert tasks.send_notification.call(notification.pk) is True
        assert tasks.send_notification.call(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 2
    assert len(mail.outbox) == 1


def test_the_last_try_marks_it_failed(notification, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "EMAIL_MAX_ATTEMPTS": 2}
    with override_settings(TASKS=DUMMY), fail_with(421):
        backend = tasks.send_notification.get_backend()
        backend.clear()
        tasks.send_notification.call(notification.pk)
        tasks.send_notification.call(notification.pk)
        assert len(scheduled(backend)) == 1  # after the first try only
    notification.refresh_from_db()
    assert notification.status == Status.FAILED and notification.attempts == 2
    assert len(mail.outbox) == 0


def test_a_permanent_refusal_is_not_tried_again(notification):
    with override_settings(TASKS=DUMMY), fail_with(550):
        backend = tasks.send_notification.get_backend()
        backend.clear()
        tasks.send_notification.call(notification.pk)
        assert scheduled(backend) == []
    notification.refresh_from_db()
    assert notification.status == Status.FAILED and notification.attempts == 1


def test_with_the_immediate_backend_a_failure_is_left_to_the_periodic_command(notification):
    with fail_with(421):
        tasks.send_notification.call(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Status.FAILED


def test_staff_see_that_it_waits_to_be_tried_again(notification, coordinator, client):
    Notification.objects.filter(pk=notification.pk).update(status=Status.RETRYING, attempts=2)
    client.force_login(coordinator)
    response = client.get(
        reverse("tutoria_requests:inspect", args=[notification.request_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Waiting to try again" in response.content.decode()


def test_the_periodic_command_also_sends_those_waiting(notification):
    Notification.objects.filter(pk=notification.pk).update(status=Status.RETRYING, attempts=1)
    assert notification.pk in set(Notification.objects.pending().values_list("pk", flat=True))
