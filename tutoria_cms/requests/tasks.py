"""Background tasks of the request workflow (django-tasks, as Wagtail uses)."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.mail_retry import can_schedule, describe, may_retry, schedule_retry

from .models import Notification, OverdueDigest
from .notices import notice_for

logger = logging.getLogger(__name__)


class NotAccepted(Exception):
    """The e-mail backend sent nothing, without an error."""


def deliver(subject, body, address):
    """Send one e-mail; None when the mail server accepted it, else the failure (the
    exception; :class:`NotAccepted` when the backend sent nothing): the caller decides
    whether to try again (core.mail_retry) and keeps ``describe(failure)``."""
    try:
        accepted = send_mail(
            subject, body, tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL, [address]
        )
    except Exception as exception:  # any mail failure
        return exception
    return None if accepted else NotAccepted()


@task()
def send_notification(notification_id):
    """Send one e-mail to a student (a decision notice, or news of their request:
    ``notices.notice_for``). Claimed first, so it is never sent twice (a retry, or a
    second worker, finds it claimed or sent).

    A temporary failure of the mail server, with a backend that runs tasks later (the
    database backend), leaves it "waiting to try again", enqueued again after a back-off
    (core.mail_retry); after ``EMAIL_MAX_ATTEMPTS`` tries, on a permanent refusal (5xx), or
    with the immediate backend, it is "failed" (sent again by ``manage.py
    send_tutoria_notifications``).

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
    notice = notice_for(notification)
    if notice is None:  # what it was about is gone: nothing to tell any more
        Notification.objects.filter(pk=notification_id).delete()
        return False
    subject, body = notice
    error = deliver(subject, body, address)
    if error is not None:
        # Recorded before the retry is enqueued: the retry claims a row "to try again".
        retry = may_retry(error, notification.attempts) and can_schedule(send_notification)
        logger.warning(
            "Notification %s failed (try %s, %s): %s",
            notification_id,
            notification.attempts,
            "to try again" if retry else "final",
            describe(error),
        )
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.RETRYING if retry else Notification.Status.FAILED,
            last_error=describe(error)[:200],
        )
        if retry:
            schedule_retry(send_notification, notification.attempts, notification_id)
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def preferred_language(user):
    """The language ``user`` chose for the admin (Account › Preferences), else the site's."""
    from wagtail.users.models import UserProfile

    return UserProfile.get_for_user(user).get_preferred_language() or settings.LANGUAGE_CODE


@task()
def send_referral_update(referral_id, attempt=1):
    """Tell the referring tutor that the service accepted (attended) or closed a referral:
    the request's number, the new status and a link, never the service's notes. Claimed
    first (``tutor_notified_status``), so each news is sent once; released when the mail
    server fails, for ``send_tutoria_notifications`` to retry, and enqueued again after a
    back-off on a temporary failure (core.mail_retry; ``attempt``: this try's number)."""
    from django.db.models import F
    from django.urls import reverse

    from .models import REFERRAL_NEWS, Referral

    claimed = (
        Referral.objects.filter(pk=referral_id, status__in=REFERRAL_NEWS)
        .exclude(tutor_notified_status=F("status"))
        .update(tutor_notified_status=F("status"))
    )
    if not claimed:
        return False
    referral = Referral.objects.select_related("referred_by").get(pk=referral_id)
    tutor = referral.referred_by
    if tutor is None or not tutor.is_active or not tutor.email:
        return False
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "tutoria_requests:inspect", args=[referral.request_id]
    )
    context = {"referral": referral, "tutor": tutor, "url": url}
    with translation.override(preferred_language(tutor)):
        subject = render_to_string("tutoria_cms/requests/emails/referral_subject.txt", context)
        body = render_to_string("tutoria_cms/requests/emails/referral_body.txt", context)
    error = deliver(" ".join(subject.split()), body, tutor.email)
    if error is not None:  # released for a retry
        logger.warning("Referral update %s failed: %s", referral_id, describe(error))
        Referral.objects.filter(pk=referral_id).update(tutor_notified_status="")
        if may_retry(error, attempt):
            schedule_retry(send_referral_update, attempt, referral_id, attempt=attempt + 1)
        return False
    return True


@task()
def send_overdue_digest(user_id, day):
    """E-mail one person the list of the overdue requests and referrals they are responsible
    for (deadlines.py), in their language: titles, what is late, since when and a link,
    never confidential text. At most one a day (``day``, ISO date): claimed first
    (:class:`OverdueDigest`), "sent" only when the mail server accepted it; a failed one is
    recorded as such and sent again by a later run of that day; after a temporary failure
    of the mail server, also enqueued again after a back-off (core.mail_retry) until
    ``EMAIL_MAX_ATTEMPTS`` tries.

    Returns "sent", "failed", or "" when nothing was to be sent (no item, no address, or
    already sent that day)."""
    from .deadlines import due_text, overdue_items

    today = datetime.date.fromisoformat(day)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return ""
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    items = overdue_items(user, today, base_url=base_url)
    if not items:
        return ""
    try:
        with transaction.atomic():
            digest = OverdueDigest.objects.create(
                user=user, sent_on=today, items=len(items), attempts=1
            )
    except IntegrityError:  # one already today: sent again only if it failed
        claimed = OverdueDigest.objects.filter(
            user=user, sent_on=today, status=OverdueDigest.Status.FAILED
        ).update(status=OverdueDigest.Status.SENDING, attempts=F("attempts") + 1, items=len(items))
        if not claimed:
            return ""
        digest = OverdueDigest.objects.get(user=user, sent_on=today)
    with translation.override(preferred_language(user)):
        lines = [
            {
                "title": item.title,
                "what": item.what,
                "due": due_text(item.due_on, today),
                "url": item.url,
            }
            for item in items
        ]
        context = {"user": user, "items": lines, "today": today}
        subject = render_to_string("tutoria_cms/requests/emails/overdue_subject.txt", context)
        body = render_to_string("tutoria_cms/requests/emails/overdue_body.txt", context)
    error = deliver(" ".join(subject.split()), body, user.email)
    if error is not None:
        logger.warning("Overdue digest %s failed: %s", digest.pk, describe(error))
        OverdueDigest.objects.filter(pk=digest.pk).update(
            status=OverdueDigest.Status.FAILED, last_error=describe(error)[:200]
        )
        if may_retry(error, digest.attempts):
            schedule_retry(send_overdue_digest, digest.attempts, user_id, day)
        return "failed"
    OverdueDigest.objects.filter(pk=digest.pk).update(
        status=OverdueDigest.Status.SENT, delivered_at=timezone.now(), last_error=""
    )
    return "sent"
