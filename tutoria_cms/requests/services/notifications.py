"""The e-mails to students about their requests: the outbox rows, queued once per request and
event and sent after commit (tasks.py), and the decision notices delivered as letters. The
notifications to send (again) are ``Notification.objects.pending()``."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions

from .. import permissions
from ..models import Notification
from ..workflow import TransitionRefused


def wants_news(student):
    """Whether ``student`` takes the e-mails they may turn off (a tutor assigned, a session
    recorded, a referral's news): their choice in the student area (``StudentAccount
    .email_news``, students app), on when they have no account. The decision notice is always
    sent."""
    try:
        account = student.student_account
    except (AttributeError, ObjectDoesNotExist):
        return True
    return account.email_news


def notify_news(tutoring_request, event):
    """Queue a notice the student may turn off (see :func:`wants_news`)."""
    if wants_news(tutoring_request.student):
        return notify(tutoring_request, event)
    return None


def notify(tutoring_request, event):
    """Queue one e-mail per request and event; it is sent after the transaction commits."""
    notification, created = Notification.objects.get_or_create(
        request=tutoring_request, event=event
    )
    if created:
        from ..tasks import send_notification

        transaction.on_commit(lambda: send_notification.enqueue(notification.pk))
    return notification


def mark_delivered_by_letter(notification, user):
    """Coordination handed over or posted the printed notice of a notification that did not
    reach the student by e-mail. False when it was delivered meanwhile."""
    if not institutions.holds(user, permissions.MANAGE, notification.request.site_id):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    return bool(
        Notification.objects.filter(
            pk=notification.pk, event=Notification.DECISION, status__in=Notification.UNDELIVERED
        ).update(status=Notification.Status.LETTER, sent_at=timezone.now(), last_error="")
    )
