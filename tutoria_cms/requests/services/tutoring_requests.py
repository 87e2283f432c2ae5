"""A tutoring request's own writes: creation, transitions, its tutor, its confidential
details, its sessions, and the log of who read those details.

Each transition checks, in one transaction with the request's row locked: that the
transition exists from the current state (``workflow.TRANSITIONS``), that the actor may take
it (permissions.py), and the rules (reasoned denial, eligibility, class limits, the decisions
the rule set allows). Refusals are translated ``TransitionError``s. Each transition is
recorded twice: by django-simple-history (field history with the reason) and in Wagtail's
audit log (registered log actions).
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from tutoria_cms.core.history import attributed
from tutoria_cms.core.text import clean_text

from .. import deadlines, permissions
from ..eligibility import CHANGE_SCHEDULE, REDIRECT
from ..models import (
    ACTIVE_STATES,
    NO_INDIVIDUAL_CLASSES_HERE,
    Notification,
    RequestDisclosure,
    RequestKind,
    RequestState,
    SensitiveRead,
    TutoringRequest,
    TutoringSession,
)
from ..workflow import (
    TRANSITIONS,
    TransitionError,
    TransitionRefused,
    judge,
    required_rule_set,
    rule_set_for,
)
from .classes import join_individual_class
from .common import MAX_REASON_LENGTH, require_assigned_tutor, require_member
from .notifications import notify, notify_news

MAX_REGULAR_CLASS_LENGTH = 200
INACTIVE_TUTOR = _("The assigned tutor's account is deactivated: assign another tutor.")


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
        tutoring_request = TutoringRequest(
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
        attributed(tutoring_request, user)
        tutoring_request._change_reason = "create"
        tutoring_request.full_clean()
        if kind == RequestKind.INDIVIDUAL_CLASS and rule_set_for(tutoring_request) is None:
            raise ValidationError(NO_INDIVIDUAL_CLASSES_HERE, code="no_individual_classes")
        tutoring_request.save()
        disclosure = RequestDisclosure(
            request=tutoring_request, reasons=list(reasons), description=description
        )
        disclosure.full_clean(exclude=["request"])
        attributed(disclosure, user).save()
        log(instance=tutoring_request, action="wagtail.create", user=user)
    return tutoring_request


# -- transitions -------------------------------------------------------------------------------


def transition(tutoring_request, action, user, *, reason="", regular_class=""):
    """Take ``action`` on ``tutoring_request`` as ``user``; returns the updated request.

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
        locked = TutoringRequest.objects.select_for_update().get(pk=tutoring_request.pk)
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
        attributed(locked, user)
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


def _no_rule(tutoring_request, user, reason, now):
    return None


def _submit(tutoring_request, user, reason, now):
    tutoring_request.submitted_at = now
    if tutoring_request.kind != RequestKind.INDIVIDUAL_CLASS:
        return
    # One student, one row lock: parallel submissions are counted one after the other.
    type(tutoring_request.student).objects.select_for_update().get(pk=tutoring_request.student_id)
    active = TutoringRequest.objects.filter(
        student_id=tutoring_request.student_id,
        term_id=tutoring_request.term_id,
        kind=RequestKind.INDIVIDUAL_CLASS,
        state__in=ACTIVE_STATES,
    ).exclude(pk=tutoring_request.pk)
    if active.filter(component_id=tutoring_request.component_id).exists():
        raise TransitionError(
            _("The student already has an open request for this component this term."),
            code="duplicate",
        )
    # The rule set's limit (UFOPA Res. 331/2020, art. 244, III; UFERSA: 2 per term).
    rule_set = required_rule_set(tutoring_request)
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


def _review(tutoring_request, user, reason, now):
    if tutoring_request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(tutoring_request)
        tutoring_request.rule_set = rule_set.identifier
        tutoring_request.verdict = verdict.as_dict()


def _approve(tutoring_request, user, reason, now):
    if tutoring_request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(tutoring_request)
        tutoring_request.rule_set = rule_set.identifier
        tutoring_request.verdict = verdict.as_dict()
        if not verdict.eligible:
            failed = ", ".join(result.citation for result in verdict.failed)
            raise TransitionError(
                _("The request does not meet the rules (%(articles)s): it can only be denied.")
                % {"articles": failed},
                code="ineligible",
            )
    tutoring_request.decision_reason = reason
    tutoring_request.decided_by = user
    tutoring_request.decided_at = now


def _deny(tutoring_request, user, reason, now):
    if not reason:
        raise TransitionError(
            _("A denial needs a reasoned decision: write the reasons."), code="reason_required"
        )
    if tutoring_request.kind == RequestKind.INDIVIDUAL_CLASS:
        rule_set, verdict = judge(tutoring_request)
        tutoring_request.rule_set = rule_set.identifier
        tutoring_request.verdict = verdict.as_dict()
    tutoring_request.decision_reason = reason
    tutoring_request.decided_by = user
    tutoring_request.decided_at = now


def _decision_outcome(tutoring_request, user, reason, now, action):
    """Redirect to a regular class, or a schedule change: allowed by the rule set, with
    reasons (and, for a redirect, the regular class)."""
    if tutoring_request.kind != RequestKind.INDIVIDUAL_CLASS:
        raise TransitionError(
            _("Only individual-class requests can be decided this way: approve or deny it."),
            code="outcome_not_allowed",
        )
    rule_set, verdict = judge(tutoring_request)
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
    if action == REDIRECT and not tutoring_request.regular_class:
        raise TransitionError(
            _("Name the regular class the student is sent to."), code="regular_class_required"
        )
    tutoring_request.rule_set = rule_set.identifier
    tutoring_request.verdict = verdict.as_dict()
    tutoring_request.decision_reason = reason
    tutoring_request.decided_by = user
    tutoring_request.decided_at = now


def _redirect(tutoring_request, user, reason, now):
    _decision_outcome(tutoring_request, user, reason, now, REDIRECT)


def _change_schedule(tutoring_request, user, reason, now):
    _decision_outcome(tutoring_request, user, reason, now, CHANGE_SCHEDULE)


def _start(tutoring_request, user, reason, now):
    if tutoring_request.kind == RequestKind.SUPPORT and tutoring_request.assigned_tutor_id is None:
        raise TransitionError(
            _("Assign a tutor before starting the tutoring."), code="tutor_required"
        )
    if (
        tutoring_request.assigned_tutor_id is not None
        and not tutoring_request.assigned_tutor.is_active
    ):
        raise TransitionError(INACTIVE_TUTOR, code="inactive_tutor")
    if tutoring_request.kind == RequestKind.INDIVIDUAL_CLASS:
        # The class is offered only once its tutor is designated (UFOPA Res. 331/2020,
        # art. 246): its requests cannot start before.
        individual_class = (
            tutoring_request.individual_classes.select_related("tutor").order_by("pk").first()
        )
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


def _after_decision(tutoring_request, user, reason, now):
    if (
        tutoring_request.kind == RequestKind.INDIVIDUAL_CLASS
        and tutoring_request.state == RequestState.APPROVED
    ):
        join_individual_class(tutoring_request, user)
    notify(tutoring_request, Notification.DECISION)


AFTER = {
    "approve": _after_decision,
    "deny": _after_decision,
    REDIRECT: _after_decision,
    CHANGE_SCHEDULE: _after_decision,
}


# -- tutors ------------------------------------------------------------------------------------


def tutor_capacity(tutor):
    """How many tutees the tutor takes (their directory profile), or None if unknown."""
    if not apps.is_installed("tutoria_cms.tutors"):
        return None
    from tutoria_cms.tutors.permissions import profile_for_user

    profile = profile_for_user(tutor)
    return getattr(profile, "capacity", None) if profile is not None else None


def assign_tutor(tutoring_request, tutor, user):
    """Assign a tutor to a support or mentoring request, within the tutor's capacity."""
    with transaction.atomic():
        locked = TutoringRequest.objects.select_for_update().get(pk=tutoring_request.pk)
        if not permissions.can_transition(user, locked, "assign_tutor"):
            raise TransitionRefused(_("You are not allowed to do this with this request."))
        if not locked.is_open:
            raise TransitionError(_("A tutor can only be assigned to an open request."))
        if not tutor.is_active:
            raise TransitionError(
                _("This tutor's account is deactivated: choose another tutor."),
                code="inactive_tutor",
            )
        require_member(tutor, locked)
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
        attributed(locked, user)
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


# -- confidential details, sessions, reads ----------------------------------------------------


def update_disclosure(tutoring_request, user, *, reasons, description):
    """The assigned tutor records what the student confided (need-to-know)."""
    if not permissions.can_read_disclosure(user, tutoring_request):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    disclosure, _created = RequestDisclosure.objects.get_or_create(request=tutoring_request)
    disclosure.reasons = list(reasons)
    disclosure.description = clean_text(
        description, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False
    )
    disclosure.full_clean(exclude=["request"])
    attributed(disclosure, user).save()
    return disclosure


def record_session(
    tutoring_request,
    user,
    *,
    date,
    modality,
    duration_minutes,
    attention_type="individual",
    private_notes="",
):
    require_assigned_tutor(tutoring_request, user)
    session = TutoringSession(
        request=tutoring_request,
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
    attributed(session, user)
    with transaction.atomic():
        session.save()
        notify_news(tutoring_request, f"{Notification.SESSION}:{session.pk}")
    return session


def log_sensitive_read(user, tutoring_request, *what):
    """Record that ``user`` was shown confidential details of ``tutoring_request``."""
    SensitiveRead.objects.bulk_create(
        SensitiveRead(
            request_id=tutoring_request.pk, site_id=tutoring_request.site_id, user=user, what=item
        )
        for item in what
    )
