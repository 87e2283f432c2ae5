"""The example site's home page: one per Wagtail Site (Mexican and Brazilian university)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from tutoria_cms.core.blocks import BodyBlock
from tutoria_cms.core.sites import FastRouteMixin


class HomePage(FastRouteMixin, Page):
    """Routes the pages of its Site in two queries (``FastRouteMixin``, issue #17)."""

    institution = models.CharField(_("institution"), max_length=200, blank=True)
    introduction = RichTextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("institution"),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().in_menu().specific()
        return context
