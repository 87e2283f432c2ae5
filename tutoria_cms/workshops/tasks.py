"""Background tasks (django-tasks): the registration e-mails and the "your certificate is
available" e-mail.

No e-mail carries text typed on the public form (no name greeting): the confirmation link
goes to an address nobody chose for the student where there is a student record, and its
text is only the suite's, the workshop's and the link.

Claim-then-send: the task first claims the e-mail with a conditional update of
``confirmation_sent_at`` (set only where it is still empty), so that two workers, or a retry
after a success, never send it twice. That field is excluded from the history on purpose, so
this ``QuerySet.update()`` on a history-tracked model loses no history. When the mail server
refuses the message, the claim is released and the failure logged, with the registration id
only (no personal data in logs); a temporary failure (4xx, connection lost) is enqueued again
after a back-off (core.mail_retry, ``attempt`` counts the tries), any other failure, or the
last try, fails the task.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode
from django_tasks import task

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.mail_retry import retry_later

from .models import Certificate, WorkshopRegistration

logger = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "tutoria_cms/workshops/emails/registration_subject.txt"
BODY_TEMPLATE = "tutoria_cms/workshops/emails/registration_body.txt"
LINK_SUBJECT_TEMPLATE = "tutoria_cms/workshops/emails/confirm_subject.txt"
LINK_BODY_TEMPLATE = "tutoria_cms/workshops/emails/confirm_body.txt"
CERTIFICATE_SUBJECT_TEMPLATE = "tutoria_cms/workshops/emails/certificate_subject.txt"
CERTIFICATE_BODY_TEMPLATE = "tutoria_cms/workshops/emails/certificate_body.txt"


def confirmation_url(registration):
    from .services import signup_token

    workshop = registration.workshop.specific
    return f"{workshop.get_full_url()}?{urlencode({'confirm': signup_token(registration)})}"


def _email(registration, subject_template, body_template, context):
    """An e-mail to the registration's address, in the language of its sign-up, from
    ``context`` (which gets the workshop)."""
    workshop = registration.workshop.specific
    language = registration.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"workshop": workshop, **context(workshop)}
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        headers={"Content-Language": language},
    )


def build_confirmation_email(registration):
    """The e-mail with the link that confirms a pending sign-up."""
    return _email(
        registration,
        LINK_SUBJECT_TEMPLATE,
        LINK_BODY_TEMPLATE,
        lambda workshop: {
            "url": confirmation_url(registration),
            "hours": tutoria_settings.SIGNUP_CONFIRMATION_HOURS,
        },
    )


def build_registration_email(registration):
    """The e-mail for the registration's current status, in the language of its sign-up."""
    return _email(
        registration,
        SUBJECT_TEMPLATE,
        BODY_TEMPLATE,
        lambda workshop: {
            "registration": registration,
            "sessions": workshop.upcoming_sessions(),
            "workshop_url": workshop.get_full_url(),
            "confirmed": registration.status == WorkshopRegistration.Status.CONFIRMED,
            "waitlisted": registration.status == WorkshopRegistration.Status.WAITLISTED,
        },
    )


@task()
def send_registration_email(registration_id, attempt=1):
    """Send the e-mail for a registration's status (confirmed or waitlisted), once."""
    claimed_at = timezone.now()
    claimed = WorkshopRegistration.objects.filter(
        pk=registration_id,
        confirmation_sent_at__isnull=True,
        status__in=WorkshopRegistration.ACTIVE_STATUSES,
    ).update(confirmation_sent_at=claimed_at)
    if not claimed:
        return False
    registration = WorkshopRegistration.objects.select_related("workshop").get(pk=registration_id)
    try:
        build_registration_email(registration).send()
    except (smtplib.SMTPException, OSError) as exception:
        logger.exception(
            "Could not send the e-mail of workshop registration %s (try %s); it can be sent again.",
            registration_id,
            attempt,
        )
        WorkshopRegistration.objects.filter(
            pk=registration_id, confirmation_sent_at=claimed_at
        ).update(confirmation_sent_at=None)
        if retry_later(send_registration_email, exception, attempt, registration_id):
            return False
        raise
    return True


@task()
def send_signup_confirmation_email(registration_id, attempt=1):
    """Send the confirmation link of a pending sign-up, once (claim-then-send as above)."""
    claimed_at = timezone.now()
    claimed = WorkshopRegistration.objects.filter(
        pk=registration_id,
        confirmation_sent_at__isnull=True,
        status=WorkshopRegistration.Status.PENDING,
    ).update(confirmation_sent_at=claimed_at)
    if not claimed:
        return False
    registration = WorkshopRegistration.objects.select_related("workshop").get(pk=registration_id)
    try:
        build_confirmation_email(registration).send()
    except (smtplib.SMTPException, OSError) as exception:
        logger.exception(
            "Could not send the confirmation link of workshop registration %s (try %s); it "
            "can be sent again.",
            registration_id,
            attempt,
        )
        WorkshopRegistration.objects.filter(
            pk=registration_id, confirmation_sent_at=claimed_at
        ).update(confirmation_sent_at=None)
        if retry_later(send_signup_confirmation_email, exception, attempt, registration_id):
            return False
        raise
    return True


def build_certificate_email(certificate, address):
    """The e-mail telling the holder that ``certificate`` is available, in the certificate's
    language (the institution's): their name, what it certifies (the workshop's title or the
    term), and links to their student area and the verification page; nothing else."""
    from . import certificates

    with translation.override(certificate.language):
        context = {
            "certificate": certificate,
            "area_url": certificates.student_area_url(certificate),
            "verification_url": certificates.verification_url_or_none(certificate),
        }
        subject = " ".join(render_to_string(CERTIFICATE_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(CERTIFICATE_BODY_TEMPLATE, context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=tutoria_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"Content-Language": certificate.language},
    )


@task()
def send_certificate_email(certificate_id, attempt=1):
    """Tell the holder of a valid certificate that it is available, once (claim-then-send as
    above, on ``Certificate.notified_at``); not when the student turned optional e-mails off
    (``StudentAccount.email_news``) or no address is known."""
    from . import certificates

    certificate = (
        Certificate.objects.filter(pk=certificate_id, revoked_at__isnull=True)
        .select_related("site", "registration__workshop")
        .first()
    )
    if certificate is None:
        return False
    address, record = certificates.holder_contact(certificate)
    if not address or not certificates.wants_notices(record):
        return False
    claimed_at = timezone.now()
    claimed = Certificate.objects.filter(
        pk=certificate_id, notified_at__isnull=True, revoked_at__isnull=True
    ).update(notified_at=claimed_at)
    if not claimed:
        return False
    try:
        build_certificate_email(certificate, address).send()
    except (smtplib.SMTPException, OSError) as exception:
        logger.exception(
            "Could not send the certificate notice of certificate %s (try %s); it can be "
            "sent again.",
            certificate_id,
            attempt,
        )
        Certificate.objects.filter(pk=certificate_id, notified_at=claimed_at).update(
            notified_at=None
        )
        if retry_later(send_certificate_email, exception, attempt, certificate_id):
            return False
        raise
    return True
