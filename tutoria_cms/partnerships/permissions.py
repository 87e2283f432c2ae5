"""Who may do what with partnerships. Every view, hook, panel and command asks this module.

- Tutoring coordination (add/change/view on partners, agreements, stages and commitments):
  manages agreements, moves their stages, records commitments and their fulfilment, and is
  warned of overdue commitments and agreements about to expire.
- Quality office (view): reads agreements, their stages, deliverables and history.
- Everybody else: nothing.

Institutions: agreements (with their stages and commitments) belong to one institution and
each of the above applies only in the institutions where the person holds the permission
(``core.institutions``); another institution's agreements are not found. Partners are shared
(a company may sign with several institutions; its name is unique) and hold no student data.
"""

from django.contrib.auth import get_user_model

from tutoria_cms.core import institutions

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


def visible_agreements(user, queryset=None, perm=VIEW):
    """The agreements ``user`` may see (``perm``: and act on), in their institutions."""
    from .models import Agreement

    queryset = Agreement.objects.all() if queryset is None else queryset
    if not _active(user) or not user.has_perm(VIEW):
        return queryset.none()
    queryset = institutions.scope(queryset, user, VIEW)
    if perm != VIEW:
        queryset = institutions.scope(queryset, user, perm)
    return queryset


def holds(user, perm, agreement):
    """Whether ``user`` holds ``perm`` (and may see agreements) in ``agreement``'s institution."""
    return (
        _active(user)
        and institutions.holds(user, VIEW, agreement.site_id)
        and institutions.holds(user, perm, agreement.site_id)
    )


def receives_warnings(user):
    """Coordinators (who change agreements) are warned; readers are not."""
    return _active(user) and user.has_perm(CHANGE)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def warning_recipients(site=None):
    """Active accounts with an e-mail address that receive the warnings (no superusers);
    ``site``: only those who change agreements in that institution."""
    User = get_user_model()
    users = (
        # The permissions backend by name: with several backends (django-axes first),
        # with_perm() must be told which one answers.
        User.objects.with_perm(CHANGE, include_superusers=False, backend=MODEL_BACKEND)
        .filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    if site is None:
        return users
    return [user for user in users if institutions.holds(user, CHANGE, site)]
