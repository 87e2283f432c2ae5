"""The request workflow's part of the admin home page: each role's work queue.

Every count is taken from :func:`permissions.visible_requests` (and the other scopes of
``permissions.py``), so the home page never shows more than the listings it links to; and
every listing link uses a filter of the request listing (:class:`RequestFilterSet`) built
from the same conditions as the counts below.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core import roles
from tutoria_cms.core.dashboard import ITEM_LIMIT, WorkItem, WorkLink
from tutoria_cms.core.institutions import institution_q, scope

from . import deadlines, permissions
from .models import (
    OPEN_STATES,
    REFERRAL_NEWS,
    Notification,
    Referral,
    ReferralStatus,
    ReportStatus,
    RequestKind,
    RequestState,
    StudentGroup,
    TermReport,
    TutoringRequest,
)

# A tutee in tutoring without a session for this long is due one.
SESSION_INTERVAL_DAYS = 14
# End-of-term reports are due from this many days before the end of the term.
REPORT_WINDOW_DAYS = 30
# The tutor sees the news of their referrals (accepted, closed) for this many days.
REFERRAL_NEWS_DAYS = 14

REQUESTS_SECTION = pgettext_lazy("work queue", "Tutoring requests")
TUTOR_SECTION = pgettext_lazy("work queue", "Your tutoring")
REFERRALS_SECTION = pgettext_lazy("work queue", "Referrals")
REPORTS_SECTION = pgettext_lazy("work queue", "End-of-term reports")
CLASSES_SECTION = pgettext_lazy("work queue", "Individual classes")

AWAITING_DECISION = deadlines.AWAITING_DECISION


# Conditions shared by the counts and the listing filters ---------------------------------------

OPEN_CHOICES = [
    ("true", pgettext_lazy("requests", "Open")),
    ("false", pgettext_lazy("requests", "Finished")),
]

ATTENTION_CHOICES = [
    ("no_tutor", _("Approved, without a tutor")),
    ("overdue", _("Past its decision date")),
    ("late_start", _("Approved, past its start date")),
    ("inactive_tutor", _("Open, tutor deactivated")),
    ("undelivered", _("Decision notice not delivered")),
]

REFERRAL_CHOICES = [
    ("sent", _("New referral")),
    ("active", _("Referral attended or in follow-up")),
    ("closed", _("Referral closed")),
    ("overdue", _("Referral past its due date")),
]

REFERRAL_STATUSES = {
    "sent": (ReferralStatus.SENT,),
    "active": (ReferralStatus.ATTENDED, ReferralStatus.FOLLOW_UP),
    "closed": (ReferralStatus.CLOSED,),
}


def open_condition(value):
    return Q(state__in=OPEN_STATES) if value == "true" else ~Q(state__in=OPEN_STATES)


def attention_condition(value, today=None):
    """The requests needing coordination's attention, by kind of attention."""
    if value == "no_tutor":
        return Q(
            kind__in=(RequestKind.SUPPORT, RequestKind.PEER_MENTORING),
            state__in=(RequestState.APPROVED, RequestState.IN_PROGRESS),
            assigned_tutor__isnull=True,
        )
    if value == "overdue":  # past the decision date of the service levels (deadlines.py)
        return deadlines.overdue_decision_condition(today)
    if value == "late_start":
        return deadlines.late_start_condition(today)
    if value == "inactive_tutor":
        return Q(state__in=OPEN_STATES, assigned_tutor__is_active=False)
    if value == "undelivered":
        # Art. 248: the student must be told; the e-mail did not reach them.
        undelivered = Notification.objects.filter(
            request=OuterRef("pk"),
            event=Notification.DECISION,
            status__in=Notification.UNDELIVERED,
        )
        return Q(Exists(undelivered))
    return Q()


def referral_condition(value):
    """Requests with a referral in one of the statuses of ``value``, or past its due date
    (no duplicate rows)."""
    if value == "overdue":
        overdue = Referral.objects.filter(
            deadlines.overdue_referral_condition(), request=OuterRef("pk")
        )
        return Q(Exists(overdue))
    statuses = REFERRAL_STATUSES.get(value)
    if statuses is None:
        return Q()
    return Q(Exists(Referral.objects.filter(request=OuterRef("pk"), status__in=statuses)))


def listing_url(**filters):
    return f"{reverse('tutoria_requests:list')}?{urlencode(filters)}"


def reports_url(**filters):
    return f"{reverse('tutoria_reports:index')}?{urlencode(filters)}"


def _counts(queryset, conditions):
    """{key: count} for each (key, Q) in one query (the visible rows as a subquery: a
    role's scope may be ``distinct()``, which aggregates cannot filter through)."""
    if not conditions:
        return {}
    rows = TutoringRequest.objects.filter(pk__in=queryset.order_by().values("pk"))
    return rows.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )


# The work queue of each role ---------------------------------------------------------------------


def _is_tutor(user):
    return user.groups.filter(name=roles.TUTORS).exists()


def work_items(user):
    if not user.is_authenticated or not user.is_active:
        return []
    coordinator = permissions.is_coordinator(user)
    board = permissions.is_board(user)
    orientation = permissions.reads_referrals(user)
    conditions = {}
    # Each role counts in the institutions where the person holds it.
    coordinating = institution_q(user, permissions.MANAGE)
    deciding = institution_q(user, permissions.DECIDE)
    orienting = institution_q(user, permissions.RECEIVE_REFERRAL)
    if coordinator:
        conditions.update(
            submitted=Q(state=RequestState.SUBMITTED) & coordinating,
            **{key: attention_condition(key) & coordinating for key, _label in ATTENTION_CHOICES},
        )
    if coordinator or board:
        conditions["under_review"] = Q(state=RequestState.UNDER_REVIEW) & (
            (coordinating if coordinator else Q(pk__in=[])) | (deciding if board else Q(pk__in=[]))
        )
    if board and not coordinator:
        conditions["board_overdue"] = attention_condition("overdue") & deciding
    if orientation:
        conditions.update(
            referral_sent=referral_condition("sent") & orienting,
            referral_active=referral_condition("active") & orienting,
            referral_overdue=referral_condition("overdue") & orienting,
        )
    counts = _counts(permissions.visible_requests(user), conditions)
    items = []
    if coordinator:
        items += coordination_items(user, counts)
    elif board:
        items += [
            WorkItem(
                key="requests_to_decide",
                label=_("requests awaiting your decision"),
                count=counts["under_review"],
                url=listing_url(state=RequestState.UNDER_REVIEW),
                section=REQUESTS_SECTION,
                order=10,
            ),
            WorkItem(
                key="requests_overdue",
                label=_("requests past their decision date"),
                count=counts["board_overdue"],
                url=listing_url(attention="overdue"),
                section=REQUESTS_SECTION,
                order=10,
                alert=True,
            ),
        ]
    if orientation:
        items += [
            WorkItem(
                key="referrals_new",
                label=_("new referrals"),
                count=counts["referral_sent"],
                url=listing_url(referral="sent"),
                section=REFERRALS_SECTION,
                order=10,
            ),
            WorkItem(
                key="referrals_active",
                label=_("referrals attended or in follow-up"),
                count=counts["referral_active"],
                url=listing_url(referral="active"),
                section=REFERRALS_SECTION,
                order=11,
            ),
            WorkItem(
                key="referrals_overdue",
                label=_("referrals past their due date (to take in or to close)"),
                count=counts["referral_overdue"],
                url=listing_url(referral="overdue"),
                section=REFERRALS_SECTION,
                order=10,
                alert=True,
            ),
        ]
    if not coordinator and _is_tutor(user):
        items += tutor_items(user)
    items += class_share_items(user)
    return items


def class_share_items(user):
    """Running individual classes whose in-person share is at risk or lost (art. 241): for
    coordination of their institution and for their designated tutor. Shown only when there
    is one."""
    running = (
        permissions.visible_classes(user)
        .filter(requests__state=RequestState.IN_PROGRESS)
        .distinct()
        .select_related("site", "term", "component", "tutor")
        .order_by("pk")
    )
    warned = []
    for individual_class in running:
        if not permissions.can_record_class_sessions(user, individual_class):
            continue
        share = individual_class.in_person_share
        if share.warns:
            warned.append((individual_class, share))
    if not warned:
        return []
    return [
        WorkItem(
            key="classes_in_person_share",
            label=_("individual classes whose in-person share is at risk"),
            count=len(warned),
            url=reverse("tutoria_classes:index"),
            section=CLASSES_SECTION,
            order=15,
            alert=True,
            links=[
                WorkLink(
                    str(individual_class),
                    reverse("tutoria_classes:inspect", args=[individual_class.pk]),
                    share.share_display,
                )
                for individual_class, share in warned[:ITEM_LIMIT]
            ],
        )
    ]


def coordination_items(user, counts):
    return [
        WorkItem(
            key="requests_overdue",
            label=_("requests past their decision date"),
            count=counts["overdue"],
            url=listing_url(attention="overdue"),
            section=REQUESTS_SECTION,
            order=10,
            alert=True,
        ),
        WorkItem(
            key="requests_late_start",
            label=_("approved requests past their start date (tutor to assign, tutoring to start)"),
            count=counts["late_start"],
            url=listing_url(attention="late_start"),
            section=REQUESTS_SECTION,
            order=10,
            alert=True,
        ),
        WorkItem(
            key="requests_inactive_tutor",
            label=_("open requests whose tutor's account is deactivated"),
            count=counts["inactive_tutor"],
            url=listing_url(attention="inactive_tutor"),
            section=REQUESTS_SECTION,
            order=11,
            alert=True,
        ),
        WorkItem(
            key="requests_undelivered",
            label=_(
                "decisions whose notice did not reach the student (no e-mail address, or "
                "the mail server refused it): print the letter"
            ),
            count=counts["undelivered"],
            url=listing_url(attention="undelivered"),
            section=REQUESTS_SECTION,
            order=12,
            alert=True,
        ),
        WorkItem(
            key="requests_submitted",
            label=_("submitted requests to put under review"),
            count=counts["submitted"],
            url=listing_url(state=RequestState.SUBMITTED),
            section=REQUESTS_SECTION,
            order=10,
        ),
        WorkItem(
            key="requests_under_review",
            label=_("requests under review, awaiting a decision"),
            count=counts["under_review"],
            url=listing_url(state=RequestState.UNDER_REVIEW),
            section=REQUESTS_SECTION,
            order=11,
        ),
        WorkItem(
            key="requests_without_tutor",
            label=_("approved requests without a tutor"),
            count=counts["no_tutor"],
            url=listing_url(attention="no_tutor"),
            section=REQUESTS_SECTION,
            order=12,
        ),
        WorkItem(
            key="reports_to_review",
            label=_("end-of-term reports to review"),
            count=permissions.visible_reports(user).filter(status=ReportStatus.SUBMITTED).count(),
            url=reports_url(status=ReportStatus.SUBMITTED),
            section=REPORTS_SECTION,
            order=20,
        ),
    ]


def tutor_items(user, today=None):
    """A tutor's assigned requests, tutees due a session, end-of-term reports due."""
    today = today or timezone.localdate()
    mine = permissions.visible_requests(user).filter(assigned_tutor=user)
    assigned = mine.filter(state__in=OPEN_STATES).count()
    due = (
        mine.filter(state=RequestState.IN_PROGRESS)
        .annotate(last_session=Max("sessions__date"))
        .filter(
            Q(last_session__isnull=True)
            | Q(last_session__lt=today - datetime.timedelta(days=SESSION_INTERVAL_DAYS))
        )
        .order_by("last_session", "pk")
    )
    due_count = due.count()
    due_links = [
        WorkLink(
            str(request),
            reverse("tutoria_requests:inspect", args=[request.pk]),
            _("last session on %(date)s") % {"date": request.last_session.isoformat()}
            if request.last_session
            else _("no session yet"),
        )
        for request in due[:ITEM_LIMIT]
    ]
    report_count, report_links = reports_due(user, mine, today)
    news_count, news_links = referral_news(user, today)
    late = mine.filter(deadlines.late_start_condition(today)).order_by("due_on", "pk")
    late_links = [
        WorkLink(
            str(request),
            reverse("tutoria_requests:inspect", args=[request.pk]),
            deadlines.due_text(request.due_on, today),
        )
        for request in late[:ITEM_LIMIT]
    ]
    return [
        WorkItem(
            key="tutor_overdue",
            label=_("approved requests assigned to you past their start date"),
            count=late.count(),
            links=late_links,
            section=TUTOR_SECTION,
            order=20,
            alert=True,
        ),
        WorkItem(
            key="tutor_requests",
            label=_("open requests assigned to you"),
            count=assigned,
            url=listing_url(assigned_tutor=user.pk, open="true"),
            section=TUTOR_SECTION,
            order=20,
        ),
        WorkItem(
            key="tutor_sessions_due",
            label=_("tutees without a session in the last %(days)s days")
            % {"days": SESSION_INTERVAL_DAYS},
            count=due_count,
            links=due_links,
            section=TUTOR_SECTION,
            order=21,
        ),
        WorkItem(
            key="tutor_reports_due",
            label=_("end-of-term reports due"),
            count=report_count,
            links=report_links,
            section=TUTOR_SECTION,
            order=22,
        ),
        WorkItem(
            key="tutor_referral_news",
            label=_("your referrals accepted or closed in the last %(days)s days")
            % {"days": REFERRAL_NEWS_DAYS},
            count=news_count,
            links=news_links,
            section=TUTOR_SECTION,
            order=23,
        ),
    ]


def referral_news(user, today):
    """The tutor's referrals that the service accepted or closed lately (the loop closes)."""
    since = timezone.now() - datetime.timedelta(days=REFERRAL_NEWS_DAYS)
    news = scope(
        Referral.objects.filter(
            referred_by=user, status__in=REFERRAL_NEWS, status_changed_at__gte=since
        ),
        user,
    ).order_by("-status_changed_at", "-pk")
    links = [
        WorkLink(
            str(referral.request),
            reverse("tutoria_requests:inspect", args=[referral.request_id]),
            referral.get_status_display(),
        )
        for referral in news.select_related("request")[:ITEM_LIMIT]
    ]
    return news.count(), links


def reports_due(user, mine, today):
    """The tutor's reports still to write (draft or returned), then the tutees and groups of
    a term ending within :data:`REPORT_WINDOW_DAYS` (or ended) with no report yet."""
    horizon = today + datetime.timedelta(days=REPORT_WINDOW_DAYS)
    unfinished = scope(
        TermReport.objects.filter(
            tutor=user, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)
        ),
        user,
    ).select_related("term")
    no_report = ~Exists(TermReport.objects.filter(term=OuterRef("term"), request=OuterRef("pk")))
    tutees = (
        mine.filter(state__in=(RequestState.IN_PROGRESS, RequestState.CLOSED))
        .filter(term__isnull=False, term__ends_on__lte=horizon)
        .filter(no_report)
        .select_related("term")
        .order_by("term__ends_on", "pk")
    )
    groups = (
        scope(StudentGroup.objects.filter(tutor=user, term__ends_on__lte=horizon), user)
        .filter(~Exists(TermReport.objects.filter(term=OuterRef("term"), group=OuterRef("pk"))))
        .select_related("term")
        .order_by("term__ends_on", "pk")
    )
    # Only recent terms: a report is due for the term just ended, not for years back.
    since = today - datetime.timedelta(days=365)
    tutees = tutees.filter(term__ends_on__gte=since)
    groups = groups.filter(term__ends_on__gte=since)
    count = unfinished.count() + tutees.count() + groups.count()
    links = [
        WorkLink(
            str(report),
            reverse("tutoria_reports:inspect", args=[report.pk]),
            report.get_status_display(),
        )
        for report in unfinished[:ITEM_LIMIT]
    ]
    for kind, rows in (("request", tutees), ("group", groups)):
        room = ITEM_LIMIT - len(links)
        if room <= 0:
            break
        links += [
            WorkLink(
                str(row),
                reverse("tutoria_reports:prepare", args=[kind, row.pk]),
                _("to prepare (%(term)s)") % {"term": row.term},
            )
            for row in rows[:room]
        ]
    return count, links


__all__ = [
    "ATTENTION_CHOICES",
    "OPEN_CHOICES",
    "REFERRAL_CHOICES",
    "attention_condition",
    "open_condition",
    "referral_condition",
    "work_items",
]
