"""Wiring only: admin URLs, menu items and the home page panel."""

from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from tutoria_cms.core import institutions

from . import permissions, urls
from .context import term_model


@hooks.register("register_admin_urls")
def register_accreditation_urls():
    return [
        path(
            "evidence/", include((urls, "tutoria_accreditation"), namespace="tutoria_accreditation")
        ),
    ]


class ExportMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_export(request.user)


class IndicatorsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_view_indicators(request.user)


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return ExportMenuItem(
        _("Evidence workbooks"),
        reverse("tutoria_accreditation:export"),
        icon_name="download",
        order=310,
    )


@hooks.register("register_admin_menu_item")
def register_indicators_menu_item():
    return IndicatorsMenuItem(
        _("Indicators"), reverse("tutoria_accreditation:indicators"), icon_name="table", order=311
    )


class SubjectAccessMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_export_identified(request.user)


@hooks.register("register_reports_menu_item")
def register_subject_access_menu_item():
    return SubjectAccessMenuItem(
        _("Subject access"),
        reverse("tutoria_accreditation:subject_access"),
        icon_name="user",
        order=920,
    )


def current_term_code(site):
    """The code of the term of the institution ``site`` under way today ("" when none)."""
    model = term_model()
    if model is None:
        return ""
    today = timezone.localdate()
    term = model.objects.filter(site=site, starts_on__lte=today, ends_on__gte=today).first()
    return term.code if term is not None else ""


class IndicatorsPanel(Component):
    """The term's indicators, grouped by section with their units, after the work queue
    and the alerts (``order``); for exporters, their latest evidence exports first."""

    name = "tutoria_indicators"
    order = 100
    template_name = "tutoria_cms/accreditation/home_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from .views import dashboard_indicators, indicator_groups

        user = self.request.user
        site = (
            institutions.institution_for_new(user, permissions.VIEW_INDICATORS, self.request)
            or institutions.sites_for(user, permissions.VIEW_INDICATORS).first()
        )
        if site is None:
            return {"export_context": None, "groups": [], "jobs": None}
        export_context, indicators = dashboard_indicators(
            site.hostname, current_term_code(site), user=user
        )
        jobs = None
        if permissions.can_export(user):
            jobs = list(permissions.visible_jobs(user)[:LATEST_JOBS])
        return {
            "export_context": export_context,
            "groups": indicator_groups(indicators),
            "jobs": jobs,
        }


# Exports listed on the quality office's home page.
LATEST_JOBS = 5


@hooks.register("construct_homepage_panels")
def add_indicators_panel(request, panels):
    if permissions.can_view_indicators(request.user):
        panels.append(IndicatorsPanel(request))
