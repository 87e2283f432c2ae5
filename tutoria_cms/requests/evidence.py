"""The request workflow's contribution to accreditation workbooks (``register_tutoria_evidence``).

Scope: requests whose programme page lies in the export's site or programme (requests with no
programme count only in exports without a site or programme filter), created in the date
range (a term sets the range). Students are pseudonymised unless the export is identified.

Sheets: requests (kind, state, dates, verdict per article, decision, the regular class a
redirect names; rebuilt from the history table with an "as of" date), request history (every
transition, who and when), tutoring sessions (individual and group; "as of" a date, rebuilt
from the history tables, the students present at a group session from the history of its
attendance), end-of-term reports by outcome, referrals as counts by service and status.
Confidential details (reason categories, descriptions, session notes, referral reasons)
never appear: reasons and referrals only as counts, suppressed under the small-cell
threshold.
"""

import statistics
from collections import Counter

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.choices import AttentionType, Modality, TutoringReason
from tutoria_cms.core.evidence import EvidenceSource, Unit, latest_history

from .models import (
    GroupSession,
    Referral,
    ReferralStatus,
    RequestDisclosure,
    RequestKind,
    RequestState,
    TermReport,
    TutoringRequest,
    TutoringSession,
)
from .services import TRANSITIONS

# What pseudonymised exports and the evidence browser show instead of a reason staff typed
# with an action (free text about a student).
REASON_WITHHELD = _("reason given (shown in identified exports)")

SECTION = _("Tutoring requests")
# Every decision counts as decided; only an approval (and what follows it) as approved: a
# redirect to a regular class or a schedule change is neither an approval nor a denial.
DECIDED = (
    RequestState.APPROVED,
    RequestState.DENIED,
    RequestState.REDIRECTED,
    RequestState.SCHEDULE_CHANGE,
    RequestState.IN_PROGRESS,
    RequestState.CLOSED,
)
APPROVED = (RequestState.APPROVED, RequestState.IN_PROGRESS, RequestState.CLOSED)
TUTORED = (RequestState.IN_PROGRESS, RequestState.CLOSED)


def in_institution(queryset, context, field="site"):
    """``queryset`` limited to the context's institution (``context.site``) and to those of
    the person exporting (``context.user``), when the context names them."""
    site = getattr(context, "site", None)
    if site is not None:
        queryset = queryset.filter(**{f"{field}_id": getattr(site, "pk", site)})
    user = getattr(context, "user", None)
    if user is not None:
        queryset = institutions.scope(queryset, user, field=field)
    return queryset


def requests_in_scope(context, model=TutoringRequest, prefix=""):
    queryset = model.objects.filter(context.date_q(f"{prefix}created_at__date"))
    queryset = in_institution(queryset, context, f"{prefix}site")
    if context.scope_path is not None:
        queryset = queryset.filter(**{f"{prefix}programme__path__startswith": context.scope_path})
    return queryset


def failed_articles(verdict):
    if not verdict:
        return ""
    return ", ".join(r["citation"] for r in verdict.get("results", ()) if r["outcome"] == "fail")


class RequestsSource(EvidenceSource):
    key = "requests"
    title = _("Tutoring requests")
    section = SECTION
    order = 50
    as_of_supported = True
    columns = (
        _("Request id"),
        _("Kind"),
        _("State"),
        _("Term"),
        _("Student"),
        _("Component"),
        _("Created"),
        _("Submitted"),
        _("Decided"),
        _("Days to decision"),
        _("Rule set"),
        _("Eligible"),
        _("Articles not met"),
        _("Tutor assigned"),
        _("Regular class"),
    )
    FIELDS = (
        "pk",
        "kind",
        "state",
        "term__code",
        "student__student_number",
        "component__code",
        "created_at",
        "submitted_at",
        "decided_at",
        "rule_set",
        "verdict",
        "assigned_tutor_id",
        "regular_class",
    )

    def count(self, context):
        return requests_in_scope(context).count()

    def _rows(self, context):
        if context.as_of is None:
            yield from (
                requests_in_scope(context)
                .order_by("pk")
                .values_list(*self.FIELDS)
                .iterator(chunk_size=context.chunk_size)
            )
            return
        history = TutoringRequest.history.model
        fields = ("id", *self.FIELDS[1:])
        records = (
            requests_in_scope(context, history)
            .filter(history_date__lte=context.as_of_moment)
            .order_by("id", "-history_date", "-history_id")
            .values_list("id", "history_type", *fields)
        )
        yield from latest_history(records.iterator(chunk_size=context.chunk_size))

    def rows(self, context):
        kinds, states = dict(RequestKind.choices), dict(RequestState.choices)
        for (
            pk,
            kind,
            state,
            term,
            number,
            component,
            created,
            submitted,
            decided,
            rule_set,
            verdict,
            tutor,
            regular_class,
        ) in self._rows(context):
            days = (decided - submitted).days if decided and submitted else None
            eligible = verdict.get("eligible") if verdict else None
            yield (
                pk,
                kinds.get(kind, kind),
                states.get(state, state),
                term or "",
                context.student_id(number),
                component or "",
                created,
                submitted,
                decided,
                days,
                rule_set,
                eligible,
                failed_articles(verdict),
                tutor is not None,
                regular_class or "",
            )

    def indicators(self, context):
        requests = requests_in_scope(context)
        out = []
        by_kind = dict(requests.values_list("kind").annotate(n=Count("pk")).order_by())
        for kind, label in RequestKind.choices:
            out.append(
                context.count_indicator(
                    f"requests_{kind}",
                    _("Requests: %(kind)s") % {"kind": label},
                    by_kind.get(kind, 0),
                    section=SECTION,
                    definition=_("Requests of this kind created in the range."),
                )
            )
        by_state = dict(requests.values_list("state").annotate(n=Count("pk")).order_by())
        for state, label in RequestState.choices:
            out.append(
                context.count_indicator(
                    f"requests_state_{state}",
                    _("Requests now %(state)s") % {"state": label},
                    by_state.get(state, 0),
                    section=SECTION,
                    definition=_("Requests created in the range that are in this state now."),
                    chart="requests_by_state",
                    chart_title=_("Requests by state"),
                )
            )
        decided = sum(by_state.get(state, 0) for state in DECIDED)
        approved = sum(by_state.get(state, 0) for state in APPROVED)
        out.append(
            percent(
                "approval_rate",
                _("Approval rate"),
                approved,
                decided,
                _(
                    "Requests approved (including those in progress or closed) / requests "
                    "decided (approved, denied, redirected to a regular class or sent to a "
                    "schedule change)."
                ),
            )
        )
        durations = [
            (decided_at - submitted_at).total_seconds() / 86400
            for submitted_at, decided_at in requests.filter(
                submitted_at__isnull=False, decided_at__isnull=False
            ).values_list("submitted_at", "decided_at")
        ]
        from tutoria_cms.core.evidence import Indicator

        out.append(
            Indicator(
                key="median_days_to_decision",
                label=_("Median days from submission to decision"),
                value=round(statistics.median(durations), 1) if durations else None,
                unit=Unit.COUNT,
                section=SECTION,
                definition=_(
                    "Median of (decided at - submitted at), in days, over decided requests."
                ),
            )
        )
        tutored = requests.filter(state__in=TUTORED)
        students = tutored.values("student").distinct().count()
        tutors = tutored.exclude(assigned_tutor=None).values("assigned_tutor").distinct().count()
        out.append(
            Indicator(
                key="tutees_per_tutor",
                label=_("Tutees per tutor"),
                value=round(students / tutors, 2) if tutors else None,
                section=SECTION,
                definition=_(
                    "Distinct students with a request in progress or closed / distinct "
                    "tutors assigned to them."
                ),
            )
        )
        from tutoria_cms.academics.models import StudentRecord

        individual, group = tutored_student_querysets(context)
        tutored_count = StudentRecord.objects.filter(Q(pk__in=individual) | Q(pk__in=group)).count()
        enrolled = context.in_institution(StudentRecord.objects.all()).count()
        out.append(
            percent(
                "coverage",
                _("Coverage"),
                tutored_count,
                enrolled,
                _(
                    "Students tutored (individually: a request in progress or closed; in groups: "
                    "present at a group session) / students in the academic records."
                ),
            )
        )
        reasons = Counter()
        for values in RequestDisclosure.objects.filter(
            request__in=requests.values("pk")
        ).values_list("reasons", flat=True):
            reasons.update(values or ())
        for code, label in TutoringReason.choices:
            out.append(
                context.count_indicator(
                    f"reason_{code}",
                    _("Reason: %(reason)s") % {"reason": label},
                    reasons.get(code, 0),
                    sensitive=True,
                    section=SECTION,
                    definition=_(
                        "Requests giving this reason (confidential: only counts, and "
                        "counts under the small-cell threshold are suppressed)."
                    ),
                    chart="reasons",
                    chart_title=_("Reasons by category"),
                )
            )
        return out

    def tutored_students(self, context):
        return tutored_student_querysets(context)

    def trends(self, context, periods):
        return request_trends(context, periods)


def tutored_student_querysets(context):
    """The student records tutored in the scope and period (what coverage counts): one
    queryset of student ids with a request created in the period now in progress or closed,
    one of students present at a group session of the period."""
    individual = (
        requests_in_scope(context).filter(state__in=TUTORED).values_list("student_id", flat=True)
    )
    group = GroupSession.attendees.through.objects.filter(
        groupsession__in=group_sessions_in_scope(context)
    ).values_list("studentrecord_id", flat=True)
    return [individual, group]


def request_trends(context, periods):
    """Requests, approval rate, coverage and tutoring sessions per term: six queries for any
    number of terms (grouped by day in the database, summed per term here)."""
    from decimal import Decimal

    from tutoria_cms.academics.models import StudentRecord
    from tutoria_cms.core.evidence import Trend, distinct_by_period, period_span, sum_by_period

    start, end = period_span(periods)
    requests = requests_in_scope(context).filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    decided = Count("pk", filter=Q(state__in=DECIDED))
    approved = Count("pk", filter=Q(state__in=APPROVED))
    by_day = (
        requests.values_list("created_at__date")
        .annotate(n=Count("pk"), decided=decided, approved=approved)
        .order_by()
    )
    totals = sum_by_period(by_day, periods)
    tutored = distinct_by_period(
        requests.filter(state__in=TUTORED)
        .values_list("created_at__date", "student_id")
        .distinct()
        .order_by(),
        periods,
    )
    group_sessions = group_sessions_in_scope(context).filter(date__gte=start, date__lte=end)
    present = distinct_by_period(
        GroupSession.attendees.through.objects.filter(groupsession__in=group_sessions)
        .values_list("groupsession__date", "studentrecord_id")
        .distinct()
        .order_by(),
        periods,
    )
    enrolled = context.in_institution(StudentRecord.objects.all()).count()
    sessions = sum_by_period(
        list(
            sessions_in_scope(context)
            .filter(date__gte=start, date__lte=end)
            .values_list("date")
            .annotate(n=Count("pk"))
            .order_by()
        )
        + list(group_sessions.values_list("date").annotate(n=Count("pk")).order_by()),
        periods,
    )

    def share(part, whole):
        return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None

    requests_values, approval, coverage, session_values = {}, {}, {}, {}
    for period in periods:
        count, decided_count, approved_count = totals.get(period.key, (0, 0, 0))
        requests_values[period.key] = count
        approval[period.key] = share(approved_count, decided_count)
        coverage[period.key] = share(len(tutored[period.key] | present[period.key]), enrolled)
        session_values[period.key] = sessions.get(period.key, [0])[0]
    return [
        Trend(
            "requests",
            _("Requests"),
            requests_values,
            section=SECTION,
            definition=_("Requests created in the term."),
        ),
        Trend(
            "approval_rate",
            _("Approval rate"),
            approval,
            unit=Unit.PERCENT,
            section=SECTION,
            definition=_(
                "Requests of the term approved (including those in progress or "
                "closed) / requests of the term decided (approved, denied, redirected to a "
                "regular class or sent to a schedule change)."
            ),
        ),
        Trend(
            "coverage",
            _("Coverage"),
            coverage,
            unit=Unit.PERCENT,
            section=SECTION,
            definition=_(
                "Students tutored in the term (as for coverage) / students in the academic records."
            ),
        ),
        Trend(
            "tutoring_sessions",
            _("Tutoring sessions"),
            session_values,
            section=SECTION,
            definition=_("Individual and group tutoring sessions held in the term."),
        ),
    ]


def percent(key, label, part, whole, definition):
    from decimal import Decimal

    from tutoria_cms.core.evidence import Indicator

    value = (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None
    return Indicator(
        key=key, label=label, value=value, unit=Unit.PERCENT, section=SECTION, definition=definition
    )


class RequestHistorySource(EvidenceSource):
    key = "request_history"
    title = _("Request history")
    section = SECTION
    order = 51
    as_of_supported = True
    columns = (_("Request id"), _("When"), _("Who"), _("State"), _("Change"))

    def _records(self, context):
        history = TutoringRequest.history.model
        records = requests_in_scope(context, history)
        if context.as_of is not None:
            records = records.filter(history_date__lte=context.as_of_moment)
        return records

    def count(self, context):
        return self._records(context).count()

    def rows(self, context):
        states = dict(RequestState.choices)
        # The change is the action's name, or the reason staff typed for a decision: free
        # text about a student, shown only in identified exports.
        actions = {*TRANSITIONS, "create", "assign_tutor"}
        records = self._records(context).order_by("id", "history_date", "history_id")
        for pk, when, who, state, reason in records.values_list(
            "id", "history_date", "history_user__username", "state", "history_change_reason"
        ).iterator(chunk_size=context.chunk_size):
            if reason and not context.identified and reason not in actions:
                reason = REASON_WITHHELD
            yield pk, when, who or "", states.get(state, state), reason or ""


def sessions_in_scope(context, model=TutoringSession):
    """The individual sessions in scope (``model``: the sessions or their history rows)."""
    sessions = in_institution(model.objects.filter(context.date_q("date")), context)
    if context.scope_path is not None:
        sessions = sessions.filter(request__programme__path__startswith=context.scope_path)
    return sessions


def group_sessions_in_scope(context, model=GroupSession):
    """The group sessions in scope (``model``: the sessions or their history rows)."""
    sessions = in_institution(model.objects.filter(context.date_q("date")), context)
    if context.scope_path is not None:
        sessions = sessions.filter(group__programme__path__startswith=context.scope_path)
    return sessions


def _as_of(records, context, fields):
    """The newest history row at ``context.as_of`` of each record (``fields`` of it), by id."""
    rows = (
        records.filter(history_date__lte=context.as_of_moment)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "history_type", *fields)
    )
    return latest_history(rows.iterator(chunk_size=context.chunk_size))


GROUP_SESSION_FIELDS = ("date", "modality", "duration_minutes", "group__code")


def group_session_rows(context):
    """(date, modality, minutes, group code, students present) of each group session in
    scope; "as of" a date, as recorded then (the attendance from simple-history's snapshots
    of ``attendees``, ``core.history``)."""
    if context.as_of is None:
        yield from (
            group_sessions_in_scope(context)
            .order_by("date", "pk")
            .annotate(present=Count("attendees"))
            .values_list(*GROUP_SESSION_FIELDS, "present")
            .iterator(chunk_size=context.chunk_size)
        )
        return
    from tutoria_cms.core.history import snapshots

    rows = list(
        _as_of(
            group_sessions_in_scope(context, GroupSession.history.model),
            context,
            ("history_id", *GROUP_SESSION_FIELDS),
        )
    )
    present = snapshots(GroupSession, "attendees", [row[0] for row in rows])
    for history_id, *values in rows:
        yield (*values, len(present[history_id]))


class SessionsSource(EvidenceSource):
    key = "tutoring_sessions"
    title = _("Tutoring sessions")
    section = SECTION
    order = 52
    columns = (
        _("Date"),
        _("Attention type"),
        _("Modality"),
        _("Minutes"),
        _("Request id"),
        _("Student"),
        _("Group"),
        _("Students present"),
    )

    as_of_supported = True
    FIELDS = (
        "date",
        "attention_type",
        "modality",
        "duration_minutes",
        "request_id",
        "request__student__student_number",
    )

    def count(self, context):
        if context.as_of is None:
            return sessions_in_scope(context).count() + group_sessions_in_scope(context).count()
        return sum(1 for _row in self._individual(context)) + sum(
            1
            for _row in _as_of(
                group_sessions_in_scope(context, GroupSession.history.model), context, ("id",)
            )
        )

    def _individual(self, context):
        if context.as_of is None:
            return (
                sessions_in_scope(context)
                .order_by("date", "pk")
                .values_list(*self.FIELDS)
                .iterator(chunk_size=context.chunk_size)
            )
        return _as_of(
            sessions_in_scope(context, TutoringSession.history.model), context, self.FIELDS
        )

    def rows(self, context):
        modalities, attention = dict(Modality.choices), dict(AttentionType.choices)
        for date, kind, modality, minutes, request, number in self._individual(context):
            yield (
                date,
                attention.get(kind, kind),
                modalities.get(modality, modality),
                minutes,
                request,
                context.student_id(number),
                "",
                None,
            )
        for date, modality, minutes, code, present in group_session_rows(context):
            yield (
                date,
                attention[AttentionType.GROUP],
                modalities.get(modality, modality),
                minutes,
                None,
                "",
                code,
                present,
            )

    def indicators(self, context):
        out = []
        rows = Counter()
        minutes = Counter()
        for kind, modality, count, total in (
            sessions_in_scope(context)
            .values_list("attention_type", "modality")
            .annotate(n=Count("pk"), m=Sum("duration_minutes"))
            .order_by()
        ):
            rows[(kind, modality)] += count
            minutes[(kind, modality)] += total or 0
        for modality, count, total in (
            group_sessions_in_scope(context)
            .values_list("modality")
            .annotate(n=Count("pk"), m=Sum("duration_minutes"))
            .order_by()
        ):
            rows[(AttentionType.GROUP.value, modality)] += count
            minutes[(AttentionType.GROUP.value, modality)] += total or 0
        from decimal import Decimal

        from tutoria_cms.core.evidence import Indicator

        for kind, kind_label in AttentionType.choices:
            for modality, modality_label in Modality.choices:
                label = f"{kind_label} · {modality_label}"
                out.append(
                    context.count_indicator(
                        f"sessions_{kind}_{modality}",
                        _("Sessions: %(what)s") % {"what": label},
                        rows[(kind, modality)],
                        section=SECTION,
                        definition=_("Tutoring sessions held in the range."),
                        chart="sessions_by_modality",
                        chart_title=_("Sessions by attention type and modality"),
                    )
                )
                out.append(
                    Indicator(
                        key=f"hours_{kind}_{modality}",
                        label=_("Hours: %(what)s") % {"what": label},
                        value=(Decimal(minutes[(kind, modality)]) / 60).quantize(Decimal("0.01")),
                        unit=Unit.HOURS,
                        section=SECTION,
                        definition=_("Sum of the durations of those sessions."),
                    )
                )
        return out


class ReportsSource(EvidenceSource):
    key = "term_reports"
    title = _("End-of-term reports")
    section = SECTION
    order = 53
    columns = (
        _("Report id"),
        _("Term"),
        _("About"),
        _("Outcome"),
        _("Status"),
        _("Sessions"),
        _("Hours"),
    )

    def _reports(self, context):
        reports = in_institution(TermReport.objects.all(), context)
        if context.term is not None:
            reports = reports.filter(term=context.term)
        else:
            reports = reports.filter(context.date_q("term__ends_on"))
        if context.scope_path is not None:
            reports = reports.filter(
                Q(request__programme__path__startswith=context.scope_path)
                | Q(group__programme__path__startswith=context.scope_path)
            )
        return reports

    def count(self, context):
        return self._reports(context).count()

    def rows(self, context):
        from .models import ReportOutcome, ReportStatus

        outcomes, statuses = dict(ReportOutcome.choices), dict(ReportStatus.choices)
        for pk, term, request, outcome, status, summary in (
            self._reports(context)
            .order_by("pk")
            .values_list("pk", "term__code", "request_id", "outcome", "status", "summary")
            .iterator(chunk_size=context.chunk_size)
        ):
            yield (
                pk,
                term,
                _("Tutee") if request else _("Group"),
                outcomes.get(outcome, outcome),
                statuses.get(status, status),
                (summary or {}).get("sessions"),
                (summary or {}).get("hours"),
            )

    def indicators(self, context):
        from .models import ReportOutcome

        counts = dict(
            self._reports(context).values_list("outcome").annotate(n=Count("pk")).order_by()
        )
        return [
            context.count_indicator(
                f"reports_{outcome}",
                _("Reports: %(outcome)s") % {"outcome": label},
                counts.get(outcome, 0),
                section=SECTION,
                definition=_("End-of-term reports of the range with this outcome."),
            )
            for outcome, label in ReportOutcome.choices
        ]


class ReferralsSource(EvidenceSource):
    key = "referrals"
    title = _("Referrals")
    section = SECTION
    order = 54
    columns = (_("Service"), _("Status"), _("Referrals"))

    def _referrals(self, context):
        referrals = in_institution(
            Referral.objects.filter(context.date_q("created_at__date")), context
        )
        if context.scope_path is not None:
            referrals = referrals.filter(request__programme__path__startswith=context.scope_path)
        return referrals

    def _counts(self, context):
        return list(
            self._referrals(context)
            .values_list("service", "status")
            .annotate(n=Count("pk"))
            .order_by("service", "status")
        )

    def count(self, context):
        return len(self._counts(context))

    def rows(self, context):
        statuses = dict(ReferralStatus.choices)
        threshold = context.small_cell_threshold
        for service, status, count in self._counts(context):
            shown = count if count >= threshold else f"< {threshold}"
            yield service, statuses.get(status, status), shown

    def indicators(self, context):
        counts = Counter()
        for _service, status, count in self._counts(context):
            counts[status] += count
        out = [
            context.count_indicator(
                "referrals",
                _("Referrals"),
                sum(counts.values()),
                sensitive=True,
                section=SECTION,
                definition=_(
                    "Referrals to a service in the range (counts under the small-cell "
                    "threshold are suppressed)."
                ),
            )
        ]
        for status, label in ReferralStatus.choices:
            out.append(
                context.count_indicator(
                    f"referrals_{status}",
                    _("Referrals: %(status)s") % {"status": label},
                    counts.get(status, 0),
                    sensitive=True,
                    section=SECTION,
                    definition=_("Referrals in the range now in this status."),
                )
            )
        return out
