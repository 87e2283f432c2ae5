"""Group tutoring: the group's tutor and its sessions, with who attended."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import attributed
from tutoria_cms.core.text import clean_text

from .. import permissions
from ..models import GroupSession
from ..workflow import TransitionRefused
from .common import require_member


def assign_group_tutor(group, tutor, user):
    if not permissions.coordinates(user, group):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    require_member(tutor, group)
    group.tutor = tutor
    attributed(group, user).save()
    return group


def record_group_session(group, user, *, date, topic, modality, duration_minutes, attendees=()):
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
    attributed(session, user)
    with transaction.atomic():
        session.save()
        session.attendees.set(attendee_ids)
    return session
