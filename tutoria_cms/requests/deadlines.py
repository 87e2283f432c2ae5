"""Service levels and due dates: the request workflow's loops close by a date.

A request or referral gets its ``due_on`` when it enters a state (``services``, through
:func:`request_due_on` and :func:`referral_due_on`), from its institution's service levels
(Settings › Tutoring requests; empty fields take the suite's ``TUTORIA_CMS`` defaults):

- a request submitted (and then under review) is due a decision ``decision_days`` after
  submission; approved, it is due to start (tutor assigned, tutoring started) ``start_days``
  after approval; in the other states it has no due date;
- a referral sent is due to be taken in (attended) ``referral_accept_days`` after it was
  made; attended or in follow-up, to be closed ``referral_close_days`` after it was taken
  in; closed, it has none.

Overdue means ``due_on`` before today (the site's time zone), one condition on a stored
date: the dashboards and the daily digest ask :func:`overdue_items`, one query per kind.
Who is responsible, within the institutions where they hold the role:

- coordination: requests past their decision date, approved requests past their start date;
- the board: requests past their decision date;
- the orientation service: referrals past their due date;
- a tutor: approved requests assigned to them past their start date.
"""

import dataclasses
import datetime

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tutoria_cms.core import roles
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.institutions import institution_q

from . import permissions
from .models import Referral, ReferralStatus, RequestState, TutoringRequest

AWAITING_DECISION = (RequestState.SUBMITTED, RequestState.UNDER_REVIEW)
REFERRAL_OPEN = (ReferralStatus.SENT, ReferralStatus.ATTENDED, ReferralStatus.FOLLOW_UP)
REFERRAL_TAKEN_IN = (ReferralStatus.ATTENDED, ReferralStatus.FOLLOW_UP)


@dataclasses.dataclass(frozen=True)
class ServiceLevels:
    decision_days: int
    start_days: int
    referral_accept_days: int
    referral_close_days: int


def service_levels(site_id):
    """The service levels of the institution ``site_id``: its own, else the suite's."""
    own = None
    if site_id is not None and apps.is_installed("wagtail.contrib.settings"):
        from wagtail.models import Site

        from .models import TutoringRequestSettings

        site = Site.objects.filter(pk=site_id).first()
        if site is not None:
            own = TutoringRequestSettings.for_site(site)
    values = {}
    for field in dataclasses.fields(ServiceLevels):
        value = getattr(own, field.name, None)
        values[field.name] = value or getattr(tutoria_settings, field.name.upper())
    return ServiceLevels(**values)


def local_day(moment):
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def request_due_on(tutoring_request, previous_state=None, now=None):
    """The due date of ``tutoring_request`` in its (new) state, entered at ``now``."""
    if tutoring_request.state == RequestState.SUBMITTED:
        days = service_levels(tutoring_request.site_id).decision_days
        return local_day(tutoring_request.submitted_at or now) + datetime.timedelta(days=days)
    if tutoring_request.state == RequestState.UNDER_REVIEW:
        # The decision is due from submission: putting it under review does not move it.
        if tutoring_request.due_on is not None and previous_state in AWAITING_DECISION:
            return tutoring_request.due_on
        days = service_levels(tutoring_request.site_id).decision_days
        return local_day(tutoring_request.submitted_at or now) + datetime.timedelta(days=days)
    if tutoring_request.state == RequestState.APPROVED:
        days = service_levels(tutoring_request.site_id).start_days
        return local_day(tutoring_request.decided_at or now) + datetime.timedelta(days=days)
    return None


def referral_due_on(referral, previous_status=None, now=None):
    """The due date of ``referral`` in its (new) status, entered at ``now``."""
    if referral.status == ReferralStatus.SENT:
        days = service_levels(referral.site_id).referral_accept_days
        return local_day(now) + datetime.timedelta(days=days)
    if referral.status in REFERRAL_TAKEN_IN:
        # Attended, then in follow-up: the closure is due from when it was taken in.
        if referral.due_on is not None and previous_status in REFERRAL_TAKEN_IN:
            return referral.due_on
        days = service_levels(referral.site_id).referral_close_days
        return local_day(now) + datetime.timedelta(days=days)
    return None


def due_text(due_on, today=None):
    """ "Due on 5 Dec 2026" or "Overdue by 3 days (due on 2 Dec 2026)", or "" without a date."""
    if due_on is None:
        return ""
    today = today or timezone.localdate()
    date = formats.date_format(due_on, "SHORT_DATE_FORMAT")
    late = (today - due_on).days
    if late <= 0:
        return _("Due on %(date)s") % {"date": date}
    return ngettext(
        "Overdue by %(days)d day (due on %(date)s)",
        "Overdue by %(days)d days (due on %(date)s)",
        late,
    ) % {"days": late, "date": date}


# Overdue items, per responsible person ------------------------------------------------------


def overdue_request_condition(today=None):
    """Open requests whose current step is past its due date."""
    today = today or timezone.localdate()
    return Q(state__in=(*AWAITING_DECISION, RequestState.APPROVED), due_on__lt=today)


def overdue_decision_condition(today=None):
    today = today or timezone.localdate()
    return Q(state__in=AWAITING_DECISION, due_on__lt=today)


def late_start_condition(today=None):
    today = today or timezone.localdate()
    return Q(state=RequestState.APPROVED, due_on__lt=today)


def overdue_referral_condition(today=None):
    today = today or timezone.localdate()
    return Q(status__in=REFERRAL_OPEN, due_on__lt=today)


@dataclasses.dataclass
class OverdueItem:
    """One overdue thing of a person: a title (never sensitive), what is late, a link."""

    title: str
    what: str
    due_on: datetime.date
    url: str

    def days_late(self, today=None):
        return ((today or timezone.localdate()) - self.due_on).days


def _is_tutor(user):
    return user.groups.filter(name=roles.TUTORS).exists()


def overdue_requests(user, today=None):
    """The requests ``user`` is responsible for that are overdue, as (request, what) pairs
    ordered by due date: decisions (coordination, board), starts (coordination, the
    assigned tutor). Only among the requests the person may see (permissions.py)."""
    if not user.is_authenticated or not user.is_active:
        return TutoringRequest.objects.none()
    condition = Q(pk__in=[])
    if permissions.is_coordinator(user):
        condition |= overdue_request_condition(today) & institution_q(user, permissions.MANAGE)
    if permissions.is_board(user):
        condition |= overdue_decision_condition(today) & institution_q(user, permissions.DECIDE)
    if _is_tutor(user):
        condition |= late_start_condition(today) & Q(assigned_tutor=user) & institution_q(user)
    visible = permissions.visible_requests(user).order_by().values("pk")
    return TutoringRequest.objects.filter(pk__in=visible).filter(condition).order_by("due_on", "pk")


def overdue_referrals(user, today=None):
    """The referrals past their due date in the institutions where ``user`` is the
    orientation service (never superusers: they read no referral)."""
    if not permissions.reads_referrals(user):
        return Referral.objects.none()
    return (
        Referral.objects.filter(overdue_referral_condition(today))
        .filter(institution_q(user, permissions.RECEIVE_REFERRAL))
        .select_related("request")
        .order_by("due_on", "pk")
    )


def request_what(tutoring_request):
    if tutoring_request.state == RequestState.APPROVED:
        return _("start of the tutoring")
    return _("decision")


def referral_what(referral):
    if referral.status == ReferralStatus.SENT:
        return _("taking in the referral")
    return _("closing the referral")


def overdue_items(user, today=None, base_url=""):
    """Every overdue thing ``user`` is responsible for, oldest due date first. ``base_url``
    makes the links absolute (e-mails)."""

    def url(request_id):
        return base_url + reverse("tutoria_requests:inspect", args=[request_id])

    items = [
        OverdueItem(
            str(tutoring_request),
            str(request_what(tutoring_request)),
            tutoring_request.due_on,
            url(tutoring_request.pk),
        )
        for tutoring_request in overdue_requests(user, today)
    ]
    items += [
        OverdueItem(
            str(referral.request),
            str(referral_what(referral)),
            referral.due_on,
            url(referral.request_id),
        )
        for referral in overdue_referrals(user, today)
    ]
    return sorted(items, key=lambda item: (item.due_on, item.title))


RESPONSIBLE_ROLES = (roles.COORDINATION, roles.BOARD, roles.ORIENTATION, roles.TUTORS)


def digest_recipients():
    """The people who may be responsible for something overdue: active, with an e-mail
    address, holding a role of the workflow (its group, or its permission given directly).
    Superusers get a digest only through such a role."""
    from django.contrib.auth import get_user_model

    codenames = [perm.split(".", 1)[1] for perm in (permissions.MANAGE, permissions.DECIDE)]
    codenames.append(permissions.RECEIVE_REFERRAL.split(".", 1)[1])
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(groups__name__in=RESPONSIBLE_ROLES)
            | Q(
                user_permissions__content_type__app_label="tutoria_requests",
                user_permissions__codename__in=codenames,
            )
        )
        .distinct()
        .order_by("pk")
    )
