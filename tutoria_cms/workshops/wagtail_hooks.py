"""Wiring only: permission policy, viewsets, buttons, and the hooks of other apps."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from tutoria_cms.core.calendar import PERSONAL_CALENDAR_HOOK
from tutoria_cms.core.deletion import protect_pages_holding_records
from tutoria_cms.core.evidence import answers_for_record, covers

from .models import (
    GroupWorkshopPageMixin,
    WorkshopRegistration,
    get_upcoming_workshops,
    get_workshops_facilitated_by,
    has_registrations,
)
from .views import attendance_url, can_record_attendance
from .viewsets import GroupWorkshopsViewSetGroup, ReadOnlyPermissionPolicy

# Name of the hook through which programme pages collect sections from other apps
# (tutoria_cms.programmes.models.PROGRAMME_SECTIONS_HOOK; a string, so that this app does not
# import the programmes app's models).
PROGRAMME_SECTIONS_HOOK = "tutoria_programme_sections"
UPCOMING_WORKSHOPS_TEMPLATE = "tutoria_cms/workshops/programme_upcoming_workshops.html"
# Same for tutor profile pages (tutoria_cms.tutors.models.PROFILE_SECTIONS_HOOK).
PROFILE_SECTIONS_HOOK = "tutoria_tutor_profile_sections"
FACILITATED_WORKSHOPS_TEMPLATE = "tutoria_cms/workshops/profile_facilitated_workshops.html"

# Registered before anything asks for the fallback policy (Wagtail requires it early).
register_permission_policy(
    WorkshopRegistration, ReadOnlyPermissionPolicy(WorkshopRegistration), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_workshop_viewsets():
    return GroupWorkshopsViewSetGroup()


@hooks.register(PROGRAMME_SECTIONS_HOOK)
def upcoming_workshops_section(programme, request):
    return {"template": UPCOMING_WORKSHOPS_TEMPLATE, "workshops": get_upcoming_workshops(programme)}


@hooks.register(PROFILE_SECTIONS_HOOK)
def facilitated_workshops_section(profile, request):
    workshops = get_workshops_facilitated_by(profile)
    if workshops:
        return {"template": FACILITATED_WORKSHOPS_TEMPLATE, "workshops": workshops}
    return None


def _is_workshop(page):
    specific_class = page.specific_class
    return specific_class is not None and issubclass(specific_class, GroupWorkshopPageMixin)


def _workshop_buttons(page, user, priority):
    if not _is_workshop(page):
        return
    if can_record_attendance(user):
        yield Button(_("Attendance"), attendance_url(page), icon_name="tasks", priority=priority)
    if user.has_perm("tutoria_workshops.view_workshopregistration"):
        yield Button(
            _("Registrations"),
            reverse("workshop_registrations:index") + f"?workshop={page.pk}",
            icon_name="group",
            priority=priority + 1,
        )


@hooks.register("register_page_listing_more_buttons")
def workshop_page_listing_buttons(page, user, next_url=None):
    yield from _workshop_buttons(page, user, priority=70)


@hooks.register("register_page_header_buttons")
def workshop_page_header_buttons(page, user, view_name, next_url=None):
    yield from _workshop_buttons(page, user, priority=75)


# A workshop with registrations (evidence of the programme) is unpublished, not deleted.
protect_pages_holding_records(
    has_registrations,
    _(
        "This page cannot be deleted: a workshop in it has registrations, which are "
        "evidence of the programme. Unpublish it instead."
    ),
)


@hooks.register("register_tutoria_evidence")
def workshop_evidence():
    from .evidence import AttendanceSource, RegistrationsSource, SessionsSource, WorkshopsSource

    return [WorkshopsSource(), SessionsSource(), AttendanceSource(), RegistrationsSource()]


@hooks.register("register_tutoria_subject_data")
@answers_for_record
@covers(
    "tutoria_workshops.WorkshopRegistration",
    "tutoria_workshops.Attendance",
    "tutoria_workshops.Certificate",
)
def subject_access_data(student_number, user, record=None, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user, record=record)


# Calendar feeds (tutoria_cms.core.calendar): strings, so that this app does not import the
# programmes app's models.
PROGRAMME_CALENDAR_HOOK = "tutoria_programme_calendar_events"


@hooks.register(PROGRAMME_CALENDAR_HOOK)
def programme_workshop_sessions(programme, request):
    from .calendar import programme_events

    return programme_events(programme, request)


@hooks.register(PERSONAL_CALENDAR_HOOK)
def facilitated_workshop_sessions(user):
    from .calendar import facilitator_events

    return facilitator_events(user)


@hooks.register(PERSONAL_CALENDAR_HOOK)
def registered_workshop_sessions(user):
    """The sessions of the workshops a student holds a seat in (an account linked to their
    student record), in their private calendar feed."""
    from .calendar import student_events

    return student_events(user)


@hooks.register("tutoria_structured_data")  # tutoria_cms.core.seo.STRUCTURED_DATA_HOOK
def workshop_structured_data(page, request):
    from .structured_data import workshop_events

    return workshop_events(page, request)


@hooks.register("register_tutoria_student_area_section")  # tutoria_cms.students.area
def student_workshops_section():
    """The student area's "My workshops": the student's registrations, sessions, attendance
    and certificates; cancelling a registration."""
    from tutoria_cms.students.area import Section

    from . import student_area

    return Section(
        slug=student_area.SLUG,
        label=_("My workshops"),
        urls=student_area.urlpatterns,
        order=30,
        summary=student_area.summary,
        description=_("Your workshop registrations, attendance and certificates."),
    )


@hooks.register("register_tutoria_term_hours")  # certificates.TERM_HOURS_HOOK
def workshop_term_hours(kind, holder, term):
    from .certificates import workshop_term_hours

    return workshop_term_hours(kind, holder, term)
