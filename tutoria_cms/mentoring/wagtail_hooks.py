"""Wiring only: the viewsets, the pairs' permission policy, the dashboard panel and the
evidence sheet."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from tutoria_cms.core.evidence import answers_for_record, covers
from tutoria_cms.core.viewsets import ScopedPermissionPolicy

from . import permissions
from .models import Pair
from .panels import MentoringPanel
from .viewsets import MentoringViewSetGroup

# Viewing follows permissions.py; pairs change only through the actions of their viewset.
register_permission_policy(
    Pair,
    ScopedPermissionPolicy(Pair, permissions.visible_pairs, viewers=permissions.is_coordinator),
    exact_class=True,
)


@hooks.register("register_admin_viewset")
def register_mentoring_viewsets():
    return MentoringViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_mentoring_panel(request, panels):
    if permissions.is_coordinator(request.user) or permissions.has_pairs(request.user):
        panels.append(MentoringPanel(request.user))


@hooks.register("register_tutoria_evidence")
def mentoring_evidence():
    from .evidence import PairsSource

    return PairsSource()


@hooks.register("register_tutoria_work_queue")
def mentoring_work_items(request):
    from .dashboard import work_items

    return work_items(request.user)


@hooks.register("register_tutoria_subject_data")
@answers_for_record
@covers(
    "tutoria_mentoring.Participant",
    "tutoria_mentoring.Pair",
    "tutoria_mentoring.Goal",
    "tutoria_mentoring.Meeting",
    "tutoria_mentoring.ActionStep",
    "tutoria_mentoring.CheckIn",
)
def mentoring_subject_data(student_number, user, record=None, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user, record=record)


@hooks.register("register_tutoria_student_area_section")
def mentoring_student_area_section():
    """ "My mentoring" in the student area (tutoria_cms.students, when installed)."""
    from django.apps import apps

    if not apps.is_installed("tutoria_cms.students"):
        return None
    from django.utils.translation import gettext_lazy as _

    from tutoria_cms.students.area import Section

    from . import student_area

    return Section(
        slug=student_area.SLUG,
        label=_("My mentoring"),
        urls=student_area.urlpatterns,
        order=40,
        summary=student_area.summary,
        description=_("Your mentoring pair, goals, meetings and check-ins."),
    )
