"""The evidence browser's one table: the log of its listing exports.

Why not accreditation's ``ExportJob``: a job is an evidence *workbook* (filters validated by
``build_context``, a stored file, a status, a download view), listed among the quality office's
past workbooks; a listing export is a synchronous download of one filtered admin listing, whose
filters are the listing's query string. Recording those as jobs would put file-less, unbuildable
rows in that list and make this optional app depend on ``tutoria_cms.accreditation``. Wagtail's
audit log needs one object per entry, and a listing is not one. So each export is one row here
(who, when, which listing, the filters and search, identified or not, rows written) and one line
on the ``tutoria_cms.contrib.modeladmin`` logger.

The model also carries the browser's permission, ``tutoria_modeladmin.browse_evidence``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ListingExport(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(
        _("exported by (name)"),
        max_length=150,
        blank=True,
        help_text=_("Kept when the account is deleted."),
    )
    exported_at = models.DateTimeField(_("exported at"), default=timezone.now)
    listing = models.CharField(_("listing"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    search = models.CharField(_("search"), max_length=255, blank=True)
    identified = models.BooleanField(_("identified data"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        ordering = ["-exported_at", "-pk"]
        verbose_name = _("listing export")
        verbose_name_plural = _("listing exports")
        default_permissions = ("view",)
        permissions = [("browse_evidence", _("Can browse evidence records (read only)"))]

    def __str__(self):
        return f"{self.listing} {self.exported_at:%Y-%m-%d %H:%M}"
