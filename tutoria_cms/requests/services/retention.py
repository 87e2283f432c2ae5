"""Retention: erasing the confidential text of requests finished long ago. Which requests
are past the retention period is ``TutoringRequest.objects.past_retention()``."""

import logging

from django.db import transaction
from wagtail.log_actions import log

from ..models import Referral, RequestDisclosure, TutoringRequest, TutoringSession

logger = logging.getLogger(__name__)


def purge_confidential(tutoring_requests, *, dry_run=True, user=None):
    """Erase confidential text (and the history rows holding it) of ``tutoring_requests``.

    Kept: the request, its states and dates, reason categories (counted by the indicators),
    session dates/durations, referral status. Returns what was (or would be) erased.
    Idempotent: already-erased text is not counted again. History rows are history, so they
    are updated in place (no new history row that would copy the text again).
    """
    ids = list(tutoring_requests.values_list("pk", flat=True))
    disclosures = RequestDisclosure.objects.filter(request_id__in=ids).exclude(description="")
    sessions = TutoringSession.objects.filter(request_id__in=ids).exclude(private_notes="")
    referrals = Referral.objects.filter(request_id__in=ids).exclude(reason="", outcome_notes="")
    histories = {
        "disclosures": RequestDisclosure.history.filter(request_id__in=ids).exclude(description=""),
        "sessions": TutoringSession.history.filter(request_id__in=ids).exclude(private_notes=""),
        "referrals": Referral.history.filter(request_id__in=ids).exclude(
            reason="", outcome_notes=""
        ),
    }
    with transaction.atomic():
        # One query per table: the request of every row still holding text gives both the
        # counts and the requests to log, read in the transaction that erases them.
        holding = {
            name: list(queryset.values_list("request_id", flat=True))
            for name, queryset in (
                ("descriptions", disclosures),
                ("session_notes", sessions),
                ("referral_texts", referrals),
                *histories.items(),
            )
        }
        counts = {
            "requests": len(ids),
            "descriptions": len(holding["descriptions"]),
            "session_notes": len(holding["session_notes"]),
            "referral_texts": len(holding["referral_texts"]),
            "history_rows": sum(len(holding[name]) for name in histories),
        }
        if dry_run:
            return counts
        # Bulk updates bypass simple-history on purpose: a new history row would keep a copy.
        disclosures.update(description="")
        sessions.update(private_notes="")
        referrals.update(reason="", outcome_notes="")
        histories["disclosures"].update(description="")
        histories["sessions"].update(private_notes="")
        histories["referrals"].update(reason="", outcome_notes="")
        # The audit log says when each request's text was erased (no text, no counts); a
        # second run finds nothing left and logs nothing (idempotent).
        touched = {pk for request_ids in holding.values() for pk in request_ids}
        for tutoring_request in TutoringRequest.objects.filter(pk__in=touched):
            log(instance=tutoring_request, action="tutoria_requests.purge_confidential", user=user)
    logger.info("Confidential text erased for %s requests past retention", counts["requests"])
    return counts
