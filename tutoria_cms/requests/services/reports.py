"""End-of-term reports: pre-filled from the records, written and submitted by the tutor,
reviewed by coordination."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import attributed
from tutoria_cms.core.text import clean_text

from .. import permissions
from ..models import ReportStatus, TermReport
from ..workflow import TransitionError, TransitionRefused
from .common import MAX_REASON_LENGTH


def report_summary(term, *, tutoring_request=None, group=None):
    """What the records say for the term: sessions, hours, referrals, workshops attended."""
    if tutoring_request is not None:
        sessions = tutoring_request.sessions.filter(date__range=(term.starts_on, term.ends_on))
        minutes = sum(sessions.values_list("duration_minutes", flat=True))
        referrals = {
            status: tutoring_request.referrals.filter(status=status).count()
            for status in tutoring_request.referrals.values_list("status", flat=True)
        }
        students = [tutoring_request.student.student_number]
        count = sessions.count()
    else:
        sessions = group.sessions.filter(date__range=(term.starts_on, term.ends_on))
        minutes = sum(sessions.values_list("duration_minutes", flat=True))
        referrals = {}
        students = list(group.members.values_list("student_number", flat=True))
        count = sessions.count()
    workshops = 0
    if apps.is_installed("tutoria_cms.workshops"):
        from tutoria_cms.workshops.public import sessions_attended

        workshops = sum(sessions_attended(students, term.starts_on, term.ends_on).values())
    return {
        "sessions": count,
        "hours": round(minutes / 60, 2),
        "referrals": referrals,
        "workshop_sessions_attended": workshops,
    }


def prepare_report(term, user, *, tutoring_request=None, group=None):
    """The tutor's draft report, pre-filled from the records (one per tutee/group and term)."""
    if tutoring_request is not None and not permissions.is_assigned_tutor(user, tutoring_request):
        raise TransitionRefused(_("Only the assigned tutor can do this."))
    if group is not None and group.tutor_id != user.pk:
        raise TransitionRefused(_("Only the group's tutor can record its sessions."))
    report, created = TermReport.objects.get_or_create(
        term=term,
        request=tutoring_request,
        group=group,
        defaults={
            "tutor": user,
            "summary": report_summary(term, tutoring_request=tutoring_request, group=group),
        },
    )
    if not created and not report.is_locked:
        report.summary = report_summary(term, tutoring_request=tutoring_request, group=group)
        attributed(report, user).save()
    return report


def update_report(report, user, *, progress, difficulties, recommendation, outcome):
    if report.tutor_id != user.pk:
        raise TransitionRefused(_("Only the report's tutor can change it."))
    if report.is_locked:
        raise TransitionError(_("A submitted report is locked."), code="locked")
    for field, value in (
        ("progress", progress),
        ("difficulties", difficulties),
        ("recommendation", recommendation),
    ):
        setattr(
            report,
            field,
            clean_text(value, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False),
        )
    report.outcome = outcome
    report.full_clean()
    attributed(report, user).save()
    return report


def submit_report(report, user):
    with transaction.atomic():
        locked = TermReport.objects.select_for_update().get(pk=report.pk)
        if locked.tutor_id != user.pk:
            raise TransitionRefused(_("Only the report's tutor can change it."))
        if locked.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise TransitionError(_("A submitted report is locked."), code="locked")
        missing = [
            str(locked._meta.get_field(name).verbose_name)
            for name in ("progress", "recommendation", "outcome")
            if not getattr(locked, name)
        ]
        if missing:
            raise TransitionError(
                _("Complete the report before submitting it: %(fields)s.")
                % {"fields": ", ".join(missing)},
                code="incomplete",
            )
        locked.status = ReportStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        attributed(locked, user).save()
    return locked


def review_report(report, user, *, accept, comment=""):
    """The coordinator accepts the report, or returns it with a comment."""
    if not permissions.coordinates(user, report):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    comment = clean_text(comment, max_length=MAX_REASON_LENGTH, allow_newlines=True, required=False)
    with transaction.atomic():
        locked = TermReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise TransitionError(_("Only a submitted report can be reviewed."), code="state")
        if not accept and not comment:
            raise TransitionError(
                _("Say what to change when returning a report."), code="comment_required"
            )
        locked.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
        locked.coordinator_comment = comment
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        attributed(locked, user).save()
    return locked
