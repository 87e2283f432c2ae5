from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaRequestsConfig(AppConfig):
    name = "tutoria_cms.requests"
    label = "tutoria_requests"
    verbose_name = _("Tutoring: requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tutoria_cms.core.history import track_reverse_m2m

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import GroupSession, IndividualClass, StudentGroup

        # Changed from the other side (a student's groups, a request's classes), too.
        track_reverse_m2m(StudentGroup, "members")
        track_reverse_m2m(GroupSession, "attendees")
        track_reverse_m2m(IndividualClass, "requests")
