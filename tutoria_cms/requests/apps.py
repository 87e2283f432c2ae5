from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaRequestsConfig(AppConfig):
    name = "tutoria_cms.requests"
    label = "tutoria_requests"
    verbose_name = _("Tutoring: requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
