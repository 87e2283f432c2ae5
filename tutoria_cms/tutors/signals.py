"""Make a tutor's self-assessed levels public when their profile is published (after moderation)."""

from wagtail.signals import page_published


def publish_matrix_with_profile(sender, instance, revision=None, **kwargs):
    from .permissions import is_profile
    from .services import publish_matrix

    if is_profile(instance):
        user = getattr(revision, "user", None) if revision is not None else None
        publish_matrix(instance, user=user)


def file_evidence_document(sender, instance, **kwargs):
    """A document chosen as evidence goes to the restricted "Tutors' evidence" collection of
    the profile's institution (its site)."""
    if instance.evidence_document_id:
        from tutoria_cms.core.documents import TUTOR_EVIDENCE, file_document

        profile = instance.profile
        site = profile.get_site() if profile is not None else None
        file_document(instance.evidence_document_id, TUTOR_EVIDENCE, site)


def connect():
    from django.db.models.signals import post_save

    from .models import CompetencyAssessment

    page_published.connect(publish_matrix_with_profile, dispatch_uid="tutoria_tutors_publish")
    post_save.connect(
        file_evidence_document,
        sender=CompetencyAssessment,
        dispatch_uid="tutoria_tutors_evidence_document",
    )
