"""Background tasks of the request workflow (django-tasks, as Wagtail uses)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from tutoria_cms.core.conf import tutoria_settings

from .models import Notification

logger = logging.getLogger(__name__)


@task()
def send_notification(notification_id):
    """Send one decision e-mail. Claimed first, so it is never sent twice; retried later
    (``manage.py send_tutoria_notifications``) if the mail server fails."""
    claimed = Notification.objects.filter(
        pk=notification_id,
        status__in=(Notification.Status.PENDING, Notification.Status.FAILED),
    ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "request", "request__student", "request__component"
    ).get(pk=notification_id)
    request = notification.request
    context = {"request": request, "verdict": request.verdict or {}, "student": request.student}
    with translation.override(request.language):
        subject = render_to_string("tutoria_cms/requests/emails/decision_subject.txt", context)
        body = render_to_string("tutoria_cms/requests/emails/decision_body.txt", context)
    try:
        send_mail(
            " ".join(subject.split()),
            body,
            tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL,
            [request.student.email],
        )
    except Exception as error:  # any mail failure: keep the row for a retry
        logger.warning("Notification %s failed: %s", notification_id, error.__class__.__name__)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED, last_error=error.__class__.__name__[:200]
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
