"""Background tasks (django-tasks): the guidelines e-mail of a confirmed pair.

Claim-then-send, as in the workshops app: the task claims the e-mail with a conditional update
of ``guidelines_sent_at`` (excluded from the history on purpose), so a retry or a second worker
never sends it twice; a refusal of the mail server releases the claim, and a temporary one
(4xx, connection lost) enqueues the task again after a back-off (core.mail_retry). Logs carry
the pair id only (no personal data).
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.mail_retry import retry_later

from .models import Pair

logger = logging.getLogger(__name__)


def contact_email(participant):
    if participant.user_id and participant.user.email:
        return participant.user.email
    return participant.student.email


def programme_language(programme):
    locale = getattr(programme.page, "locale", None)
    return locale.language_code if locale is not None else settings.LANGUAGE_CODE


def render_email(template, context, language):
    with translation.override(language):
        subject = " ".join(
            render_to_string(
                f"tutoria_cms/mentoring/emails/{template}_subject.txt", context
            ).split()
        )
        body = render_to_string(f"tutoria_cms/mentoring/emails/{template}_body.txt", context)
    return subject, body


def build_email(template, context, address, language):
    """The e-mail ``template`` (subject and body) rendered in ``language``, to ``address``."""
    subject, body = render_email(template, context, language)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Content-Language": language},
    )


def build_guidelines_emails(pair):
    """One e-mail to the mentor (with the mentee's contact) and one to the mentee."""
    programme = pair.programme
    language = programme_language(programme)
    first_meeting = pair.meetings.filter(is_first=True).first()
    messages = []
    for recipient, other, is_mentor in (
        (pair.mentor, pair.mentee, True),
        (pair.mentee, pair.mentor, False),
    ):
        address = contact_email(recipient)
        if not address:
            continue
        context = {
            "pair": pair,
            "programme": programme,
            "programme_title": programme.page.title,
            "recipient_name": recipient.student.full_name,
            "other_name": other.student.full_name,
            "other_email": contact_email(other) if is_mentor else "",
            "is_mentor": is_mentor,
            "first_meeting": first_meeting,
            "guidelines": programme.guidelines,
        }
        messages.append(build_email("guidelines", context, address, language))
    return messages


@task()
def send_guidelines_email(pair_id, attempt=1):
    """Send the guidelines and the first meeting to both members of a confirmed pair, once."""
    claimed_at = timezone.now()
    claimed = Pair.objects.filter(
        pk=pair_id, guidelines_sent_at__isnull=True, status="confirmed"
    ).update(guidelines_sent_at=claimed_at)
    if not claimed:
        return False
    pair = Pair.objects.select_related(
        "programme__page", "mentor__student", "mentor__user", "mentee__student", "mentee__user"
    ).get(pk=pair_id)
    try:
        for message in build_guidelines_emails(pair):
            message.send()
    except (smtplib.SMTPException, OSError) as exception:
        logger.exception(
            "Could not send the guidelines of mentoring pair %s (try %s).", pair_id, attempt
        )
        Pair.objects.filter(pk=pair_id, guidelines_sent_at=claimed_at).update(
            guidelines_sent_at=None
        )
        if retry_later(send_guidelines_email, exception, attempt, pair_id):
            return False
        raise
    return True
