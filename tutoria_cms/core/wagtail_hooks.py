"""Wiring only: the work-queue panel every app contributes items to, and the
communications team's items (pages in moderation, own drafts)."""

from wagtail import hooks

from .dashboard import WORK_QUEUE_HOOK, WorkQueuePanel


@hooks.register("construct_homepage_panels")
def add_work_queue_panel(request, panels):
    panels.append(WorkQueuePanel(request))


@hooks.register(WORK_QUEUE_HOOK)
def communications_work_items(request):
    from .work import communications_items

    return communications_items(request.user)
