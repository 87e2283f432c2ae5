"""Export jobs: the log of every evidence export (who, when, filters) and its file.

A job is created for each export, from the admin (run as a background task) or from the
command line, and is never deleted by the suite: it is the export log the issue asks for.
The workbook goes to the private storage (``STORAGES["tutoria_private"]``, never public
media) as ``<random>.xlsx`` and is served only by the download view, which checks permissions
(it may hold identified data). ``manage.py purge_tutoria_files`` deletes it
``EXPORT_FILE_DAYS`` after it was built; the job stays.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core.models import InstitutionScopedModel
from tutoria_cms.core.storage import private_storage


def workbook_path(job, filename):
    """An unguessable name ending in ``.xlsx`` whatever ``filename`` says (the download view
    gives the file its readable name)."""
    return f"tutoria/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ExportJob(InstitutionScopedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("export job", "Done")
        FAILED = "failed", pgettext_lazy("export job", "Failed")

    class Origin(models.TextChoices):
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Command line")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(
        _("requested by (name)"),
        max_length=150,
        blank=True,
        help_text=_("Kept when the account is deleted."),
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.ADMIN
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    identified = models.BooleanField(_("identified data"), default=False)
    purpose = models.TextField(
        _("purpose"),
        blank=True,
        help_text=_(
            "Why an export with confidential texts (subject access) was made, as its "
            "requester wrote it."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("Language of the sheet titles and headers."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    row_counts = models.JSONField(_("rows per sheet"), default=dict, blank=True)
    file = models.FileField(
        _("workbook"),
        upload_to=workbook_path,
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    output_path = models.CharField(
        _("written to"),
        max_length=500,
        blank=True,
        help_text=_("Path of the workbook written by the command line."),
    )
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("evidence export")
        verbose_name_plural = _("evidence exports")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("export_evidence", _("Can export evidence workbooks")),
            ("export_identified", _("Can export identified student data")),
            ("view_indicators", _("Can view the indicators dashboard")),
        ]

    def __str__(self):
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def filename(self):
        site = self.filters.get("site") or "all-sites"
        period = (
            self.filters.get("term")
            or "-".join(
                part
                for part in (self.filters.get("date_from"), self.filters.get("date_to"))
                if part
            )
            or "all-dates"
        )
        return f"evidence-{site}-{period}-{self.pk}.xlsx".replace("/", "-")
