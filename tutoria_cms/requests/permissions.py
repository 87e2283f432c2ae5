"""Who may see and do what with tutoring requests: the one module every view asks.

Visibility is the request's state times the reader's relation to it (assigned tutor,
orientation service once referred), as in Plone's workflow security.

- Coordination (``manage_tutoringrequest``): every request's state, dates and decision,
  never the confidential details.
- Board (``decide_tutoringrequest``): requests from submission on; decides them (approve,
  deny, and where the rule set allows, redirect to a regular class or schedule change).
- Assigned tutor: their own requests, with the confidential details.
- Designated class tutor: the requests of the individual classes they are designated to,
  read only (state, dates, decision; no confidential details, no action), while an active
  member of the class's institution (``is_class_tutor_of``).
- Orientation service (``receive_referral``): requests referred to it, with the details.
- Superusers administer the site but do not read confidential details either.
- Group tutoring, end-of-term reports, individual classes: coordination sees them all (boards
  also every class), a tutor their own.

Institutions (``core.institutions``): every role applies in the institutions where the person
holds it; a request of another institution is never seen (its id is "not found"), and the
per-object checks ask ``institutions.holds(user, perm, request.site_id)``.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from tutoria_cms.core import institutions

from .models import (
    OPEN_STATES,
    IndividualClass,
    RequestKind,
    RequestState,
    StudentGroup,
    TermReport,
    TutoringRequest,
    WorkPlanRecord,
)
from .workflow import TRANSITIONS, action_offered

MANAGE = "tutoria_requests.manage_tutoringrequest"
DECIDE = "tutoria_requests.decide_tutoringrequest"
RECEIVE_REFERRAL = "tutoria_requests.receive_referral"
# Who may decide takes every decision; redirect and schedule change only where the request's
# rule set allows them (workflow.action_offered).
DECISIONS = ("approve", "deny", "redirect", "change_schedule")


def is_coordinator(user):
    return user.is_active and user.has_perm(MANAGE)


def is_board(user):
    return user.is_active and user.has_perm(DECIDE)


def is_orientation(user):
    return user.is_active and user.has_perm(RECEIVE_REFERRAL)


def reads_referrals(user):
    """The orientation service reads what is referred to it; superusers hold every
    permission, but administer the site and read no confidential details."""
    return is_orientation(user) and not user.is_superuser


def is_assigned_tutor(user, tutoring_request):
    """The request's tutor, while a member of its institution."""
    return (
        user.is_authenticated
        and tutoring_request.assigned_tutor_id == user.pk
        and institutions.holds(user, None, tutoring_request.site_id)
    )


def coordinates(user, record):
    """Coordination in the institution of ``record`` (a request, group, report, class)."""
    return user.is_active and institutions.holds(user, MANAGE, record.site_id)


def decides(user, record):
    """The board of the institution of ``record``."""
    return user.is_active and institutions.holds(user, DECIDE, record.site_id)


def orientation_of(user, record):
    """The orientation service of the institution of ``record`` (never superusers)."""
    return reads_referrals(user) and institutions.holds(user, RECEIVE_REFERRAL, record.site_id)


def is_referred(tutoring_request):
    referrals = getattr(tutoring_request, "referrals", None)
    return referrals is not None and referrals.exists()


def visible_requests(user, queryset=None):
    """The requests ``user`` may see at all (state, dates, decision)."""
    queryset = TutoringRequest.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(assigned_tutor=user) & institutions.institution_q(user)
    # The requests behind the classes they are designated to (read only), in the classes'
    # institutions: the class shares its request's site.
    condition |= (
        Q(individual_classes__tutor=user)
        & institutions.institution_q(user, field="individual_classes__site")
        & institutions.institution_q(user)
    )
    if is_coordinator(user):
        condition |= institutions.institution_q(user, MANAGE)
    if is_board(user):
        condition |= ~Q(state=RequestState.DRAFT) & institutions.institution_q(user, DECIDE)
    if is_orientation(user):
        condition |= Q(referrals__isnull=False) & institutions.institution_q(user, RECEIVE_REFERRAL)
    return queryset.filter(condition).distinct()


def is_class_tutor_of(user, tutoring_request):
    """The designated tutor of one of the individual classes ``tutoring_request`` belongs
    to, while an active member of its institution: they read the request, never its
    confidential details and take no action on it (only the assigned tutor does)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return institutions.holds(user, None, tutoring_request.site_id) and any(
        individual_class.is_class_tutor(user)
        for individual_class in tutoring_request.individual_classes.filter(tutor=user)
    )


def can_view(user, tutoring_request):
    return visible_requests(user, TutoringRequest.objects.filter(pk=tutoring_request.pk)).exists()


def can_read_disclosure(user, tutoring_request):
    """Need-to-know: the assigned tutor, and the orientation service once referred."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_assigned_tutor(user, tutoring_request):
        return True
    return orientation_of(user, tutoring_request) and is_referred(tutoring_request)


def is_own_request(user, tutoring_request):
    """The request is of the student record ``user``'s student account is linked to
    (``tutoria_cms.students``: one account, one record of one institution)."""
    if not user.is_authenticated or not user.is_active:
        return False
    try:
        account = user.student_account
    except (AttributeError, ObjectDoesNotExist):
        # No student account, or the students app is not installed.
        return False
    return (
        account.record_id == tutoring_request.student_id
        and account.record.site_id == tutoring_request.site_id
    )


# What a student may do with their own request, from their area on the public site.
STUDENT_ACTIONS = ("submit", "withdraw")


def can_transition(user, tutoring_request, action):
    """Whether ``user`` may take ``action`` on ``tutoring_request`` (state is checked separately).

    A student submits and withdraws their own requests (``is_own_request``), nothing else."""
    if not user.is_authenticated or not user.is_active:
        return False
    if action in STUDENT_ACTIONS and is_own_request(user, tutoring_request):
        return True
    coordinator = coordinates(user, tutoring_request)
    if action in ("submit", "review", "start", "withdraw", "assign_tutor"):
        return coordinator
    if action in DECISIONS:
        if decides(user, tutoring_request):
            return True
        # Coordination accepts support and mentoring requests; boards judge classes.
        return coordinator and tutoring_request.kind != RequestKind.INDIVIDUAL_CLASS
    if action == "close":
        return coordinator or is_assigned_tutor(user, tutoring_request)
    return False


def can_record_work(user, tutoring_request):
    """Sessions and referrals: the assigned tutor, while the tutoring is in progress."""
    return (
        is_assigned_tutor(user, tutoring_request)
        and tutoring_request.state == RequestState.IN_PROGRESS
    )


def available_actions(user, tutoring_request):
    """The transitions ``user`` may take now, in a stable order (for action buttons); the
    decisions beyond approve / deny only where the request's rule set allows them."""
    return [
        name
        for name, spec in TRANSITIONS.items()
        if tutoring_request.state in spec.sources
        and can_transition(user, tutoring_request, name)
        and action_offered(tutoring_request, name)
    ]


# Group tutoring, end-of-term reports and individual classes --------------------------------


def _tutoring_work(model, user, board_sees_all=False):
    """Coordination (and superusers) see every row of ``model`` of their institutions; a
    tutor, their own."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if user.is_superuser:
        return model.objects.all()
    condition = Q(tutor=user) & institutions.institution_q(user)
    if is_coordinator(user):
        condition |= institutions.institution_q(user, MANAGE)
    if board_sees_all and is_board(user):
        condition |= institutions.institution_q(user, DECIDE)
    return model.objects.filter(condition)


def visible_groups(user):
    return _tutoring_work(StudentGroup, user)


def visible_reports(user):
    return _tutoring_work(TermReport, user)


def visible_classes(user):
    """Boards also see every individual class (they decide the class requests)."""
    return _tutoring_work(IndividualClass, user, board_sees_all=True)


def visible_work_plans(user):
    """Work plan (PIT) records, read only: coordination those of its institutions, a tutor
    their own (in the institutions they belong to)."""
    return _tutoring_work(WorkPlanRecord, user)


def is_class_tutor(user, individual_class):
    """The individual class's designated tutor, while an active member of its institution."""
    return individual_class.is_class_tutor(user)


def can_record_class_sessions(user, individual_class):
    """An individual class's sessions: its designated tutor, and coordination of its
    institution (not the tutors its students' requests may have been assigned)."""
    return is_class_tutor(user, individual_class) or coordinates(user, individual_class)


__all__ = [
    "can_record_class_sessions",
    "is_class_tutor",
    "is_class_tutor_of",
    "is_own_request",
    "OPEN_STATES",
    "available_actions",
    "can_read_disclosure",
    "can_record_work",
    "can_transition",
    "can_view",
    "coordinates",
    "decides",
    "orientation_of",
    "visible_classes",
    "visible_groups",
    "visible_reports",
    "visible_work_plans",
    "visible_requests",
]
