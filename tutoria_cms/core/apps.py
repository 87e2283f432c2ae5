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
        from . import page_cache

        page_cache.connect_signals()  # content changes raise the page cache's generation
        from django.apps import apps

        from . import csp_widgets

        csp_widgets.install()  # Wagtail's choosers without inline scripts (CSP)

        if apps.is_installed("django_otp.plugins.otp_totp"):
            from . import two_factor  # noqa: F401  (asks for the code after a password sign-in)
        # After the membership roles' own receiver (a role given is a group first).
        institution_groups.connect_signals()

        # Documents a person may not see are left out of the admin's document views (an exact
        # class registration takes precedence over the one wagtail.documents makes).
        from wagtail.documents import get_document_model
        from wagtail.permissions import register_permission_policy

        from .documents import document_permission_policy

        register_permission_policy(
            get_document_model(), document_permission_policy(), exact_class=True
        )
