from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaModelAdminConfig(AppConfig):
    name = "tutoria_cms.contrib.modeladmin"
    label = "tutoria_modeladmin"
    verbose_name = _("Tutoring: evidence browser")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
