from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class GroupWorkshopPage(Page):
    """Placeholder: replaced by the full workshop page."""

    parent_page_types = ["tutoria_programmes.TutoringProgrammePage"]

    class Meta:
        verbose_name = _("group workshop")
