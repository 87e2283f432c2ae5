from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaPartnershipsConfig(AppConfig):
    name = "tutoria_cms.partnerships"
    label = "tutoria_partnerships"
    verbose_name = _("Tutoring: partnerships")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import AgreementStage, Commitment

        post_save.connect(
            file_agreement_documents, sender=AgreementStage, dispatch_uid="tutoria_stage_docs"
        )
        post_save.connect(
            file_agreement_documents, sender=Commitment, dispatch_uid="tutoria_commitment_docs"
        )


def file_agreement_documents(sender, instance, **kwargs):
    """Deliverables and fulfilment reports go to the restricted "Agreements' documents"
    collection of the record's institution."""
    from tutoria_cms.core.documents import AGREEMENT_DOCUMENTS, file_document

    for field in ("deliverable_id", "report_document_id"):
        document_id = getattr(instance, field, None)
        if document_id:
            file_document(document_id, AGREEMENT_DOCUMENTS, instance.site_id)
