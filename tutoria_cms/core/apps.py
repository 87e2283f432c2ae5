from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaCoreConfig(AppConfig):
    name = "tutoria_cms.core"
    label = "tutoria_core"
    verbose_name = _("Tutoring: core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .institutions import connect_signals

        connect_signals()
