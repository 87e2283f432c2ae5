from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaAccreditationConfig(AppConfig):
    name = "tutoria_cms.accreditation"
    label = "tutoria_accreditation"
    verbose_name = _("Tutoring: accreditation evidence")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
