"""Wiring of the request workflow into Wagtail: the snippet viewset (with its chooser and bulk
action), the permission policies and the log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from tutoria_cms.core.evidence import answers_for_record, covers

from ..core.viewsets import ScopedPermissionPolicy
from . import permissions
from .admin_viewsets import GroupPermissionPolicy, TutoringWorkViewSetGroup
from .models import (
    IndividualClass,
    ReferralService,
    RequestLogEntry,
    StudentGroup,
    TermReport,
    TutoringRequest,
    WorkPlanRecord,
)
from .service_viewsets import ReferralServicePermissionPolicy
from .viewsets import RequestDeleteBulkAction, RequestPermissionPolicy, TutoringRequestViewSet

register_permission_policy(
    TutoringRequest, RequestPermissionPolicy(TutoringRequest), exact_class=True
)
register_permission_policy(
    StudentGroup,
    GroupPermissionPolicy(
        StudentGroup, permissions.visible_groups, viewers=permissions.is_coordinator
    ),
    exact_class=True,
)
register_permission_policy(
    TermReport,
    ScopedPermissionPolicy(
        TermReport, permissions.visible_reports, viewers=permissions.is_coordinator
    ),
    exact_class=True,
)
register_permission_policy(
    IndividualClass,
    ScopedPermissionPolicy(
        IndividualClass,
        permissions.visible_classes,
        viewers=lambda user: permissions.is_coordinator(user) or permissions.is_board(user),
    ),
    exact_class=True,
)
# Work plan (PIT) records: read only, coordination of its institutions and each tutor their
# own (the menu item shows for tutors with a record).
register_permission_policy(
    WorkPlanRecord,
    ScopedPermissionPolicy(
        WorkPlanRecord, permissions.visible_work_plans, viewers=permissions.is_coordinator
    ),
    exact_class=True,
)
register_permission_policy(
    ReferralService, ReferralServicePermissionPolicy(ReferralService), exact_class=True
)
register_snippet(TutoringRequestViewSet)
# After Wagtail's own snippet bulk actions (order), so that this one is the requests' "delete".
hooks.register("register_bulk_action", RequestDeleteBulkAction, order=100)


@hooks.register("register_admin_viewset")
def register_tutoring_work():
    return TutoringWorkViewSetGroup()


@hooks.register("register_admin_viewset")
def register_referral_services():
    from .service_viewsets import ReferralServiceViewSet

    return ReferralServiceViewSet()


@hooks.register("register_log_actions")
def register_request_log_actions(actions):
    # Requests' entries go to their own log model, which Wagtail's site history filters
    # with permissions.py.
    actions.register_model(TutoringRequest, RequestLogEntry)
    for action, label, message in (
        ("submit", _("Submit request"), _("Request submitted")),
        ("review", _("Review request"), _("Request put under review")),
        ("approve", _("Approve request"), _("Request approved")),
        ("deny", _("Deny request"), _("Request denied")),
        (
            "redirect",
            _("Redirect request to a regular class"),
            _("Request redirected to a regular class"),
        ),
        (
            "change_schedule",
            _("Send request to a schedule change"),
            _("Request sent to a schedule change"),
        ),
        ("start", _("Start tutoring"), _("Tutoring started")),
        ("close", _("Close request"), _("Request closed")),
        ("withdraw", _("Withdraw request"), _("Request withdrawn")),
        ("assign_tutor", _("Assign tutor"), _("Tutor assigned")),
        ("refer", _("Refer to a service"), _("Referred to a service")),
        (
            "purge_confidential",
            _("Erase confidential text"),
            _("Confidential text erased (retention period over)"),
        ),
    ):
        actions.register_action(f"tutoria_requests.{action}", label, message)


@hooks.register("register_tutoria_evidence")
def request_evidence():
    from .evidence import (
        ReferralsSource,
        ReportsSource,
        RequestHistorySource,
        RequestsSource,
        SessionsSource,
    )

    return [
        RequestsSource(),
        RequestHistorySource(),
        SessionsSource(),
        ReportsSource(),
        ReferralsSource(),
    ]


@hooks.register("register_tutoria_term_hours")  # tutoria_cms.workshops.certificates
def tutoring_term_hours(kind, holder, term):
    """The tutoring sessions, class sessions and group sessions of a term certificate."""
    from .term_hours import term_hours

    return term_hours(kind, holder, term)


@hooks.register("register_tutoria_subject_data")
@answers_for_record
@covers(
    "tutoria_requests.TutoringRequest",
    "tutoria_requests.RequestDisclosure",
    "tutoria_requests.Notification",
    "tutoria_requests.TutoringSession",
    "tutoria_requests.Referral",
    "tutoria_requests.IndividualClass",
    "tutoria_requests.ClassSession",
    "tutoria_requests.StudentGroup",
    "tutoria_requests.GroupSession",
    "tutoria_requests.TermReport",
    "tutoria_requests.SensitiveRead",
)
def subject_access_data(student_number, user, site=None, confidential=True, record=None, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user, site=site, confidential=confidential, record=record)


@hooks.register("register_tutoria_work_queue")
def request_work_items(request):
    from .dashboard import work_items

    return work_items(request.user)


@hooks.register("tutoria_personal_calendar_events")  # tutoria_cms.core.calendar
def tutor_sessions_calendar(user):
    """The tutor's tutoring, class and group sessions in their private calendar feed."""
    from .calendar import tutor_events

    return tutor_events(user)


@hooks.register("tutoria_personal_calendar_events")  # tutoria_cms.core.calendar
def student_sessions_calendar(user):
    """A student's own tutoring, class and group sessions in their private calendar feed (an
    account linked to a student record; a tutor who is also a student gets both)."""
    from .calendar import student_events

    return student_events(user)


@hooks.register("register_tutoria_student_area_section")  # tutoria_cms.students.area
def student_requests_section():
    """ "My requests" in the student area, where the students app is installed."""
    from django.apps import apps

    if not apps.is_installed("tutoria_cms.students"):
        return None
    from tutoria_cms.students.area import Section

    from . import student_area

    return Section(
        slug=student_area.SLUG,
        label=student_area.LABEL,
        urls=student_area.urlpatterns,
        order=10,
        summary=student_area.summary,
        description=student_area.DESCRIPTION,
    )


@hooks.register("register_tutoria_student_area_section")  # tutoria_cms.students.area
def student_tutoring_section():
    """The student area's "My tutoring": the student's tutors, sessions, classes, groups and
    where their referrals stand (never what staff wrote about them)."""
    from tutoria_cms.students.area import Section

    from . import student_tutoring

    return Section(
        slug=student_tutoring.SLUG,
        label=_("My tutoring"),
        urls=student_tutoring.urlpatterns,
        order=20,
        summary=student_tutoring.summary,
        description=_("Your tutors, your tutoring sessions and groups, your referrals."),
    )
