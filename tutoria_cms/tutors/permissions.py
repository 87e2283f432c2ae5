"""Who may do what in the tutor directory. Every view, hook and service asks this module.

- A tutor edits only their own profile page (Wagtail page ownership: each institution's tutors
  group, "Tutors · <institution>", holds "add" on that institution's directory pages, which lets
  its members create a profile there and edit the pages they own, never publish) and only their
  own self-assessments.
- Coordinators (holders of ``validate_competencyassessment``: the "Tutoring coordination" group)
  see every matrix, validate other tutors' matrices (never their own) and see the heat map.
- Page editors (Communications) may create profiles for tutors and assign the tutor's account.
"""

from tutoria_cms.core import roles

VALIDATE_PERMISSION = "tutoria_tutors.validate_competencyassessment"


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def profile_models():
    """Concrete page models that are tutor profiles (the default one and any site's own)."""
    from wagtail.models import get_page_models

    from .models import TutorProfilePageMixin

    return [model for model in get_page_models() if issubclass(model, TutorProfilePageMixin)]


def directory_models():
    """Concrete page models that are tutor directories (the default one and any site's own)."""
    from wagtail.models import get_page_models

    from .models import TutorIndexPageMixin

    return [model for model in get_page_models() if issubclass(model, TutorIndexPageMixin)]


def is_profile(page):
    from .models import TutorProfilePageMixin

    return isinstance(page, TutorProfilePageMixin)


def profile_for_user(user, exclude_pk=None):
    """The tutor profile page of ``user``, or None."""
    if user is None or not getattr(user, "pk", None):
        return None
    for model in profile_models():
        queryset = model.objects.filter(user_id=user.pk)
        if exclude_pk is not None:
            queryset = queryset.exclude(pk=exclude_pk)
        profile = queryset.first()
        if profile is not None:
            return profile
    return None


def is_tutor(user):
    return _active(user) and user.groups.filter(name=roles.TUTORS).exists()


def is_coordinator(user):
    return _active(user) and user.has_perm(VALIDATE_PERMISSION)


def coordinates_profile(user, profile):
    """A coordinator of the profile's institution (the Site its page is under)."""
    from ..core.institutions import holds

    site = profile.get_site()
    return is_coordinator(user) and site is not None and holds(user, VALIDATE_PERMISSION, site)


def can_view_matrix(user, profile):
    """The tutor themself and coordinators of the profile's institution see a profile's whole
    matrix (evidence included)."""
    if not _active(user):
        return False
    own = profile.user_id is not None and profile.user_id == user.pk
    return own or coordinates_profile(user, profile)


can_view_history = can_view_matrix


def can_self_assess(user, profile):
    """Only the tutor assesses themself: not an editor, not a coordinator, not a superuser."""
    return _active(user) and profile.user_id is not None and profile.user_id == user.pk


def can_validate(user, profile):
    """Coordinators validate other tutors' matrices (of their institution), never their own."""
    return coordinates_profile(user, profile) and profile.user_id != user.pk


def can_view_heat_map(user):
    return is_coordinator(user)


def _page_actions(user, page):
    return getattr(page.permissions_for_user(user), "permissions", set())


def can_assign_profile_user(user, page):
    """Editors with "change" on ``page`` (a profile or its directory) choose the tutor account;
    a tutor creating or editing their own profile cannot point it at someone else."""
    if not _active(user):
        return False
    return user.is_superuser or "change" in _page_actions(user, page)


def can_edit_profile(user, page):
    """Wagtail's page permissions, narrowed: editing through ownership needs to be the tutor."""
    if not _active(user):
        return False
    tester = page.permissions_for_user(user)
    if not tester.can_edit():
        return False
    if user.is_superuser or "change" in getattr(tester, "permissions", set()):
        return True
    return page.user_id is not None and page.user_id == user.pk


def can_create_profile(user, parent_page):
    """Editors create as many profiles as they need; a tutor creates one: their own."""
    if can_assign_profile_user(user, parent_page):
        return True
    return _active(user) and profile_for_user(user) is None
