"""Who may see and do what in peer mentoring: the one module every view, panel and service asks.

- Tutoring coordination (``manage_mentoring``): programmes, participants, suggestions and every
  pair (confirm, reject, change the mentor, rematch, close), mentees' personal data; never the
  mentor's private notes.
- A mentor (a user linked to the mentor participant): only their own pairs once confirmed
  (never suggestions, never other mentors' pairs); their mentees' personal data (name, e-mail,
  student number); goals, action steps, meetings (with their private notes), check-ins as
  mentor, closure.
- A mentee with a linked account: their own pair (no private notes, no personal data of
  others beyond the mentor's name), check-ins as mentee.
- A student in their area (``tutoria_cms.students``), identified by their student record (or
  the account linked to their participant record), of the area's institution only: their own
  started pairs, the other member's name, goals, steps, meetings without any private notes,
  their own check-ins, and check-ins in their own role(s) (:func:`student_roles`).
- Institutions: coordination acts only on the programmes, participants and pairs of the
  institutions where it holds ``manage_mentoring`` (``core.institutions``); another
  institution's records are not found.
- Everybody else (other tutors, boards, communications, quality office): nothing. Superusers
  administer the site (as coordinators) but do not read private notes either.
"""

from django.db.models import Q

from tutoria_cms.core import institutions

from .choices import STARTED_PAIR_STATUSES, PairStatus, ParticipantRole
from .models import Pair

MANAGE = "tutoria_mentoring.manage_mentoring"


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_coordinator(user):
    """Whether ``user`` coordinates peer mentoring in at least one institution."""
    if not _active(user) or not user.has_perm(MANAGE):
        return False
    ids = institutions.site_ids_for(user, MANAGE)
    return ids is institutions.ALL or bool(ids)


def coordinates(user, record):
    """Whether ``user`` coordinates peer mentoring in ``record``'s institution."""
    return _active(user) and institutions.holds(user, MANAGE, record.site_id)


def managed(queryset, user):
    """``queryset`` (programmes, participants, pairs) limited to the institutions ``user``
    coordinates."""
    if not _active(user) or not user.has_perm(MANAGE):
        return queryset.none()
    return institutions.scope(queryset, user, MANAGE)


def is_mentor_of(user, pair):
    return _active(user) and pair.mentor.user_id == user.pk


def is_mentee_of(user, pair):
    return _active(user) and pair.mentee.user_id == user.pk


def visible_pairs(user, queryset=None):
    """The pairs ``user`` may see at all."""
    queryset = Pair.objects.all() if queryset is None else queryset
    if not _active(user):
        return queryset.none()
    own = (Q(mentor__user=user) | Q(mentee__user=user)) & Q(status__in=STARTED_PAIR_STATUSES)
    if user.has_perm(MANAGE):
        return queryset.filter(institutions.institution_q(user, MANAGE) | own).distinct()
    return queryset.filter(own)


def has_pairs(user):
    return _active(user) and visible_pairs(user).exists()


def can_view(user, pair):
    return visible_pairs(user, Pair.objects.filter(pk=pair.pk)).exists()


def can_manage(user, record=None):
    """Programmes, participants, suggestions, confirmation, rematching (of ``record``'s
    institution when given, else of any)."""
    if record is not None:
        return coordinates(user, record)
    return is_coordinator(user)


def can_read_personal_data(user, pair):
    """The mentee's (and mentor's) e-mail and student number: coordination and the mentor."""
    if coordinates(user, pair):
        return True
    return is_mentor_of(user, pair) and pair.status in STARTED_PAIR_STATUSES


def can_read_private_notes(user, pair):
    """A meeting's private notes are the mentor's alone."""
    return is_mentor_of(user, pair)


def can_work_on(user, pair):
    """Goals, action steps, meetings, workshop links of a confirmed pair."""
    if pair.status != PairStatus.CONFIRMED:
        return False
    return coordinates(user, pair) or is_mentor_of(user, pair)


def check_in_roles(user, pair):
    """The roles in whose name ``user`` may rate progress on ``pair`` (coordination: both)."""
    if pair.status != PairStatus.CONFIRMED or not _active(user):
        return []
    if coordinates(user, pair):
        return [ParticipantRole.MENTOR, ParticipantRole.MENTEE]
    roles = []
    if is_mentor_of(user, pair):
        roles.append(ParticipantRole.MENTOR)
    if is_mentee_of(user, pair):
        roles.append(ParticipantRole.MENTEE)
    return roles


def own_participations(record, user=None):
    """The participant records of the student ``record`` (or linked to ``user``, their account),
    in ``record``'s institution only."""
    from .models import Participant

    match = Q(student=record)
    if user is not None and _active(user):
        match |= Q(user=user)
    return Participant.objects.filter(match, site_id=record.site_id)


def student_pairs(record, user=None):
    """The started pairs (confirmed, rematched, closed) the student takes part in, as mentor or
    mentee, in ``record``'s institution: what their area shows. Never suggestions."""
    ids = own_participations(record, user).values("pk")
    return Pair.objects.filter(
        Q(mentor_id__in=ids) | Q(mentee_id__in=ids),
        site_id=record.site_id,
        status__in=STARTED_PAIR_STATUSES,
    )


def student_roles(record, pair, user=None):
    """The roles in which the student ``record`` takes part in ``pair`` (of their institution)."""
    if pair.site_id != record.site_id:
        return []
    ids = set(own_participations(record, user).values_list("pk", flat=True))
    roles = []
    if pair.mentor_id in ids:
        roles.append(ParticipantRole.MENTOR)
    if pair.mentee_id in ids:
        roles.append(ParticipantRole.MENTEE)
    return roles


def student_check_in_roles(record, pair, user=None):
    """The roles in whose name the student may rate progress on ``pair`` (confirmed only)."""
    if pair.status != PairStatus.CONFIRMED:
        return []
    return student_roles(record, pair, user)


def can_close(user, pair):
    return pair.status == PairStatus.CONFIRMED and (
        coordinates(user, pair) or is_mentor_of(user, pair)
    )
