"""Peer mentoring's part of the home page's work queue: a mentor's (or mentee's) own
confirmed pairs. Coordination's pairs at risk are on :class:`panels.MentoringPanel`."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core.dashboard import WorkItem

from . import permissions
from .choices import PairStatus

SECTION = pgettext_lazy("work queue", "Peer mentoring")


def work_items(user):
    if not user.is_authenticated or not user.is_active or permissions.is_coordinator(user):
        return []
    count = permissions.visible_pairs(user).filter(status=PairStatus.CONFIRMED).count()
    if not count:
        return []  # only people who take part in a pair
    url = reverse("tutoria_mentoring_pairs:index")
    return [
        WorkItem(
            key="mentoring_pairs",
            label=_("mentoring pairs you take part in"),
            count=count,
            url=f"{url}?{urlencode({'status': PairStatus.CONFIRMED})}",
            section=SECTION,
            order=30,
        )
    ]
