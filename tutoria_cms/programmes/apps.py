from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaProgrammesConfig(AppConfig):
    name = "tutoria_cms.programmes"
    label = "tutoria_programmes"
    verbose_name = _("Tutoring: programmes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
