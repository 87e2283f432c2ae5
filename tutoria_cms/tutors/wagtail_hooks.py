"""Wiring only: admin URLs, menu items, viewsets and page hooks; decisions live in permissions."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from tutoria_cms.core.deletion import protect_pages_holding_records

from . import permissions, urls
from .models import has_competency_assessments
from .viewsets import CompetencyFrameworkGroup

# A tutor profile whose competency matrix has assessments (evidence of the programme) is
# unpublished, not deleted.
protect_pages_holding_records(
    has_competency_assessments,
    _(
        "This page cannot be deleted: a tutor profile in it has a competency matrix, which "
        "is evidence of the programme. Unpublish it instead."
    ),
)


@hooks.register("register_admin_urls")
def register_tutors_urls():
    return [path("tutors/", include((urls, "tutoria_tutors"), namespace="tutoria_tutors"))]


@hooks.register("register_admin_viewset")
def register_framework_viewsets():
    return CompetencyFrameworkGroup()


class MyMatrixMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.is_tutor(request.user) or (
            permissions.profile_for_user(request.user) is not None
        )


class HeatMapMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view_heat_map(request.user)


@hooks.register("register_admin_menu_item")
def register_my_matrix_menu_item():
    return MyMatrixMenuItem(
        _("My competency matrix"),
        reverse("tutoria_tutors:my_matrix"),
        icon_name="user",
        order=305,
    )


@hooks.register("register_admin_menu_item")
def register_heat_map_menu_item():
    return HeatMapMenuItem(
        _("Competency heat map"),
        reverse("tutoria_tutors:heat_map"),
        icon_name="table",
        order=306,
    )


@hooks.register("before_edit_page")
def refuse_editing_other_profiles(request, page):
    page = page.specific
    if permissions.is_profile(page) and not permissions.can_edit_profile(request.user, page):
        return permission_denied(request)
    return None


@hooks.register("before_create_page")
def one_profile_per_tutor(request, parent_page, page_class):
    from .models import TutorProfilePageMixin

    if not issubclass(page_class, TutorProfilePageMixin):
        return None
    if permissions.can_create_profile(request.user, parent_page):
        return None
    existing = permissions.profile_for_user(request.user)
    messages.error(request, _("You already have a tutor profile: edit it instead."))
    if existing is not None:
        return redirect("wagtailadmin_pages:edit", existing.pk)
    return permission_denied(request)


@hooks.register("register_page_listing_more_buttons")
def matrix_buttons(page, user, next_url=None):
    from .models import TutorProfilePageMixin

    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, TutorProfilePageMixin):
        return
    page = page.specific_deferred
    if permissions.can_view_matrix(user, page):
        yield Button(
            _("Competency matrix"),
            reverse("tutoria_tutors:profile_matrix", args=[page.pk]),
            priority=60,
        )
        yield Button(
            _("Assessment history"),
            reverse("tutoria_tutors:assessment_history", args=[page.pk]),
            priority=61,
        )


@hooks.register("register_tutoria_evidence")
def tutor_evidence():
    from .evidence import CompetencyMatrixSource, TutorsSource

    return [TutorsSource(), CompetencyMatrixSource()]


@hooks.register("register_tutoria_page_permissions")
def tutor_directory_page_permissions(site):
    """Each institution's tutors hold "add" on its tutor directory pages
    (``core.institution_groups``)."""
    from .services import directory_page_permissions

    return directory_page_permissions(site)


@hooks.register("tutoria_structured_data")  # tutoria_cms.core.seo.STRUCTURED_DATA_HOOK
def tutor_structured_data(page, request):
    from .structured_data import tutor_person

    return tutor_person(page, request)
