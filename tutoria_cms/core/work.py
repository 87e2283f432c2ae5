"""The communications team's work queue: pages in moderation (Wagtail's own workflow states,
opened in Wagtail's workflow report) and their own drafts."""

from urllib.parse import urlencode

import swapper
from django.db.models import Exists, IntegerField, OuterRef
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import TaskState, WorkflowState, get_default_page_content_type

from . import roles
from .dashboard import ITEM_LIMIT, WorkItem, WorkLink

SECTION = pgettext_lazy("work queue", "Pages")


def communications_role(user):
    """(is in communications, is a moderator), from the user's groups (one query)."""
    if not user.is_authenticated or not user.is_active:
        return False, False
    names = set(
        user.groups.filter(
            name__in=(roles.COMMUNICATIONS, roles.COMMUNICATIONS_MODERATORS)
        ).values_list("name", flat=True)
    )
    return bool(names), roles.COMMUNICATIONS_MODERATORS in names


def workflow_report_url(**filters):
    return f"{reverse('wagtailadmin_reports:workflow')}?{urlencode(filters)}"


def _pages_in_workflow():
    """Page rows with a workflow in progress or returned for changes."""
    return (
        WorkflowState.objects.active()
        .filter(base_content_type_id=get_default_page_content_type().id)
        .annotate(page_id=Cast("object_id", output_field=IntegerField()))
        .filter(page_id=OuterRef("pk"))
    )


def communications_items(user):
    member, moderator = communications_role(user)
    if not member:
        return []
    items = []
    if moderator:
        to_review = WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            current_task_state__in=TaskState.objects.reviewable_by(user),
        ).count()
        items.append(
            WorkItem(
                key="pages_to_review",
                label=_("pages awaiting your review"),
                count=to_review,
                url=workflow_report_url(reviewable="true", status="in_progress"),
                section=SECTION,
                order=10,
            )
        )
    own = WorkflowState.objects.filter(requested_by=user)
    for key, status, label, order in (
        (
            "own_in_moderation",
            WorkflowState.STATUS_IN_PROGRESS,
            _("of your pages in moderation"),
            20,
        ),
        (
            "own_needs_changes",
            WorkflowState.STATUS_NEEDS_CHANGES,
            _("of your pages returned for changes"),
            30,
        ),
    ):
        items.append(
            WorkItem(
                key=key,
                label=label,
                count=own.filter(status=status).count(),
                url=workflow_report_url(requested_by=user.pk, status=status),
                section=SECTION,
                order=order,
            )
        )
    Page = swapper.load_model("wagtailcore", "Page")
    drafts = (
        Page.objects.filter(owner=user, has_unpublished_changes=True)
        .exclude(Exists(_pages_in_workflow()))
        .order_by("-latest_revision_created_at", "-pk")
    )
    items.append(
        WorkItem(
            key="own_drafts",
            label=_("of your pages with unpublished changes (drafts)"),
            count=drafts.count(),
            links=[
                WorkLink(
                    page.get_admin_display_title(),
                    reverse("wagtailadmin_pages:edit", args=[page.pk]),
                )
                for page in drafts[:ITEM_LIMIT]
            ],
            section=SECTION,
            order=40,
        )
    )
    return items
