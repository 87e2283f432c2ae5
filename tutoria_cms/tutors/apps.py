from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaTutorsConfig(AppConfig):
    name = "tutoria_cms.tutors"
    label = "tutoria_tutors"
    verbose_name = _("Tutoring: tutor directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401  (checks registers the system checks)

        signals.connect()
