"""Every write that changes a tutoring request: creation, transitions, classes, tutors.

Each transition checks, in one transaction with the request's row locked: that the
transition exists from the current state, that the actor may take it (permissions.py), and
the rules (reasoned denial, eligibility, class limits, the decisions the rule set allows).
Refusals are translated ``TransitionError``s. Each transition is recorded twice: by
django-simple-history (field history with the reason) and in Wagtail's audit log (registered
log actions).
"""

import dataclasses
import logging

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from tutoria_cms.core import institutions
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.text import clean_text

from . import deadlines, permissions
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
    REFERRAL_NEWS,
    IndividualClass,
    Notification,
    RequestDisclosure,
    RequestKind,
    RequestState,
    TutoringRequest,
    site_rule_set,
)

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 5000
MAX_REGULAR_CLASS_LENGTH = 200
INACTIVE_TUTOR = _("The assigned tutor's account is deactivated: assign another tutor.")


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


# -- creation ----------------------------------------------------------------------------------


def create_request(
    *,
    kind,
    student,
    user,
    term=None,
    component=None,
    programme=None,
    site=None,
    reasons=(),
    description="",
    language="es",
    **facts,
):
    """A new draft request; the confidential details go to their own row.

    ``site``: its institution (from ``institutions.institution_for_new`` or the form's choice);
    without one, its programme page's site, else the only institution of the install.
    """
    if kind == RequestKind.INDIVIDUAL_CLASS and (component is None or term is None):
        raise ValidationError(_("An individual-class request needs a term and a component."))
    description = clean_text(
        description, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
    )
    with transaction.atomic():
        if site is None and programme is not None:
            site = programme.get_site()
        request = TutoringRequest(
            site=site,
            kind=kind,
            student=student,
            term=term,
            component=component,
            programme=programme,
            language=language,
            created_by=user,
            **facts,
        )
        request._history_user = user
        request._change_reason = "create"
        request.full_clean()
        if kind == RequestKind.INDIVIDUAL_CLASS and rule_set_for(request) is None:
            raise ValidationError(NO_INDIVIDUAL_CLASSES_HERE, code="no_individual_classes")
        request.save()
        disclosure = RequestDisclosure(
            request=request, reasons=list(reasons), description=description
        )
        disclosure.full_clean(exclude=["request"])
        disclosure._history_user = user
        disclosure.save()
        log(instance=request, action="wagtail.create", user=user)
    return request


# -- eligibility -------------------------------------------------------------------------------


def rule_set_for(request):
    """The rule set of the request's site (its programme page's site, else its institution):
    the one chosen in the site's settings, else the suite's default (``site_rule_set``);
    None where the site takes no individual-class requests."""
    site = request.programme.get_site() if request.programme_id else None
    if site is None and request.site_id:
        site = request.site
    return site_rule_set(site)


def required_rule_set(request):
    """``rule_set_for``, refusing a site that takes no individual-class requests."""
    rule_set = rule_set_for(request)
    if rule_set is None:
        raise TransitionError(NO_INDIVIDUAL_CLASSES_HERE, code="no_individual_classes")
    return rule_set


def facts_for(request):
    """The facts of an individual-class request, from the academic records."""
    from tutoria_cms.academics.models import ComponentRecord

    student, component = request.student, request.component
    components = [component.pk, *component.equivalents.values_list("pk", flat=True)]
    failures = ComponentRecord.objects.filter(
        student=student, component_id__in=components
    ).aggregate(absence=Sum("failures_by_absence"), grade=Sum("failures_by_grade"))
    siblings = TutoringRequest.objects.filter(
        student=student, kind=RequestKind.INDIVIDUAL_CLASS
    ).exclude(pk=request.pk)
    return EligibilityFacts(
        regular_undergraduate=student.regular_undergraduate,
        completed_hours=student.completed_hours,
        curriculum_hours=student.curriculum_hours,
        # Art. 244 III: the components of the term, pending, approved, running or finished.
        other_requests_this_term=siblings.filter(
            term=request.term, state__in=(*ACTIVE_STATES, RequestState.CLOSED)
        ).count(),
        # Art. 244 IV limits the classes of the whole course: every term's, the current
        # one included, and the pending requests too (approving them all must not exceed it).
        individual_classes_taken=siblings.filter(
            state__in=(*ACTIVE_STATES, RequestState.CLOSED)
        ).count(),
        component_mandatory=component.mandatory,
        component_offered_this_term=request.component_offered_this_term,
        schedule_clash=request.schedule_clash,
        failures_by_absence=failures["absence"] or 0,
        failures_by_grade=failures["grade"] or 0,
        procedures_compatible=request.procedures_compatible,
        special_educational_need=student.special_educational_need,
        component_is_activity=component.is_activity,
        term_is_regular=request.term.is_regular,
    )


def judge(request):
    """Evaluate an individual-class request, in its notification language; store nothing."""
    rule_set = required_rule_set(request)
    with translation.override(request.language):
        return rule_set, evaluate(facts_for(request), rule_set)


def offered_outcomes(request):
    """The decisions beyond approve / deny the request's rule set allows: only for
    individual-class requests (rule sets judge those), by the rule set the decision will be
    judged by (``rule_set_for``)."""
    if request.kind != RequestKind.INDIVIDUAL_CLASS:
        return ()
    rule_set = rule_set_for(request)
    if rule_set is None:
        return ()
    return tuple(outcome for outcome in DECISION_OUTCOMES if rule_set.allows(outcome))


def action_offered(request, action):
    """False for a decision outcome the request's rule set does not allow; True otherwise."""
    return action not in DECISION_OUTCOMES or action in offered_outcomes(request)


# -- transitions -------------------------------------------------------------------------------


def transition(request, action, user, *, reason="", regular_class=""):
    """Take ``action`` on ``request`` as ``user``; returns the updated request.

    ``regular_class``: for ``redirect``, the regular class the student is sent to."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise TransitionError(_("Unknown action “%(action)s”.") % {"action": action})
    try:
        reason = clean_text(
            reason, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
        )
    except ValidationError as error:
        raise TransitionError(error.messages, code="reason") from None
    try:
        regular_class = clean_text(
            regular_class, max_length=MAX_REGULAR_CLASS_LENGTH, required=False
        )
    except ValidationError as error:
        raise TransitionError(error.messages, code="regular_class") from None
    with transaction.atomic():
        locked = TutoringRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state not in spec.sources:
            raise TransitionError(
                _("This request is “%(state)s”: it cannot be %(action)s now.")
                % {"state": locked.get_state_display(), "action": spec.past},
                code="state",
            )
        if not permissions.can_transition(user, locked, action):
            raise TransitionRefused(
                _("You are not allowed to do this with this request."), code="permission"
            )
        previous = locked.state
        now = timezone.now()
        if action == REDIRECT:
            locked.regular_class = regular_class
        RULES.get(action, _no_rule)(locked, user, reason, now)
        locked.state = spec.target
        # The next step's due date, from the institution's service levels (deadlines.py).
        locked.due_on = deadlines.request_due_on(locked, previous, now)
        locked._history_user = user
        locked._change_reason = reason or action
        locked.save()
        log(
            instance=locked,
            action=f"tutoria_requests.{action}",
            user=user,
            data={"from": previous, "to": locked.state},
        )
        AFTER.get(action, _no_rule)(locked, user, reason, now)
    return locked


def _no_rule(request, user, reason, now):
    return None


def _submit(request, user, reason, now):
    request.submitted_at = now
    if request.kind != RequestKind.INDIVIDUAL_CLASS:
        return
    # One student, one row lock: parallel submissions are counted one after the other.
    type(request.student).objects.select_for_update().get(pk=request.student_id)
    active = TutoringRequest.objects.filter(
        student_id=request.student_id,
        term_id=request.term_id,
        kind=RequestKind.INDIVIDUAL_CLASS,
        state__in=ACTIVE_STATES,
    ).exclude(pk=request.pk)
    if active.filter(component_id=request.component_id).exists():
        raise TransitionError(
            _("The student already has an open request for this component this term."),
            code="duplicate",
        )
    # The rule set's limit (UFOPA Res. 331/2020, art. 244, III; UFERSA: 2 per term).
    rule_set = required_rule_set(request)
    limit = rule_set.max_requests_per_term
    if limit is not None and active.count() >= limit:
        raise TransitionError(
            _(
                "The student already has %(count)d individual-class requests this term, the "
                "most allowed (%(rule_set)s)."
            )
            % {"count": limit, "rule_set": rule_set},
            code="per_term_limit",
        )


def _review(request, user, reason, now):
    if request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(request)
        request.rule_set = rule_set.identifier
        request.verdict = verdict.as_dict()


def _approve(request, user, reason, now):
    if request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(request)
        request.rule_set = rule_set.identifier
        request.verdict = verdict.as_dict()
        if not verdict.eligible:
            failed = ", ".join(result.citation for result in verdict.failed)
            raise TransitionError(
                _("The request does not meet the rules (%(articles)s): it can only be denied.")
                % {"articles": failed},
                code="ineligible",
            )
    request.decision_reason = reason
    request.decided_by = user
    request.decided_at = now


def _deny(request, user, reason, now):
    if not reason:
        raise TransitionError(
            _("A denial needs a reasoned decision: write the reasons."), code="reason_required"
        )
    if request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(request)
        request.rule_set = rule_set.identifier
        request.verdict = verdict.as_dict()
    request.decision_reason = reason
    request.decided_by = user
    request.decided_at = now


def _decision_outcome(request, user, reason, now, action):
    """Redirect to a regular class, or a schedule change: allowed by the rule set, with
    reasons (and, for a redirect, the regular class)."""
    if request.kind != RequestKind.INDIVIDUAL_CLASS:
        raise TransitionError(
            _("Only individual-class requests can be decided this way: approve or deny it."),
            code="outcome_not_allowed",
        )
    rule_set, verdict = judge(request)
    if not rule_set.allows(action):
        raise TransitionError(
            _("The rule set of this request (%(rule_set)s) does not allow this decision.")
            % {"rule_set": rule_set},
            code="outcome_not_allowed",
        )
    if not reason:
        raise TransitionError(
            _("This decision needs a reasoned decision: write the reasons."),
            code="reason_required",
        )
    if action == REDIRECT and not request.regular_class:
        raise TransitionError(
            _("Name the regular class the student is sent to."), code="regular_class_required"
        )
    request.rule_set = rule_set.identifier
    request.verdict = verdict.as_dict()
    request.decision_reason = reason
    request.decided_by = user
    request.decided_at = now


def _redirect(request, user, reason, now):
    _decision_outcome(request, user, reason, now, REDIRECT)


def _change_schedule(request, user, reason, now):
    _decision_outcome(request, user, reason, now, CHANGE_SCHEDULE)


def _start(request, user, reason, now):
    if request.kind == RequestKind.SUPPORT and request.assigned_tutor_id is None:
        raise TransitionError(
            _("Assign a tutor before starting the tutoring."), code="tutor_required"
        )
    if request.assigned_tutor_id is not None and not request.assigned_tutor.is_active:
        raise TransitionError(INACTIVE_TUTOR, code="inactive_tutor")
    if request.kind == RequestKind.INDIVIDUAL_CLASS:
        # The class is offered only once its tutor is designated (UFOPA Res. 331/2020,
        # art. 246): its requests cannot start before.
        individual_class = request.individual_classes.select_related("tutor").order_by("pk").first()
        if individual_class is None or individual_class.tutor_id is None:
            raise TransitionError(
                _("Designate the class's tutor before starting the class."),
                code="class_tutor_required",
            )
        if not individual_class.tutor.is_active:
            raise TransitionError(
                _("The class tutor's account is deactivated: designate another tutor."),
                code="inactive_tutor",
            )


RULES = {
    "submit": _submit,
    "review": _review,
    "approve": _approve,
    "deny": _deny,
    REDIRECT: _redirect,
    CHANGE_SCHEDULE: _change_schedule,
    "start": _start,
}


def _after_decision(request, user, reason, now):
    if request.kind == RequestKind.INDIVIDUAL_CLASS and request.state == RequestState.APPROVED:
        join_individual_class(request, user)
    notify(request, Notification.DECISION)


AFTER = {
    "approve": _after_decision,
    "deny": _after_decision,
    REDIRECT: _after_decision,
    CHANGE_SCHEDULE: _after_decision,
}


# -- individual classes --------------------------------------------------------------------


def join_individual_class(request, user=None):
    """Open the term's class for the component (or an equivalent), or join it, up to the
    rule set's class size (``max_students_per_class``; UFOPA: 4).

    ``user`` (who approved) is recorded in the class's history (its requests are tracked)."""
    component = request.component
    components = sorted({component.pk, *component.equivalents.values_list("pk", flat=True)})
    # One class for a component and its equivalents per term (art. 245): lock the group's
    # component rows, in a fixed order (no deadlock), so that the first approvals of two
    # equivalent components do not each open a class (the unique constraint only sees one
    # component).
    list(
        type(component)
        .objects.select_for_update()
        .filter(pk__in=components)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    existing = (
        IndividualClass.objects.select_for_update()
        .filter(site_id=request.site_id, term_id=request.term_id, component_id__in=components)
        .order_by("pk")
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                existing = IndividualClass(
                    site_id=request.site_id, term_id=request.term_id, component_id=component.pk
                )
                if user is not None:
                    existing._history_user = user
                existing.save()
        except IntegrityError:
            existing = IndividualClass.objects.select_for_update().get(
                term_id=request.term_id, component_id=component.pk
            )
    rule_set = required_rule_set(request)
    limit = rule_set.max_students_per_class
    if limit is not None and existing.requests.count() >= limit:
        raise TransitionError(
            _(
                "The individual class of this component is full (%(max)d students, "
                "%(rule_set)s): open a regular class instead."
            )
            % {"max": limit, "rule_set": rule_set},
            code="class_full",
        )
    if user is not None:
        existing._history_user = user
    existing.requests.add(request)
    return existing


def designate_tutor(individual_class, tutor, user):
    """Designate the class's tutor, within the classes a tutor may have in a term by the
    class's rule set (``max_classes_per_tutor_per_term``; UFOPA: 1, art. 241 sole paragraph)."""
    if not permissions.coordinates(user, individual_class):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    _require_member(tutor, individual_class)
    rule_set = individual_class.rule_set
    limit = rule_set.max_classes_per_tutor_per_term if rule_set is not None else None
    with transaction.atomic():
        # One tutor, one row lock: parallel designations are counted one after the other.
        type(tutor).objects.select_for_update().get(pk=tutor.pk)
        if limit is not None:
            load = (
                IndividualClass.objects.filter(term_id=individual_class.term_id, tutor=tutor)
                .exclude(pk=individual_class.pk)
                .count()
            )
            if load >= limit:
                raise TransitionError(
                    _(
                        "This tutor already has as many individual classes this term as "
                        "allowed (%(max)d, %(rule_set)s)."
                    )
                    % {"max": limit, "rule_set": rule_set},
                    code="tutor_limit",
                )
        previous = individual_class.tutor
        individual_class.tutor = tutor
        individual_class._history_user = user
        individual_class.save()
        # Both tutors' work plans (PIT) for the term follow the designation.
        for each in {previous, tutor} - {None}:
            update_work_plan(each, individual_class.term, individual_class.site, user)
    return individual_class


def record_class_session(individual_class, user, *, date, modality, duration_minutes, topic=""):
    """The class's designated tutor (or coordination) records a session of the class, while
    the class runs (one of its requests in progress): its modality and duration count towards
    the rule set's in-person share (UFOPA Res. 331/2020, art. 241)."""
    from .models import ClassSession

    if not permissions.can_record_class_sessions(user, individual_class):
        raise TransitionRefused(
            _("Only the class's designated tutor and coordination can record its sessions."),
            code="permission",
        )
    if not individual_class.has_started:
        raise TransitionError(
            _("The class's sessions are recorded once the class has started."), code="state"
        )
    session = ClassSession(
        individual_class=individual_class,
        site_id=individual_class.site_id,
        date=date,
        modality=modality,
        duration_minutes=duration_minutes,
        topic=clean_text(topic, max_length=200, required=False),
        recorded_by=user,
    )
    session.full_clean()
    session._history_user = user
    with transaction.atomic():
        session.save()
        update_work_plan(individual_class.tutor, individual_class.term, individual_class.site)
    return session


def _require_class_record(individual_class, user):
    """Who corrects a class's sessions (its designated tutor, coordination of its
    institution), while the class is open (one of its requests in progress)."""
    if not permissions.can_record_class_sessions(user, individual_class):
        raise TransitionRefused(
            _("Only the class's designated tutor and coordination can record its sessions."),
            code="permission",
        )
    if not individual_class.has_started:
        raise TransitionError(
            _("The class's sessions can be changed only while the class is open."),
            code="state",
        )


def update_class_session(session, user, *, date, modality, duration_minutes, topic=""):
    """Correct a class session (its designated tutor or coordination, while the class is
    open): the change is kept in the session's history, and the class's in-person share and
    its tutor's work plan (PIT) follow it."""
    individual_class = session.individual_class
    _require_class_record(individual_class, user)
    session.date = date
    session.modality = modality
    session.duration_minutes = duration_minutes
    session.topic = clean_text(topic, max_length=200, required=False)
    session.full_clean()
    session._history_user = user
    with transaction.atomic():
        session.save()
        update_work_plan(individual_class.tutor, individual_class.term, individual_class.site)
    return session


def delete_class_session(session, user):
    """Delete a class session recorded by mistake (its designated tutor or coordination,
    while the class is open): its history keeps it (who deleted it, when), and the class's
    in-person share and its tutor's work plan (PIT) no longer count it."""
    individual_class = session.individual_class
    _require_class_record(individual_class, user)
    session._history_user = user
    with transaction.atomic():
        session.delete()
        update_work_plan(individual_class.tutor, individual_class.term, individual_class.site)
    return individual_class


def update_work_plan(tutor, term, site, user=None):
    """The tutor's work plan (PIT) record for the term, brought up to date: the in-person
    hours recorded in the individual classes they are designated to, each class up to its
    rule set's in-person hours, at most ``max_classes_per_tutor_per_term`` classes (UFOPA: one
    component per regular term, art. 241 sole paragraph), within the rule set's cap in hours
    (``max_work_plan_hours_per_term``; None: no cap). None without a tutor or a rule set."""
    from decimal import Decimal

    rule_set = site_rule_set(site)
    if tutor is None or rule_set is None:
        return None
    with transaction.atomic():
        record = _locked_work_plan(site, tutor, term)
        # Counted under the record's lock: two sessions recorded at once are both credited.
        classes = list(
            IndividualClass.objects.filter(site=site, term=term, tutor=tutor)
            .select_related("component", "term")
            .order_by("pk")
        )
        limit = rule_set.max_classes_per_tutor_per_term
        credited = classes if limit is None else classes[:limit]
        hours = Decimal(0)
        for individual_class in credited:
            share = individual_class.in_person_share
            taught = Decimal(share.in_person_minutes) / 60
            if share.required_hours is not None:
                taught = min(taught, Decimal(share.required_hours))
            hours += taught
        cap = rule_set.max_work_plan_hours_per_term
        if cap is not None:
            hours = min(hours, Decimal(cap))
        record.class_hours = hours.quantize(Decimal("0.01"))
        record.classes_credited = len(credited)
        record.hours_cap = cap
        if user is not None:
            record._history_user = user
        record.save()
    return record


def _locked_work_plan(site, tutor, term):
    """The tutor's work plan record for the term, created if missing and locked (one per
    site, tutor and term, by a unique constraint): when two transactions create it at once,
    the one that loses the race gets the other's row instead of an ``IntegrityError``."""
    from .models import WorkPlanRecord

    lookup = {"site": site, "tutor": tutor, "term": term}
    record = WorkPlanRecord.objects.select_for_update().filter(**lookup).first()
    if record is not None:
        return record
    try:
        with transaction.atomic():
            return WorkPlanRecord.objects.create(**lookup)
    except IntegrityError:
        return WorkPlanRecord.objects.select_for_update().get(**lookup)


# -- tutors ----------------------------------------------------------------------------------


def _require_member(tutor, record):
    """A tutor works in the institutions they belong to."""
    if not institutions.holds(tutor, None, record.site_id):
        raise TransitionError(
            _("This tutor does not belong to this institution: choose another tutor."),
            code="other_institution",
        )


def tutor_capacity(tutor):
    """How many tutees the tutor takes (their directory profile), or None if unknown."""
    if not apps.is_installed("tutoria_cms.tutors"):
        return None
    from tutoria_cms.tutors.permissions import profile_for_user

    profile = profile_for_user(tutor)
    return getattr(profile, "capacity", None) if profile is not None else None


def assign_tutor(request, tutor, user):
    """Assign a tutor to a support or mentoring request, within the tutor's capacity."""
    with transaction.atomic():
        locked = TutoringRequest.objects.select_for_update().get(pk=request.pk)
        if not permissions.can_transition(user, locked, "assign_tutor"):
            raise TransitionRefused(_("You are not allowed to do this with this request."))
        if not locked.is_open:
            raise TransitionError(_("A tutor can only be assigned to an open request."))
        if not tutor.is_active:
            raise TransitionError(
                _("This tutor's account is deactivated: choose another tutor."),
                code="inactive_tutor",
            )
        _require_member(tutor, locked)
        capacity = tutor_capacity(tutor)
        if capacity is not None:
            type(tutor).objects.select_for_update().get(pk=tutor.pk)
            load = (
                TutoringRequest.objects.filter(assigned_tutor=tutor, state__in=ACTIVE_STATES)
                .exclude(pk=locked.pk)
                .count()
            )
            if load >= capacity:
                raise TransitionError(
                    _("This tutor already has %(load)d tutees, their full capacity.")
                    % {"load": load},
                    code="capacity",
                )
        previous = locked.assigned_tutor_id
        locked.assigned_tutor = tutor
        locked._history_user = user
        locked._change_reason = "assign_tutor"
        locked.save()
        log(
            instance=locked,
            action="tutoria_requests.assign_tutor",
            user=user,
            data={"from": previous, "to": tutor.pk},
        )
        if previous != tutor.pk:
            notify_news(locked, f"{Notification.TUTOR}:{tutor.pk}")
    return locked


# -- notifications -----------------------------------------------------------------------------


def wants_news(student):
    """Whether ``student`` takes the e-mails they may turn off (a tutor assigned, a session
    recorded, a referral's news): their choice in the student area (``StudentAccount
    .email_news``, students app), on when they have no account. The decision notice is always
    sent."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        account = student.student_account
    except (AttributeError, ObjectDoesNotExist):
        return True
    return account.email_news


def notify_news(request, event):
    """Queue a notice the student may turn off (see :func:`wants_news`)."""
    if wants_news(request.student):
        return notify(request, event)
    return None


def notify(request, event):
    """Queue one e-mail per request and event; it is sent after the transaction commits."""
    notification, created = Notification.objects.get_or_create(request=request, event=event)
    if created:
        from .tasks import send_notification

        transaction.on_commit(lambda: send_notification.enqueue(notification.pk))
    return notification


def pending_notifications():
    """The notifications to send (again): pending, waiting to try again, failed, and those
    without an address whose student has one now."""
    return Notification.objects.filter(
        Q(
            status__in=(
                Notification.Status.PENDING,
                Notification.Status.RETRYING,
                Notification.Status.FAILED,
            )
        )
        | (Q(status=Notification.Status.NO_ADDRESS) & ~Q(request__student__email=""))
    )


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


def update_disclosure(request, user, *, reasons, description):
    """The assigned tutor records what the student confided (need-to-know)."""
    if not permissions.can_read_disclosure(user, request):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    disclosure, _created = RequestDisclosure.objects.get_or_create(request=request)
    disclosure.reasons = list(reasons)
    disclosure.description = clean_text(
        description, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
    )
    disclosure.full_clean(exclude=["request"])
    disclosure._history_user = user
    disclosure.save()
    return disclosure


# -- sessions and referrals -------------------------------------------------------------------


def _require_assigned_tutor(request, user):
    if not permissions.is_assigned_tutor(user, request):
        raise TransitionRefused(_("Only the assigned tutor can do this."))
    if request.state != RequestState.IN_PROGRESS:
        raise TransitionError(
            _("Sessions and referrals are recorded while the tutoring is in progress."),
            code="state",
        )


def record_session(
    request,
    user,
    *,
    date,
    modality,
    duration_minutes,
    attention_type="individual",
    private_notes="",
):
    from .models import TutoringSession

    _require_assigned_tutor(request, user)
    session = TutoringSession(
        request=request,
        date=date,
        modality=modality,
        attention_type=attention_type,
        duration_minutes=duration_minutes,
        recorded_by=user,
        private_notes=clean_text(
            private_notes, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
        ),
    )
    session.full_clean()
    session._history_user = user
    with transaction.atomic():
        session.save()
        notify_news(request, f"{Notification.SESSION}:{session.pk}")
    return session


def referral_services(site, include=None):
    """The services a student of the institution ``site`` may be referred to: its active
    ones (plus ``include``, a referral's current service, when it is no longer active)."""
    from .models import ReferralService

    condition = Q(active=True)
    if include is not None:
        condition |= Q(pk=getattr(include, "pk", include))
    return ReferralService.objects.filter(condition, site=site).order_by("order", "name")


def default_referral_service(site):
    """The service a referral made without naming one goes to: the institution's first active
    service, else its orientation service (created the first time)."""
    from .models import DEFAULT_SERVICE_NAME, ReferralService

    service = referral_services(site).first()
    if service is None:
        service, _created = ReferralService.objects.get_or_create(
            site=site, name=DEFAULT_SERVICE_NAME
        )
    return service


def refer(request, user, *, reason, service=None):
    """The assigned tutor refers the student to ``service`` (an active service of the
    request's institution; ``None``: its default one); the orientation service can then
    read."""
    from .models import Referral

    _require_assigned_tutor(request, user)
    if service is None:
        service = default_referral_service(request.site)
    elif not referral_services(request.site).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("Choose a service of the request's institution.")})
    referral = Referral(
        request=request,
        site_id=request.site_id,
        service=service,
        referred_by=user,
        reason=clean_text(reason, max_length=MAX_REASON_LENGTH, allow_newlines=True),
    )
    referral.full_clean()
    referral.due_on = deadlines.referral_due_on(referral, None, timezone.now())
    referral._history_user = user
    with transaction.atomic():
        referral.save()
        log(
            instance=request,
            action="tutoria_requests.refer",
            user=user,
            data={"referral": referral.pk},
        )
        notify_news(request, f"{Notification.REFERRAL}:{referral.pk}:{referral.status}")
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
    referral._history_user = user
    with transaction.atomic():
        referral.save()
        if changed:  # the student hears of it (never of what the service wrote)
            notify_news(referral.request, f"{Notification.REFERRAL}:{referral.pk}:{status}")
    if changed and status in REFERRAL_NEWS and user.pk != referral.referred_by_id:
        # The loop closes: the referring tutor is told (never what the service wrote).
        from .tasks import send_referral_update

        transaction.on_commit(lambda: send_referral_update.enqueue(referral.pk))
    return referral


def pending_referral_updates():
    """Referrals whose news (accepted, closed) their tutor has not been told of yet."""
    from .models import Referral

    return Referral.objects.filter(
        status__in=REFERRAL_NEWS, referred_by__isnull=False, status_changed_at__isnull=False
    ).exclude(tutor_notified_status=F("status"))


# -- group tutoring ----------------------------------------------------------------------------


def assign_group_tutor(group, tutor, user):
    if not permissions.coordinates(user, group):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    _require_member(tutor, group)
    group.tutor = tutor
    group._history_user = user
    group.save()
    return group


def record_group_session(group, user, *, date, topic, modality, duration_minutes, attendees=()):
    from .models import GroupSession

    if group.tutor_id != user.pk:
        raise TransitionRefused(_("Only the group's tutor can record its sessions."))
    members = set(group.members.values_list("pk", flat=True))
    attendee_ids = {getattr(a, "pk", a) for a in attendees}
    if not attendee_ids <= members:
        raise ValidationError(_("Only members of the group can be marked as present."))
    session = GroupSession(
        group=group,
        date=date,
        modality=modality,
        duration_minutes=duration_minutes,
        recorded_by=user,
        topic=clean_text(topic, max_length=200),
    )
    session.full_clean()
    session._history_user = user
    with transaction.atomic():
        session.save()
        session.attendees.set(attendee_ids)
    return session


# -- end-of-term reports -----------------------------------------------------------------------


def report_summary(term, *, request=None, group=None):
    """What the records say for the term: sessions, hours, referrals, workshops attended."""
    if request is not None:
        sessions = request.sessions.filter(date__range=(term.starts_on, term.ends_on))
        minutes = sum(sessions.values_list("duration_minutes", flat=True))
        referrals = {
            status: request.referrals.filter(status=status).count()
            for status in request.referrals.values_list("status", flat=True)
        }
        students = [request.student.student_number]
        count = sessions.count()
    else:
        sessions = group.sessions.filter(date__range=(term.starts_on, term.ends_on))
        minutes = sum(sessions.values_list("duration_minutes", flat=True))
        referrals = {}
        students = list(group.members.values_list("student_number", flat=True))
        count = sessions.count()
    workshops = 0
    if apps.is_installed("tutoria_cms.workshops"):
        from tutoria_cms.workshops.public import sessions_attended

        workshops = sum(sessions_attended(students, term.starts_on, term.ends_on).values())
    return {
        "sessions": count,
        "hours": round(minutes / 60, 2),
        "referrals": referrals,
        "workshop_sessions_attended": workshops,
    }


def prepare_report(term, user, *, request=None, group=None):
    """The tutor's draft report, pre-filled from the records (one per tutee/group and term)."""
    from .models import TermReport

    if request is not None and not permissions.is_assigned_tutor(user, request):
        raise TransitionRefused(_("Only the assigned tutor can do this."))
    if group is not None and group.tutor_id != user.pk:
        raise TransitionRefused(_("Only the group's tutor can record its sessions."))
    report, created = TermReport.objects.get_or_create(
        term=term,
        request=request,
        group=group,
        defaults={"tutor": user, "summary": report_summary(term, request=request, group=group)},
    )
    if not created and not report.is_locked:
        report.summary = report_summary(term, request=request, group=group)
        report._history_user = user
        report.save()
    return report


def update_report(report, user, *, progress, difficulties, recommendation, outcome):
    if report.tutor_id != user.pk:
        raise TransitionRefused(_("Only the report's tutor can change it."))
    if report.is_locked:
        raise TransitionError(_("A submitted report is locked."), code="locked")
    for field, value in (
        ("progress", progress),
        ("difficulties", difficulties),
        ("recommendation", recommendation),
    ):
        setattr(
            report,
            field,
            clean_text(value, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False),
        )
    report.outcome = outcome
    report.full_clean()
    report._history_user = user
    report.save()
    return report


def submit_report(report, user):
    from .models import ReportStatus, TermReport

    with transaction.atomic():
        locked = TermReport.objects.select_for_update().get(pk=report.pk)
        if locked.tutor_id != user.pk:
            raise TransitionRefused(_("Only the report's tutor can change it."))
        if locked.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise TransitionError(_("A submitted report is locked."), code="locked")
        missing = [
            str(locked._meta.get_field(name).verbose_name)
            for name in ("progress", "recommendation", "outcome")
            if not getattr(locked, name)
        ]
        if missing:
            raise TransitionError(
                _("Complete the report before submitting it: %(fields)s.")
                % {"fields": ", ".join(missing)},
                code="incomplete",
            )
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked._history_user = user
        locked.save()
    return locked


def review_report(report, user, *, accept, comment=""):
    """The coordinator accepts the report, or returns it with a comment."""
    from .models import ReportStatus, TermReport

    if not permissions.coordinates(user, report):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    comment = clean_text(comment, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False)
    with transaction.atomic():
        locked = TermReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise TransitionError(_("Only a submitted report can be reviewed."), code="state")
        if not accept and not comment:
            raise TransitionError(
                _("Say what to change when returning a report."), code="comment_required"
            )
        locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        locked.coordinator_comment = comment
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked._history_user = user
        locked.save()
    return locked


# -- privacy: reads and retention --------------------------------------------------------------


def log_sensitive_read(user, request, *what):
    """Record that ``user`` was shown confidential details of ``request``."""
    from .models import SensitiveRead

    SensitiveRead.objects.bulk_create(
        SensitiveRead(request_id=request.pk, site_id=request.site_id, user=user, what=item)
        for item in what
    )


RETAINED_STATES = (
    RequestState.CLOSED,
    RequestState.DENIED,
    RequestState.REDIRECTED,
    RequestState.SCHEDULE_CHANGE,
    RequestState.WITHDRAWN,
)


def requests_past_retention(years=None, today=None):
    """Finished requests whose last change is older than the retention period."""
    import datetime

    years = tutoria_settings.RETENTION_YEARS if years is None else years
    today = today or timezone.localdate()
    try:
        limit = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - years, day=28)
    cutoff = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
    return TutoringRequest.objects.filter(state__in=RETAINED_STATES, updated_at__lt=cutoff)


def purge_confidential(requests, *, dry_run=True, user=None):
    """Erase confidential text (and the history rows holding it) of ``requests``.

    Kept: the request, its states and dates, reason categories (counted by the indicators),
    session dates/durations, referral status. Returns what was (or would be) erased.
    Idempotent: already-erased text is not counted again. History rows are history, so they
    are updated in place (no new history row that would copy the text again).
    """
    from .models import Referral, TutoringSession

    ids = list(requests.values_list("pk", flat=True))
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
        for request in TutoringRequest.objects.filter(pk__in=touched):
            log(instance=request, action="tutoria_requests.purge_confidential", user=user)
    logger.info("Confidential text erased for %s requests past retention", counts["requests"])
    return counts
