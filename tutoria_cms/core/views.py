"""Shared pieces for the suite's admin views."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page whose header names it: Wagtail shows the breadcrumbs as the header, and
    the base breadcrumbs end at "Home"."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]
