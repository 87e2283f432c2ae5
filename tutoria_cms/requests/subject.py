"""What the request workflow holds about one student (subject access): their requests with
the history, their confidential details, sessions, referrals, and who read those details.

Datetimes stay aware: the workbook writer shows them in local time."""

from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SubjectSheet

from .models import (
    Referral,
    RequestDisclosure,
    SensitiveRead,
    TutoringRequest,
    TutoringSession,
)


def subject_data(student_number, user, site=None):
    """The sheets; the confidential texts they hold count as read by ``user`` (logged first,
    so the "Confidential reads" sheet shows this export too).

    Only the requests of the institutions ``user`` belongs to (``site``: of that one)."""
    requests = institutions.scope(
        TutoringRequest.objects.filter(student__student_number=student_number), user
    )
    if site is not None:
        requests = requests.filter(site=site)
    sites = dict(requests.values_list("pk", "site_id"))
    ids = list(sites)
    if not ids:
        return []
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
    history = TutoringRequest.history.filter(id__in=ids).order_by("id", "history_id")
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
            _("Confidential details"),
            (_("Request id"), _("Reasons"), _("Private description")),
            [
                (d.request_id, ", ".join(str(x) for x in d.get_reasons_display()), d.description)
                for d in RequestDisclosure.objects.filter(request_id__in=ids).order_by("pk")
            ],
            order=22,
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
                    s.private_notes,
                )
                for s in TutoringSession.objects.filter(request_id__in=ids).order_by("date")
            ],
            order=23,
        ),
        SubjectSheet(
            _("Referrals"),
            (_("Request id"), _("Service"), _("Status"), _("Reason"), _("Outcome notes")),
            [
                (r.request_id, r.service_label, r.get_status_display(), r.reason, r.outcome_notes)
                for r in Referral.objects.filter(request_id__in=ids)
                .select_related("service")
                .order_by("created_at")
            ],
            order=24,
        ),
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
            order=25,
        ),
    ]
