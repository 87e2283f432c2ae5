"""What the request workflow holds about one student (subject access): their requests with
the history and notices, their confidential details, sessions, referrals, individual classes
and their sessions, student groups and the group sessions attended, end-of-term reports (on
them or on their groups), and who read the confidential details.

Datetimes stay aware: the workbook writer shows them in local time."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import WITHHELD, SubjectSheet

from .models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    Notification,
    Referral,
    RequestDisclosure,
    SensitiveRead,
    StudentGroup,
    TermReport,
    TutoringRequest,
    TutoringSession,
)


def subject_data(student_number, user, site=None, confidential=True, record=None):
    """The sheets; the confidential texts they hold count as read by ``user`` (logged first,
    so the "Confidential reads" sheet shows this export too). ``confidential`` False: those
    texts are withheld (and nothing is logged as read).

    Only the records of the institutions ``user`` belongs to (``site``: of that one).

    ``record``: the student's own area asks about that student record, in its institution,
    whatever ``user``. Then the confidential details the student gave (reasons, private
    description: their own words) are shown to them even with ``confidential`` False, and the
    texts staff wrote (session private notes, referral service, reason and outcome notes)
    stay withheld (see docs/privacy.md)."""
    own_words = confidential
    if record is not None:
        requests = TutoringRequest.objects.filter(student=record, site_id=record.site_id)
        groups = StudentGroup.objects.filter(members=record, site_id=record.site_id)
        own_words = True
    else:
        requests = institutions.scope(
            TutoringRequest.objects.filter(student__student_number=student_number), user
        )
        groups = institutions.scope(
            StudentGroup.objects.filter(members__student_number=student_number), user
        )
    if site is not None:
        requests = requests.filter(site=site)
        groups = groups.filter(site=site)
    sites = dict(requests.values_list("pk", "site_id"))
    ids = list(sites)
    group_ids = list(groups.values_list("pk", flat=True).distinct())
    if not ids and not group_ids:
        return []
    if confidential:
        _log_reads(user, sites)

    def secret(text):
        return text if confidential else WITHHELD

    def told(text):
        return text if own_words else WITHHELD

    history = TutoringRequest.history.filter(id__in=ids).order_by("id", "history_id")
    return [
        *_request_sheets(requests, history, ids, secret, told),
        *_class_sheets(ids),
        *_group_sheets(student_number, group_ids, record),
        _report_sheet(ids, group_ids),
        SubjectSheet(
            _("Confidential reads"),
            (_("Request id"), _("When"), _("Who"), _("What")),
            [
                (
                    r.request_id,
                    r.read_at,
                    r.user.username if r.user else "",
                    r.get_what_display(),
                )
                for r in SensitiveRead.objects.filter(request_id__in=ids)
                .select_related("user")
                .order_by("read_at")
            ],
            order=29,
        ),
    ]


def _log_reads(user, sites):
    """``sites``: request id → its institution."""
    ids = list(sites)
    reads = [
        SensitiveRead(request_id=pk, site_id=sites[pk], user=user, what=what)
        for model, what in (
            (RequestDisclosure, SensitiveRead.What.DISCLOSURE),
            (TutoringSession, SensitiveRead.What.SESSION_NOTES),
            (Referral, SensitiveRead.What.REFERRALS),
        )
        for pk in model.objects.filter(request_id__in=ids)
        .values_list("request_id", flat=True)
        .distinct()
    ]
    SensitiveRead.objects.bulk_create(reads)


def _request_sheets(requests, history, ids, secret, told):
    """``secret``: a text staff wrote; ``told``: a confidential text the student gave."""
    return [
        SubjectSheet(
            _("Requests"),
            (
                _("Request id"),
                _("Kind"),
                _("State"),
                _("Term"),
                _("Component"),
                _("Submitted"),
                _("Decided"),
                _("Reasoned decision"),
                _("Regular class"),
            ),
            [
                (
                    r.pk,
                    r.get_kind_display(),
                    r.get_state_display(),
                    r.term.code if r.term else "",
                    r.component.code if r.component else "",
                    r.submitted_at,
                    r.decided_at,
                    r.decision_reason,
                    r.regular_class,
                )
                for r in requests.select_related("term", "component").order_by("pk")
            ],
            order=20,
        ),
        SubjectSheet(
            _("Request history"),
            (_("Request id"), _("When"), _("Who"), _("State"), _("Change")),
            [
                (
                    h.id,
                    h.history_date,
                    h.history_user.username if h.history_user else "",
                    h.get_state_display(),
                    h.history_change_reason or "",
                )
                for h in history.select_related("history_user")
            ],
            order=21,
        ),
        SubjectSheet(
            _("Notices"),
            (_("Request id"), _("Event"), _("Status"), _("Attempts"), _("Sent at")),
            [
                (
                    n.request_id,
                    n.get_kind_display(),
                    n.get_status_display(),
                    n.attempts,
                    n.sent_at,
                )
                for n in Notification.objects.filter(request_id__in=ids).order_by("created_at")
            ],
            order=22,
        ),
        SubjectSheet(
            _("Confidential details"),
            (_("Request id"), _("Reasons"), _("Private description")),
            [
                (
                    d.request_id,
                    told(", ".join(str(x) for x in d.get_reasons_display())),
                    told(d.description),
                )
                for d in RequestDisclosure.objects.filter(request_id__in=ids).order_by("pk")
            ],
            order=23,
        ),
        SubjectSheet(
            _("Tutoring sessions"),
            (_("Request id"), _("Date"), _("Modality"), _("Minutes"), _("Private notes")),
            [
                (
                    s.request_id,
                    s.date,
                    s.get_modality_display(),
                    s.duration_minutes,
                    secret(s.private_notes),
                )
                for s in TutoringSession.objects.filter(request_id__in=ids).order_by("date")
            ],
            order=24,
        ),
        SubjectSheet(
            _("Referrals"),
            (_("Request id"), _("Service"), _("Status"), _("Reason"), _("Outcome notes")),
            [
                (
                    r.request_id,
                    secret(r.service_label),
                    r.get_status_display(),
                    secret(r.reason),
                    secret(r.outcome_notes),
                )
                for r in Referral.objects.filter(request_id__in=ids)
                .select_related("service")
                .order_by("created_at")
            ],
            order=25,
        ),
    ]


def _class_sheets(ids):
    classes = (
        IndividualClass.objects.filter(requests__in=ids)
        .distinct()
        .select_related("term", "component", "tutor")
        .order_by("pk")
    )
    return [
        SubjectSheet(
            _("Individual classes"),
            (_("Class id"), _("Term"), _("Component"), _("Class tutor")),
            [
                (
                    c.pk,
                    c.term.code if c.term_id else "",
                    c.component.code if c.component_id else "",
                    c.tutor.get_full_name() or c.tutor.get_username() if c.tutor_id else "",
                )
                for c in classes
            ],
            order=26,
        ),
        SubjectSheet(
            _("Class sessions"),
            (_("Class id"), _("Date"), _("Modality"), _("Minutes")),
            [
                (s.individual_class_id, s.date, s.get_modality_display(), s.duration_minutes)
                for s in ClassSession.objects.filter(individual_class__in=classes).order_by(
                    "individual_class_id", "date"
                )
            ],
            order=27,
        ),
    ]


def _group_sheets(student_number, group_ids, record=None):
    if record is not None:
        attended = {"attendees": record}
    else:
        attended = {"attendees__student_number": student_number}
    return [
        SubjectSheet(
            _("Student groups"),
            (_("Group code"), _("Name"), _("Term")),
            StudentGroup.objects.filter(pk__in=group_ids)
            .order_by("term__starts_on", "code")
            .values_list("code", "name", "term__code"),
            order=40,
        ),
        SubjectSheet(
            _("Group sessions attended"),
            (_("Group code"), _("Date"), _("Topic"), _("Modality"), _("Minutes")),
            [
                (s.group.code, s.date, s.topic, s.get_modality_display(), s.duration_minutes)
                for s in GroupSession.objects.filter(group_id__in=group_ids, **attended)
                .select_related("group")
                .order_by("date", "pk")
            ],
            order=41,
        ),
    ]


def _report_sheet(ids, group_ids):
    """The tutor's reports on the student's requests, and on the groups they belong to."""
    reports = TermReport.objects.filter(
        Q(request_id__in=ids) | Q(group_id__in=group_ids)
    ).select_related("term", "group")
    return SubjectSheet(
        _("End-of-term reports"),
        (
            _("Term"),
            _("Request id"),
            _("Group code"),
            pgettext_lazy("term report", "Progress"),
            _("Difficulties"),
            _("Recommendation"),
            _("Outcome"),
            _("Status"),
            _("Coordinator's comment"),
        ),
        [
            (
                r.term.code,
                r.request_id or "",
                r.group.code if r.group_id else "",
                r.progress,
                r.difficulties,
                r.recommendation,
                r.get_outcome_display(),
                r.get_status_display(),
                r.coordinator_comment,
            )
            for r in reports.order_by("term__starts_on", "pk")
        ],
        order=42,
    )
