"""Every write of the accreditation app: export jobs, from the admin and the command line."""

import logging
import tempfile
import time

from django.core.files import File
from django.db import models
from django.utils import timezone, translation

from tutoria_cms.core.conf import tutoria_settings

from .builder import build_workbook
from .context import ExportContext, build_context
from .models import ExportJob

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between progress writes


class ProgressRecorder:
    """Writes a job's progress to its row, at most every ``interval`` seconds."""

    def __init__(self, job, interval=PROGRESS_INTERVAL, also=None):
        self.job = job
        self.interval = interval
        self.also = also
        self._last = 0.0

    def __call__(self, done, total):
        if self.also is not None:
            self.also(done, total)
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        percent = min(99, int(100 * done / total)) if total else 0
        ExportJob.objects.filter(pk=self.job.pk).update(
            rows_done=done, rows_total=total, progress=percent
        )


def _user_name(user):
    return user.get_username() if user is not None else ""


def create_job(context, origin=ExportJob.Origin.ADMIN, output_path="", language=""):
    job = ExportJob.objects.create(
        site=context.site,
        language=language or translation.get_language() or "",
        requested_by=context.user,
        requested_by_name=_user_name(context.user),
        origin=origin,
        filters=context.filters,
        identified=context.identified,
        output_path=output_path,
    )
    logger.info(
        "Evidence export #%s requested by %s (%s), filters %s",
        job.pk,
        job.requested_by_name or "command line",
        origin,
        job.filters,
    )
    return job


def _start(job):
    job.status = ExportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])


def _finish(job, result):
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.progress = 100
    job.row_counts = result.row_counts
    job.rows_done = result.total_rows
    job.rows_total = result.total_rows
    job.save()


def _fail(job, exc):
    logger.exception("Evidence export #%s failed", job.pk)
    job.status = ExportJob.Status.FAILED
    job.finished_at = timezone.now()
    job.error = f"{type(exc).__name__}: {exc}"[:2000]
    job.save(update_fields=["status", "finished_at", "error"])


def start_export(user, filters, language=""):
    """Check the filters and the user's permissions, log the job and queue its task.

    ``filters``: a dict (checked by ``build_context``), or the ``ExportContext`` the export's
    form built (``ExportForm.context()``: checked already). Raises
    :class:`~.context.FilterError` (translated) when the request cannot be served.
    """
    from .tasks import run_export_job

    context = filters if isinstance(filters, ExportContext) else build_context(filters, user=user)
    job = create_job(context, language=language)
    result = run_export_job.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def purge_export_files(*, now=None, days=None, dry_run=False):
    """Delete the workbooks of jobs finished more than ``EXPORT_FILE_DAYS`` ago (the jobs stay:
    they are the export log); return how many (would be) deleted."""
    days = tutoria_settings.EXPORT_FILE_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timezone.timedelta(days=days)
    jobs = ExportJob.objects.exclude(file="").filter(
        models.Q(finished_at__lt=cutoff) | models.Q(finished_at=None, created_at__lt=cutoff)
    )
    count = 0
    for job in jobs:
        count += 1
        if not dry_run:
            job.file.delete(save=False)
            ExportJob.objects.filter(pk=job.pk).update(file="")
    return count


def run_job(job_id):
    """Build the workbook of a queued job into the default storage (the task's body).

    Claimed first (queued -> running in one conditional update), so a task run twice (a
    retry, a second worker) builds one workbook: the second run finds the job taken and
    returns it unchanged."""
    started_at = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=started_at
    )
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        with translation.override(job.language or None):
            _build_into_storage(job)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job
        _fail(job, exc)
        return job
    return job


def _build_into_storage(job):
    # Permissions are checked again: they may have been withdrawn since the request.
    context = build_context(job.filters, user=job.requested_by)
    context.generated_at = job.started_at
    with tempfile.TemporaryFile() as handle:
        result = build_workbook(context, handle, progress=ProgressRecorder(job))
        handle.seek(0)
        job.file.save(job.filename(), File(handle), save=False)
    _finish(job, result)


def export_to_path(context, path, progress=None):
    """The command line's export: log a job, write the workbook to ``path``."""
    job = create_job(context, origin=ExportJob.Origin.COMMAND, output_path=str(path))
    _start(job)
    context.generated_at = job.started_at
    try:
        result = build_workbook(context, path, progress=ProgressRecorder(job, also=progress))
    except Exception as exc:
        _fail(job, exc)
        raise
    _finish(job, result)
    return job, result
