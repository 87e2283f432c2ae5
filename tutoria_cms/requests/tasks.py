"""Background tasks of the request workflow (django-tasks, as Wagtail uses)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from tutoria_cms.core.conf import tutoria_settings

from .models import Notification
from .notices import decision_notice

logger = logging.getLogger(__name__)


@task()
def send_notification(notification_id):
    """Send one decision e-mail. Claimed first, so it is never sent twice; retried later
    (``manage.py send_tutoria_notifications``) if the mail server fails.

    "Sent" means the mail server accepted it. A student without an e-mail address gets
    "not sent: no address" (retried once the record has one); a refusal or an error of the
    mail server, "failed". Coordination sees both as a to-do, with a printable letter.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, status__in=Notification.RETRYABLE
    ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "request", "request__student", "request__component"
    ).get(pk=notification_id)
    request = notification.request
    address = (request.student.email or "").strip()
    if not address:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.NO_ADDRESS, last_error=""
        )
        return False
    subject, body = decision_notice(request)
    try:
        accepted = send_mail(
            subject, body, tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL, [address]
        )
        error = "" if accepted else "NotAccepted"
    except Exception as exception:  # any mail failure: keep the row for a retry
        error = exception.__class__.__name__
    if error:
        logger.warning("Notification %s failed: %s", notification_id, error)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED, last_error=error[:200]
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
