"""What the operations share: the longest free text they take, and whom they give work to."""

from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions

from .. import permissions
from ..models import RequestState
from ..workflow import TransitionError, TransitionRefused

MAX_REASON_LENGTH = 5000


def require_member(tutor, record):
    """A tutor works in the institutions they belong to."""
    if not institutions.holds(tutor, None, record.site_id):
        raise TransitionError(
            _("This tutor does not belong to this institution: choose another tutor."),
            code="other_institution",
        )


def require_assigned_tutor(tutoring_request, user):
    if not permissions.is_assigned_tutor(user, tutoring_request):
        raise TransitionRefused(_("Only the assigned tutor can do this."))
    if tutoring_request.state != RequestState.IN_PROGRESS:
        raise TransitionError(
            _("Sessions and referrals are recorded while the tutoring is in progress."),
            code="state",
        )
