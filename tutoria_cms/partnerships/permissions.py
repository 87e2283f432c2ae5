"""Who may do what with partnerships. Every view, hook, panel and command asks this module.

- Tutoring coordination (add/change/view on partners, agreements, stages and commitments):
  manages agreements, moves their stages, records commitments and their fulfilment, and is
  warned of overdue commitments and agreements about to expire.
- Quality office (view): reads agreements, their stages, deliverables and history.
- Everybody else: nothing.
"""

from django.contrib.auth import get_user_model

APP = "tutoria_partnerships"
VIEW = f"{APP}.view_agreement"
CHANGE = f"{APP}.change_agreement"
CHANGE_STAGE = f"{APP}.change_agreementstage"
ADD_COMMITMENT = f"{APP}.add_commitment"
CHANGE_COMMITMENT = f"{APP}.change_commitment"


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_agreements(user):
    return _active(user) and user.has_perm(VIEW)


def can_manage_stages(user):
    return _active(user) and user.has_perm(CHANGE_STAGE) and user.has_perm(VIEW)


def can_add_commitments(user):
    return _active(user) and user.has_perm(ADD_COMMITMENT) and user.has_perm(VIEW)


def can_record_fulfilment(user):
    return _active(user) and user.has_perm(CHANGE_COMMITMENT) and user.has_perm(VIEW)


def receives_warnings(user):
    """Coordinators (who change agreements) are warned; readers are not."""
    return _active(user) and user.has_perm(CHANGE)


def warning_recipients():
    """Active accounts with an e-mail address that receive the warnings (no superusers)."""
    User = get_user_model()
    return (
        User.objects.with_perm(CHANGE, include_superusers=False)
        .filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
