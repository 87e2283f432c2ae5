"""Referrals to the orientation service: made by the assigned tutor, followed by the service.
The services offered are ``ReferralService.objects.offered(site)``; the referrals whose news
their tutor has not been told of, ``Referral.objects.pending_updates()``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from tutoria_cms.core.history import attributed
from tutoria_cms.core.text import clean_text

from .. import deadlines, permissions
from ..models import DEFAULT_SERVICE_NAME, REFERRAL_NEWS, Notification, Referral, ReferralService
from ..workflow import TransitionRefused
from .common import MAX_REASON_LENGTH, require_assigned_tutor
from .notifications import notify_news


def default_referral_service(site):
    """The service a referral made without naming one goes to: the institution's first active
    service, else its orientation service (created the first time)."""
    service = ReferralService.objects.offered(site).first()
    if service is None:
        service, _created = ReferralService.objects.get_or_create(
            site=site, name=DEFAULT_SERVICE_NAME
        )
    return service


def refer(tutoring_request, user, *, reason, service=None):
    """The assigned tutor refers the student to ``service`` (an active service of the
    request's institution; ``None``: its default one); the orientation service can then
    read."""
    require_assigned_tutor(tutoring_request, user)
    if service is None:
        service = default_referral_service(tutoring_request.site)
    elif not ReferralService.objects.offered(tutoring_request.site).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("Choose a service of the request's institution.")})
    referral = Referral(
        request=tutoring_request,
        site_id=tutoring_request.site_id,
        service=service,
        referred_by=user,
        reason=clean_text(reason, max_length=MAX_REASON_LENGTH, allow_newlines=True),
    )
    referral.full_clean()
    referral.due_on = deadlines.referral_due_on(referral, None, timezone.now())
    attributed(referral, user)
    with transaction.atomic():
        referral.save()
        log(
            instance=tutoring_request,
            action="tutoria_requests.refer",
            user=user,
            data={"referral": referral.pk},
        )
        notify_news(tutoring_request, f"{Notification.REFERRAL}:{referral.pk}:{referral.status}")
    return referral


def update_referral(referral, user, *, status, outcome_notes=""):
    """The orientation service records what happened (attended, follow-up, closed)."""
    if not (
        permissions.orientation_of(user, referral)
        or permissions.is_assigned_tutor(user, referral.request)
    ):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    changed = referral.status != status
    previous = referral.status
    referral.status = status
    referral.outcome_notes = clean_text(
        outcome_notes, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
    )
    if changed:
        referral.status_changed_at = timezone.now()
        referral.due_on = deadlines.referral_due_on(referral, previous, referral.status_changed_at)
        if user.pk == referral.referred_by_id:
            referral.tutor_notified_status = status  # their own change: nothing to tell
    referral.full_clean()
    attributed(referral, user)
    with transaction.atomic():
        referral.save()
        if changed:  # the student hears of it (never of what the service wrote)
            notify_news(referral.request, f"{Notification.REFERRAL}:{referral.pk}:{status}")
    if changed and status in REFERRAL_NEWS and user.pk != referral.referred_by_id:
        # The loop closes: the referring tutor is told (never what the service wrote).
        from ..tasks import send_referral_update

        transaction.on_commit(lambda: send_referral_update.enqueue(referral.pk))
    return referral
