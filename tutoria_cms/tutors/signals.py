"""Make a tutor's self-assessed levels public when their profile is published (after moderation)."""

from wagtail.signals import page_published


def publish_matrix_with_profile(sender, instance, revision=None, **kwargs):
    from .permissions import is_profile
    from .services import publish_matrix

    if is_profile(instance):
        user = getattr(revision, "user", None) if revision is not None else None
        publish_matrix(instance, user=user)


def connect():
    page_published.connect(publish_matrix_with_profile, dispatch_uid="tutoria_tutors_publish")
