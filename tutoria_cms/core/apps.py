from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoriaCoreConfig(AppConfig):
    name = "tutoria_cms.core"
    label = "tutoria_core"
    verbose_name = _("Tutoring: core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            institution_groups,
            institutions,
        )

        institutions.connect_signals()
        # After the membership roles' own receiver (a role given is a group first).
        institution_groups.connect_signals()
