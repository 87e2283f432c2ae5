from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaWorkshopsConfig(AppConfig):
    name = "tutoria_cms.workshops"
    label = "tutoria_workshops"
    verbose_name = _("Tutoring: group workshops")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
