"""Admin view mixins shared by the apps."""

from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import DeleteView


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page whose header names it: Wagtail shows the breadcrumbs as the header, and
    the base breadcrumbs end at "Home"."""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class ProtectedDeleteView(DeleteView):
    """Wagtail's delete view refuses to delete a row that others protect (``on_delete=
    PROTECT``) only when its reference index knows those rows; the others made the deletion a
    server error. Here the database's refusal is shown as a message and nothing is deleted
    (the deletion and its log entry run in one transaction)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("“%(object)s” cannot be deleted: other records depend on it.")
                % {"object": self.object},
            )
            return redirect(self.get_success_url())
