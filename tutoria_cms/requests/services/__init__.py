"""Every write of the requests app: its public API (``from tutoria_cms.requests import
services``; ``services.transition(...)``), one module per operation.

- ``tutoring_requests``: a tutoring request's own writes: ``create_request``, ``transition``
  (with its rules, ``RULES`` and ``AFTER``), ``assign_tutor`` (within ``tutor_capacity``),
  ``update_disclosure``, ``record_session``, ``log_sensitive_read``;
- ``classes``: individual classes: ``join_individual_class``, ``designate_tutor``,
  ``record_class_session``, ``update_class_session``, ``delete_class_session``, and the
  tutor's work plan (PIT), ``update_work_plan``;
- ``notifications``: the e-mails to students: ``notify``, ``notify_news`` (what the student
  may turn off, ``wants_news``), ``mark_delivered_by_letter``;
- ``referrals``: ``refer``, ``update_referral``, ``default_referral_service``;
- ``groups``: group tutoring: ``assign_group_tutor``, ``record_group_session``;
- ``reports``: end-of-term reports: ``report_summary``, ``prepare_report``,
  ``update_report``, ``submit_report``, ``review_report``;
- ``retention``: ``purge_confidential``;
- ``common``: what they share (``MAX_REASON_LENGTH``, who may be given work).

The transition table and its reads, which write nothing (``TRANSITIONS``, ``TransitionError``,
``TransitionRefused``, ``rule_set_for``, ``judge``, ``action_offered``...), live in
:mod:`tutoria_cms.requests.workflow` (``permissions`` imports them from there) and are
re-exported here. Reads are methods of the models' querysets:
``Notification.objects.pending()``, ``Referral.objects.pending_updates()``,
``ReferralService.objects.offered(site)``, ``TutoringRequest.objects.past_retention()``.

The domain object is ``tutoring_request`` throughout (``request`` is Django's).
"""

from django.core.exceptions import ValidationError

from ..models import RETAINED_STATES
from ..workflow import (
    TRANSITIONS,
    Transition,
    TransitionError,
    TransitionRefused,
    action_offered,
    facts_for,
    judge,
    offered_outcomes,
    required_rule_set,
    rule_set_for,
)
from .classes import (
    delete_class_session,
    designate_tutor,
    join_individual_class,
    record_class_session,
    update_class_session,
    update_work_plan,
)
from .common import MAX_REASON_LENGTH
from .groups import assign_group_tutor, record_group_session
from .notifications import mark_delivered_by_letter, notify, notify_news, wants_news
from .referrals import default_referral_service, refer, update_referral
from .reports import prepare_report, report_summary, review_report, submit_report, update_report
from .retention import purge_confidential
from .tutoring_requests import (
    AFTER,
    INACTIVE_TUTOR,
    MAX_REGULAR_CLASS_LENGTH,
    RULES,
    assign_tutor,
    create_request,
    log_sensitive_read,
    record_session,
    transition,
    tutor_capacity,
    update_disclosure,
)

__all__ = [
    # workflow (re-exported)
    "TRANSITIONS",
    "Transition",
    "TransitionError",
    "TransitionRefused",
    "action_offered",
    "facts_for",
    "judge",
    "offered_outcomes",
    "required_rule_set",
    "rule_set_for",
    # what the services raise besides the workflow's errors (Django's)
    "ValidationError",
    # common
    "MAX_REASON_LENGTH",
    # tutoring_requests
    "AFTER",
    "INACTIVE_TUTOR",
    "MAX_REGULAR_CLASS_LENGTH",
    "RULES",
    "assign_tutor",
    "create_request",
    "log_sensitive_read",
    "record_session",
    "transition",
    "tutor_capacity",
    "update_disclosure",
    # classes
    "delete_class_session",
    "designate_tutor",
    "join_individual_class",
    "record_class_session",
    "update_class_session",
    "update_work_plan",
    # notifications
    "mark_delivered_by_letter",
    "notify",
    "notify_news",
    "wants_news",
    # referrals
    "default_referral_service",
    "refer",
    "update_referral",
    # groups
    "assign_group_tutor",
    "record_group_session",
    # reports
    "prepare_report",
    "report_summary",
    "review_report",
    "submit_report",
    "update_report",
    # retention
    "RETAINED_STATES",
    "purge_confidential",
]
