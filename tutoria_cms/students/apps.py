from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaStudentsConfig(AppConfig):
    name = "tutoria_cms.students"
    label = "tutoria_students"
    verbose_name = _("Tutoring: student accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            signals,  # noqa: F401  (links accounts on confirmation and sign-in)
        )
