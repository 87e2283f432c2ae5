"""The example site's document model: Wagtail's document with its file in private storage.

Wagtail's own ``Document`` keeps files in the default storage (``MEDIA_ROOT``, served by the
web server). Tutors' evidence and agreements' deliverables must never be under such a URL, so
the example site swaps in this model (``WAGTAILDOCS_DOCUMENT_MODEL``, Wagtail's "Custom
document model"): its files go to ``STORAGES["tutoria_private"]`` and are only ever served by
Wagtail's document view after its checks (collection view restrictions and the suite's
``before_serve_document`` hook), as attachments.

Set ``WAGTAILDOCS_DOCUMENT_MODEL`` before the first ``migrate`` (docs/installation.md).
Document permissions stay those of ``wagtaildocs.Document`` (Wagtail's permission policy
checks them for any document model).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document

from tutoria_cms.core.storage import PrivateFileField


class PrivateDocument(AbstractDocument):
    file = PrivateFileField(upload_to="documents", verbose_name=_("file"))

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
