"""Who may export, see past exports, download a workbook and see the indicators."""

from tutoria_cms.core import institutions

from .context import EXPORT_PERMISSION, can_export, can_export_identified
from .models import ExportJob

VIEW_JOBS = "tutoria_accreditation.view_exportjob"
VIEW_INDICATORS = "tutoria_accreditation.view_indicators"

__all__ = [
    "can_export",
    "can_export_identified",
    "can_view_indicators",
    "can_view_job",
    "can_download",
    "visible_jobs",
]


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_indicators(user):
    return _active(user) and user.has_perm(VIEW_INDICATORS)


def can_view_job(user, job):
    """Exporters see their own jobs; holders of "view" on export jobs see all of them."""
    if not _active(user):
        return False
    if user.has_perm(VIEW_JOBS) and institutions.holds(user, VIEW_JOBS, job.site_id):
        return True
    return (
        can_export(user)
        and job.requested_by_id == user.pk
        and institutions.holds(user, EXPORT_PERMISSION, job.site_id)
    )


def can_download(user, job):
    """The workbook itself: may export, may see the job, and for identified data, may export
    identified data (now, not only when it was requested), in the job's institution."""
    if not (
        can_view_job(user, job)
        and can_export(user)
        and institutions.holds(user, EXPORT_PERMISSION, job.site_id)
    ):
        return False
    return not job.identified or can_export_identified(user)


def jobs_in_reach(user):
    """The export jobs of the institutions ``user`` belongs to (others' are "not found")."""
    return institutions.scope(ExportJob.objects.select_related("requested_by"), user)


def visible_jobs(user):
    """The jobs of the institutions where ``user`` sees export jobs, and their own jobs in
    those where they export."""
    jobs = ExportJob.objects.select_related("requested_by")
    own = institutions.scope(jobs.filter(requested_by=user), user, EXPORT_PERMISSION)
    if user.has_perm(VIEW_JOBS):
        return institutions.scope(jobs, user, VIEW_JOBS) | own
    return own
