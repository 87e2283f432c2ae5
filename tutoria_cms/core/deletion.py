"""Pages that hold the programme's records are unpublished, not deleted: one pattern for
every app.

Rows that are evidence of the programme (a workshop's registrations, a tutor's competency
assessments) point at their page with ``on_delete=PROTECT``. Wagtail's delete views would
then fail with a server error when the page, or a page above it, is deleted; these hooks
refuse first, with a message saying why and what to do instead.
"""

import swapper
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin import messages


def protect_pages_holding_records(holds_records, message):
    """Refuse to delete a page (alone or in bulk) when ``holds_records(page)`` is true.

    ``holds_records`` looks at the page and every page below it (deleting a page deletes its
    subtree); ``message`` is a lazy translated string shown to the editor.
    """

    @hooks.register("before_delete_page")
    def refuse_deleting(request, page):
        if holds_records(page):
            messages.error(request, message)
            return redirect("wagtailadmin_pages:edit", page.pk)
        return None

    @hooks.register("before_bulk_action")
    def refuse_bulk_deleting(request, action_type, objects, action):
        if action_type != "delete":
            return None
        page_model = swapper.load_model("wagtailcore", "Page")
        if any(isinstance(obj, page_model) and holds_records(obj) for obj in objects):
            messages.error(request, message)
            next_url = getattr(action, "next_url", None)
            if not next_url or next_url == request.path:
                return redirect("wagtailadmin_explore_root")
            return redirect(next_url)
        return None

    return refuse_deleting, refuse_bulk_deleting
