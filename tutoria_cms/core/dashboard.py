"""The work-queue protocol: what an app puts on a person's admin home page.

An app contributes through the ``register_tutoria_work_queue`` Wagtail hook, from its own
``wagtail_hooks.py``: a function taking the HTTP request and returning a list of
:class:`WorkItem` (none when the person's role is not concerned)::

    @hooks.register("register_tutoria_work_queue")
    def request_work_items(request):
        from .dashboard import work_items
        return work_items(request.user)

The work-queue panel (:class:`WorkQueuePanel`, registered by core) gathers every item and
shows them first on the home page, grouped by section, alerts first. The protocol lives in
core so that a domain app depends on core only and no app imports another to appear on it.

Each app keeps its items cheap: a fixed number of queries whatever the amount of data
(counts in the database, lists cut at :data:`ITEM_LIMIT`).
"""

from dataclasses import dataclass, field

from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component

WORK_QUEUE_HOOK = "register_tutoria_work_queue"

# Longest list of objects shown under an item (its listing has the rest).
ITEM_LIMIT = 10


@dataclass
class WorkLink:
    """One object of an item (e.g. a request due a session), opening the object itself."""

    label: str
    url: str
    note: str = ""


@dataclass
class WorkItem:
    """One line of the work queue: a count of things to do, and where to do them.

    ``url``: the listing filtered to exactly these things (or the one page that lists them);
    it is shown only when there is something to open. ``links``: some of the objects
    themselves (at most :data:`ITEM_LIMIT`), when no filtered listing exists. ``alert``:
    something overdue or wrong, shown before the rest. ``section``: the heading the item is
    grouped under; ``order`` places it (and its section) among the others.
    """

    key: str
    label: str
    count: int
    url: str = ""
    section: str = ""
    order: int = 100
    alert: bool = False
    links: list = field(default_factory=list)

    @property
    def link(self):
        return self.url if self.count else ""


def work_items(request):
    """Every item contributed for ``request.user``, alerts first, then in ``order``."""
    items = []
    for hook in hooks.get_hooks(WORK_QUEUE_HOOK):
        items.extend(hook(request) or [])
    return sorted(items, key=lambda item: (not item.alert, item.order, item.key))


def group_items(items):
    """[(section, [items])], sections in the order of their first item."""
    groups = {}
    for item in items:
        groups.setdefault(str(item.section), []).append(item)
    return list(groups.items())


class WorkQueuePanel(Component):
    """The person's work queue, first on the admin home page (Wagtail's own panels have
    ``order`` 210 and more). Shown only when an app contributed an item for them."""

    name = "tutoria_work_queue"
    order = 10
    template_name = "tutoria_cms/core/dashboard/work_queue.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        items = work_items(self.request)
        alerts = [item for item in items if item.alert]
        others = [item for item in items if not item.alert]
        return {
            "alerts": group_items(alerts),
            "groups": group_items(others),
            "heading": _("Your work queue"),
            "alerts_heading": pgettext_lazy("work queue", "Alerts"),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["alerts"] and not context["groups"]:
            return ""
        return get_template(self.template_name).render(context)
