from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaAcademicsConfig(AppConfig):
    name = "tutoria_cms.academics"
    label = "tutoria_academics"
    verbose_name = _("Tutoring: academic records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
