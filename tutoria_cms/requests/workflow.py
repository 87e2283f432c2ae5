"""The tutoring-request workflow: its transition table and what it reads, writing nothing.

``TRANSITIONS`` says which action leads from which states to which state. ``permissions``
(who may take an action now: ``available_actions``) and ``services`` (which takes it, under a
row lock) both import it from here, and neither imports the other for it. The reads of a
request's rule set and eligibility (``rule_set_for``, ``facts_for``, ``judge``,
``offered_outcomes``, ``action_offered``) store nothing. Refusals are ``TransitionError``s
(``TransitionRefused`` when the actor may not act), with a translated message.
"""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .eligibility import (
    CHANGE_SCHEDULE,
    DECISION_OUTCOMES,
    REDIRECT,
    EligibilityFacts,
    evaluate,
)
from .models import (
    ACTIVE_STATES,
    NO_INDIVIDUAL_CLASSES_HERE,
    RequestKind,
    RequestState,
    TutoringRequest,
    site_rule_set,
)


class TransitionError(ValidationError):
    """A transition refused by the state, the rules or the actor, with a translated message."""


class TransitionRefused(TransitionError, PermissionDenied):
    """The actor may not take this transition."""


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str
    label: str
    past: str


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit", (RequestState.DRAFT,), RequestState.SUBMITTED, _("Submit"), _("submitted")
        ),
        Transition(
            "review",
            (RequestState.SUBMITTED,),
            RequestState.UNDER_REVIEW,
            _("Start review"),
            _("put under review"),
        ),
        Transition(
            "approve",
            (RequestState.UNDER_REVIEW,),
            RequestState.APPROVED,
            _("Approve"),
            _("approved"),
        ),
        Transition(
            "deny", (RequestState.UNDER_REVIEW,), RequestState.DENIED, _("Deny"), _("denied")
        ),
        # Decisions beyond approve / deny, offered where the request's rule set allows them
        # (``decision_outcomes``); final, with written reasons, like a denial.
        Transition(
            REDIRECT,
            (RequestState.UNDER_REVIEW,),
            RequestState.REDIRECTED,
            _("Redirect to a regular class"),
            _("redirected to a regular class"),
        ),
        Transition(
            CHANGE_SCHEDULE,
            (RequestState.UNDER_REVIEW,),
            RequestState.SCHEDULE_CHANGE,
            _("Send to a schedule change"),
            _("sent to a schedule change"),
        ),
        Transition(
            "start",
            (RequestState.APPROVED,),
            RequestState.IN_PROGRESS,
            _("Start tutoring"),
            _("started"),
        ),
        Transition(
            "close", (RequestState.IN_PROGRESS,), RequestState.CLOSED, _("Close"), _("closed")
        ),
        Transition(
            "withdraw",
            tuple(s for s in ACTIVE_STATES) + (RequestState.DRAFT,),
            RequestState.WITHDRAWN,
            _("Withdraw"),
            _("withdrawn"),
        ),
    )
}


# -- eligibility -------------------------------------------------------------------------------


def rule_set_for(tutoring_request):
    """The rule set of the request's site (its programme page's site, else its institution):
    the one chosen in the site's settings, else the suite's default (``site_rule_set``);
    None where the site takes no individual-class requests."""
    site = tutoring_request.programme.get_site() if tutoring_request.programme_id else None
    if site is None and tutoring_request.site_id:
        site = tutoring_request.site
    return site_rule_set(site)


def required_rule_set(tutoring_request):
    """``rule_set_for``, refusing a site that takes no individual-class requests."""
    rule_set = rule_set_for(tutoring_request)
    if rule_set is None:
        raise TransitionError(NO_INDIVIDUAL_CLASSES_HERE, code="no_individual_classes")
    return rule_set


def facts_for(tutoring_request):
    """The facts of an individual-class request, from the academic records."""
    from tutoria_cms.academics.models import ComponentRecord

    student, component = tutoring_request.student, tutoring_request.component
    components = [component.pk, *component.equivalents.values_list("pk", flat=True)]
    failures = ComponentRecord.objects.filter(
        student=student, component_id__in=components
    ).aggregate(absence=Sum("failures_by_absence"), grade=Sum("failures_by_grade"))
    siblings = TutoringRequest.objects.filter(
        student=student, kind=RequestKind.INDIVIDUAL_CLASS
    ).exclude(pk=tutoring_request.pk)
    return EligibilityFacts(
        regular_undergraduate=student.regular_undergraduate,
        completed_hours=student.completed_hours,
        curriculum_hours=student.curriculum_hours,
        # Art. 244 III: the components of the term, pending, approved, running or finished.
        other_requests_this_term=siblings.filter(
            term=tutoring_request.term, state__in=(*ACTIVE_STATES, RequestState.CLOSED)
        ).count(),
        # Art. 244 IV limits the classes of the whole course: every term's, the current
        # one included, and the pending requests too (approving them all must not exceed it).
        individual_classes_taken=siblings.filter(
            state__in=(*ACTIVE_STATES, RequestState.CLOSED)
        ).count(),
        component_mandatory=component.mandatory,
        component_offered_this_term=tutoring_request.component_offered_this_term,
        schedule_clash=tutoring_request.schedule_clash,
        failures_by_absence=failures["absence"] or 0,
        failures_by_grade=failures["grade"] or 0,
        procedures_compatible=tutoring_request.procedures_compatible,
        special_educational_need=student.special_educational_need,
        component_is_activity=component.is_activity,
        term_is_regular=tutoring_request.term.is_regular,
    )


def judge(tutoring_request):
    """Evaluate an individual-class request, in its notification language; store nothing."""
    rule_set = required_rule_set(tutoring_request)
    with translation.override(tutoring_request.language):
        return rule_set, evaluate(facts_for(tutoring_request), rule_set)


def offered_outcomes(tutoring_request):
    """The decisions beyond approve / deny the request's rule set allows: only for
    individual-class requests (rule sets judge those), by the rule set the decision will be
    judged by (``rule_set_for``)."""
    if tutoring_request.kind != RequestKind.INDIVIDUAL_CLASS:
        return ()
    rule_set = rule_set_for(tutoring_request)
    if rule_set is None:
        return ()
    return tuple(outcome for outcome in DECISION_OUTCOMES if rule_set.allows(outcome))


def action_offered(tutoring_request, action):
    """False for a decision outcome the request's rule set does not allow; True otherwise."""
    return action not in DECISION_OUTCOMES or action in offered_outcomes(tutoring_request)
