from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaPartnershipsConfig(AppConfig):
    name = "tutoria_cms.partnerships"
    label = "tutoria_partnerships"
    verbose_name = _("Tutoring: partnerships")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
