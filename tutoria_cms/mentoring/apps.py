from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaMentoringConfig(AppConfig):
    name = "tutoria_cms.mentoring"
    label = "tutoria_mentoring"
    verbose_name = _("Tutoring: peer mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
