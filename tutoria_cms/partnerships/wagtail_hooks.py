"""Wiring only: the viewsets, the coordinators' dashboard panel and the evidence sheet."""

from wagtail import hooks

from . import permissions
from .panels import PartnershipWarningsPanel
from .viewsets import PartnershipsViewSetGroup


@hooks.register("register_admin_viewset")
def register_partnership_viewsets():
    return PartnershipsViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_partnership_warnings_panel(request, panels):
    if permissions.receives_warnings(request.user):
        panels.append(PartnershipWarningsPanel(request.user))


@hooks.register("register_tutoria_evidence")
def partnership_evidence():
    from .evidence import AgreementsSource

    return AgreementsSource()
