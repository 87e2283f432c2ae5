from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteDocumentsConfig(AppConfig):
    name = "sites.documents"
    label = "site_documents"
    verbose_name = _("Example site: documents")
    default_auto_field = "django.db.models.BigAutoField"
