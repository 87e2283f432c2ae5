"""The request workflow's contribution to accreditation workbooks (``register_tutoria_evidence``).

Scope: requests whose programme page lies in the export's site or programme (requests with no
programme count only in exports without a site or programme filter), created in the date
range (a term sets the range). Students are pseudonymised unless the export is identified.

Sheets: requests (kind, state, dates, verdict per article, decision, the regular class a
redirect names; rebuilt from the history table with an "as of" date), request history (every
transition, who and when), tutoring sessions (individual and group; "as of" a date, rebuilt
from the history tables, the students present at a group session from the history of its
attendance; the individual classes' sessions, each with its class's in-person share),
end-of-term reports by outcome, referrals as counts by service and status
(both "as of" a date rebuilt too). The indicators are computed from the same records as the
sheets: "as of" a date, from the rebuilt ones (``Indicator.rebuilt_as_of``).
Confidential details (reason categories, descriptions, session notes, referral reasons)
never appear: reasons and referrals only as counts, over the whole ended terms of the range,
randomly rounded to base 5 and suppressed under the small-cell threshold (accreditation's
``disclosure.py``).
"""

import statistics
from collections import Counter
from typing import NamedTuple

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.choices import AttentionType, Modality, TutoringReason
from tutoria_cms.core.evidence import EvidenceSource, Unit
from tutoria_cms.core.history import rows_as_of

from .models import (
    ClassSession,
    GroupSession,
    IndividualClass,
    Referral,
    ReferralStatus,
    RequestDisclosure,
    RequestKind,
    RequestState,
    TermReport,
    TutoringRequest,
    TutoringSession,
)
from .workflow import TRANSITIONS

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
        history = requests_in_scope(context, TutoringRequest.history.model)
        yield from _as_of(history, context, ("id", *self.FIELDS[1:]))

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
        """Computed from the same records as the sheet: "as of" a date, the requests as
        they stood at the end of that day (rebuilt from the history tables), else now."""
        from tutoria_cms.core.evidence import Indicator

        rebuilt = context.as_of is not None
        records = list(request_records(context))
        out = []
        by_kind = Counter(record.kind for record in records)
        for kind, label in RequestKind.choices:
            out.append(
                context.count_indicator(
                    f"requests_{kind}",
                    _("Requests: %(kind)s") % {"kind": label},
                    by_kind.get(kind, 0),
                    section=SECTION,
                    definition=_("Requests of this kind created in the range."),
                    rebuilt_as_of=rebuilt,
                )
            )
        by_state = Counter(record.state for record in records)
        if rebuilt:
            state_label = _("Requests %(state)s as of the date")
            state_definition = _(
                'Requests created in the range that were in this state at the end of the "as '
                'of" day.'
            )
        else:
            state_label = _("Requests now %(state)s")
            state_definition = _("Requests created in the range that are in this state now.")
        for state, label in RequestState.choices:
            out.append(
                context.count_indicator(
                    f"requests_state_{state}",
                    state_label % {"state": label},
                    by_state.get(state, 0),
                    section=SECTION,
                    definition=state_definition,
                    chart="requests_by_state",
                    chart_title=_("Requests by state"),
                    rebuilt_as_of=rebuilt,
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
                rebuilt_as_of=rebuilt,
            )
        )
        durations = [
            (record.decided_at - record.submitted_at).total_seconds() / 86400
            for record in records
            if record.submitted_at is not None and record.decided_at is not None
        ]
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
                rebuilt_as_of=rebuilt,
            )
        )
        tutored = [record for record in records if record.state in TUTORED]
        students = len({record.student_id for record in tutored})
        tutors = len({r.assigned_tutor_id for r in tutored if r.assigned_tutor_id is not None})
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
                rebuilt_as_of=rebuilt,
            )
        )
        out.append(coverage_indicator(context, tutored))
        # Sensitive: counted over the whole ended terms of the range only (disclosure.py).
        released = context.sensitive_context()
        reasons = None
        if released is not None:
            reasons = Counter()
            released_ids = (
                {record.pk for record in request_records(released)}
                if released.as_of is not None  # only "as of" a date needs the ids
                else set()
            )
            for values in disclosure_reasons(released, released_ids):
                reasons.update(values or ())
        for code, label in TutoringReason.choices:
            out.append(
                context.count_indicator(
                    f"reason_{code}",
                    _("Reason: %(reason)s") % {"reason": label},
                    reasons.get(code, 0) if reasons is not None else None,
                    sensitive=True,
                    section=SECTION,
                    definition=_(
                        "Requests giving this reason (confidential: only counts, over the "
                        "whole ended terms of the range, randomly rounded to a multiple of 5; "
                        "under the small-cell threshold shown as suppressed)."
                    ),
                    chart="reasons",
                    chart_title=_("Reasons by category"),
                    rebuilt_as_of=rebuilt,
                )
            )
        return out

    def tutored_students(self, context):
        return tutored_student_querysets(context)

    def trends(self, context, periods):
        return request_trends(context, periods)


class RequestRecord(NamedTuple):
    pk: int
    kind: str
    state: str
    student_id: int
    submitted_at: object
    decided_at: object
    assigned_tutor_id: object


RECORD_FIELDS = RequestRecord._fields[1:]


def request_records(context):
    """The requests in scope as :class:`RequestRecord`: "as of" a date, as they stood at the
    end of that day (the newest history row of each, ``rows_as_of``), else now."""
    if context.as_of is None:
        rows = (
            requests_in_scope(context)
            .order_by("pk")
            .values_list("pk", *RECORD_FIELDS)
            .iterator(chunk_size=context.chunk_size)
        )
        return (RequestRecord(*row) for row in rows)
    history = requests_in_scope(context, TutoringRequest.history.model)
    rows = _as_of(history, context, ("id", *RECORD_FIELDS))  # "pk" would be the history id
    return (RequestRecord(*row) for row in rows)


def disclosure_reasons(context, request_ids):
    """The reasons (lists of codes) given by the requests in scope whose ids are in
    ``request_ids``: "as of" a date, as recorded then."""
    if context.as_of is None:
        disclosures = RequestDisclosure.objects.filter(
            request__in=requests_in_scope(context).values("pk")
        )
        return disclosures.values_list("reasons", flat=True).iterator()
    requests = requests_in_scope(context, TutoringRequest.history.model).values("id")
    records = RequestDisclosure.history.model.objects.filter(request_id__in=requests)
    wanted = set(request_ids)
    return (
        reasons
        for request_id, reasons in _as_of(records, context, ("request_id", "reasons"))
        if request_id in wanted
    )


def group_attendees(context):
    """The student record ids present at a group session in scope: "as of" a date, from
    simple-history's snapshots of ``attendees`` (``core.history``)."""
    if context.as_of is None:
        return set(
            GroupSession.attendees.through.objects.filter(
                groupsession__in=group_sessions_in_scope(context)
            ).values_list("studentrecord_id", flat=True)
        )
    from tutoria_cms.core.history import snapshots

    history_ids = [
        history_id
        for (history_id,) in _as_of(
            group_sessions_in_scope(context, GroupSession.history.model), context, ("history_id",)
        )
    ]
    present = set()
    for students in snapshots(GroupSession, "attendees", history_ids).values():
        present |= students
    return present


def coverage_indicator(context, tutored):
    """Coverage from ``tutored`` (the :class:`RequestRecord` in progress or closed) and the
    group attendance; "as of" a date, the students in the academic records then."""
    from tutoria_cms.academics.models import StudentRecord

    tutored_count = len({record.student_id for record in tutored} | group_attendees(context))
    if context.as_of is None:
        enrolled = context.in_institution(StudentRecord.objects.all()).count()
    else:
        history = context.in_institution(StudentRecord.history.model.objects.all())
        enrolled = sum(1 for _row in _as_of(history, context, ()))
    return percent(
        "coverage",
        _("Coverage"),
        tutored_count,
        enrolled,
        _(
            "Students tutored (individually: a request in progress or closed; in groups: "
            "present at a group session) / students in the academic records."
        ),
        rebuilt_as_of=context.as_of is not None,
    )


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


def percent(key, label, part, whole, definition, rebuilt_as_of=False):
    from decimal import Decimal

    from tutoria_cms.core.evidence import Indicator

    value = (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None
    return Indicator(
        key=key,
        label=label,
        value=value,
        unit=Unit.PERCENT,
        section=SECTION,
        definition=definition,
        rebuilt_as_of=rebuilt_as_of,
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


def class_sessions_in_scope(context, model=ClassSession):
    """The individual classes' sessions in scope (``model``: the sessions or their history
    rows); with a programme filter, those of classes with a request of the programme."""
    sessions = in_institution(model.objects.filter(context.date_q("date")), context)
    if context.scope_path is not None:
        classes = IndividualClass.objects.filter(
            requests__programme__path__startswith=context.scope_path
        )
        sessions = sessions.filter(individual_class_id__in=classes.values("pk"))
    return sessions


CLASS_SESSION_FIELDS = ("date", "modality", "duration_minutes", "individual_class_id")


def class_session_rows(context):
    """(date, modality, minutes, class id) of each class session in scope; "as of" a date,
    as recorded then."""
    if context.as_of is None:
        return (
            class_sessions_in_scope(context)
            .order_by("date", "pk")
            .values_list(*CLASS_SESSION_FIELDS)
            .iterator(chunk_size=context.chunk_size)
        )
    return _as_of(
        class_sessions_in_scope(context, ClassSession.history.model), context, CLASS_SESSION_FIELDS
    )


def class_shares(rows):
    """The class, and its in-person share from ``rows`` (the class sessions of the sheet), by
    class id: in-person hours recorded against the rule set's minimum (art. 241)."""
    in_person = Counter()
    for _date, modality, minutes, class_id in rows:
        in_person[class_id] += minutes if modality == Modality.IN_PERSON else 0
    shares = {}
    for individual_class in IndividualClass.objects.filter(pk__in=in_person).select_related(
        "site", "term", "component"
    ):
        hours = round(in_person[individual_class.pk] / 60, 2)
        required = individual_class.in_person_hours
        if required is None:
            text = _("%(hours)s h in person (no minimum share set)") % {"hours": f"{hours:g}"}
        else:
            text = _("%(hours)s h of %(required)s h in person (%(share)d%% of %(total)d h)") % {
                "hours": f"{hours:g}",
                "required": f"{required:g}",
                "share": individual_class.rule_set.in_person_share,
                "total": individual_class.component.hours,
            }
        shares[individual_class.pk] = (str(individual_class), str(text))
    return shares


def _as_of(records, context, fields):
    """``fields`` of the newest history row at ``context.as_of`` of each record
    (``core.history.rows_as_of``)."""
    return rows_as_of(records, context.as_of_moment, fields, chunk_size=context.chunk_size)


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
        _("Individual teaching class"),
        _("In-person share of the class"),
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
            return (
                sessions_in_scope(context).count()
                + group_sessions_in_scope(context).count()
                + class_sessions_in_scope(context).count()
            )
        return (
            sum(1 for _row in self._individual(context))
            + sum(
                1
                for _row in _as_of(
                    group_sessions_in_scope(context, GroupSession.history.model), context, ("id",)
                )
            )
            + sum(1 for _row in class_session_rows(context))
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
                "",
                "",
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
                "",
                "",
            )
        # The individual classes' sessions, each with its class's in-person share over the
        # sessions of the sheet (the rule set's minimum: UFOPA 30% of the hours, art. 241).
        rows = list(class_session_rows(context))
        shares = class_shares(rows)
        for date, modality, minutes, class_id in rows:
            label, share = shares.get(class_id, ("", ""))
            yield (
                date,
                _("Individual teaching class"),
                modalities.get(modality, modality),
                minutes,
                None,
                "",
                "",
                None,
                label,
                share,
            )

    def _totals(self, context):
        """(sessions, minutes), Counters by (attention type, modality): "as of" a date, from
        the sessions as recorded then (the same rows as the sheet), else grouped in SQL."""
        rows, minutes = Counter(), Counter()
        group = AttentionType.GROUP.value
        if context.as_of is not None:
            for _date, kind, modality, duration, _request, _number in self._individual(context):
                rows[(kind, modality)] += 1
                minutes[(kind, modality)] += duration or 0
            for _date, modality, duration, _code, _present in group_session_rows(context):
                rows[(group, modality)] += 1
                minutes[(group, modality)] += duration or 0
            return rows, minutes
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
            rows[(group, modality)] += count
            minutes[(group, modality)] += total or 0
        return rows, minutes

    def indicators(self, context):
        out = []
        rows, minutes = self._totals(context)
        rebuilt = context.as_of is not None
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
                        rebuilt_as_of=rebuilt,
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
                        rebuilt_as_of=rebuilt,
                    )
                )
        return out


class ReportsSource(EvidenceSource):
    key = "term_reports"
    title = _("End-of-term reports")
    section = SECTION
    order = 53
    as_of_supported = True
    columns = (
        _("Report id"),
        _("Term"),
        _("About"),
        _("Outcome"),
        _("Status"),
        _("Sessions"),
        _("Hours"),
    )

    FIELDS = ("term__code", "request_id", "outcome", "status", "summary")

    def _reports(self, context, model=TermReport):
        """The reports in scope (``model``: the reports or their history rows)."""
        reports = in_institution(model.objects.all(), context)
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

    def _rows(self, context):
        """(id, *FIELDS) of each report: "as of" a date, as recorded then."""
        if context.as_of is None:
            return (
                self._reports(context)
                .order_by("pk")
                .values_list("pk", *self.FIELDS)
                .iterator(chunk_size=context.chunk_size)
            )
        history = self._reports(context, TermReport.history.model)
        return _as_of(history, context, ("id", *self.FIELDS))

    def count(self, context):
        if context.as_of is None:
            return self._reports(context).count()
        return sum(1 for _row in self._rows(context))

    def rows(self, context):
        from .models import ReportOutcome, ReportStatus

        outcomes, statuses = dict(ReportOutcome.choices), dict(ReportStatus.choices)
        for pk, term, request, outcome, status, summary in self._rows(context):
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

        if context.as_of is None:
            counts = dict(
                self._reports(context).values_list("outcome").annotate(n=Count("pk")).order_by()
            )
        else:
            counts = Counter(row[3] for row in self._rows(context))
        return [
            context.count_indicator(
                f"reports_{outcome}",
                _("Reports: %(outcome)s") % {"outcome": label},
                counts.get(outcome, 0),
                section=SECTION,
                definition=_("End-of-term reports of the range with this outcome."),
                rebuilt_as_of=context.as_of is not None,
            )
            for outcome, label in ReportOutcome.choices
        ]


class ReferralsSource(EvidenceSource):
    key = "referrals"
    title = _("Referrals")
    section = SECTION
    order = 54
    as_of_supported = True
    sensitive = True
    columns = (_("Service"), _("Status"), _("Referrals"))

    def _referrals(self, context, model=Referral):
        """The referrals in scope (``model``: the referrals or their history rows)."""
        referrals = in_institution(
            model.objects.filter(context.date_q("created_at__date")), context
        )
        if context.scope_path is not None:
            referrals = referrals.filter(request__programme__path__startswith=context.scope_path)
        return referrals

    def _counts(self, context):
        """(service id, status, count): "as of" a date, of the referrals as then."""
        if context.as_of is not None:
            history = self._referrals(context, Referral.history.model)
            counts = Counter(_as_of(history, context, ("service", "status")))
            return [(service, status, n) for (service, status), n in counts.items()]
        return list(
            self._referrals(context)
            .values_list("service", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def _released_counts(self, context):
        """The counts over the whole ended terms of the range (sensitive: see
        accreditation's disclosure.py), or None when they are withheld."""
        released = context.sensitive_context()
        return None if released is None else self._counts(released)

    def _rows(self, context):
        """The sheet's rows ((cell, service's name, status, count)), by service name; none
        when the counts are withheld. The service is sensitive: a pseudonymised export counts
        the referrals per service (every status together, "All statuses"); an identified one
        per service and status. ``cell`` names the count for its rounding draw (ids and
        codes: the same in every language)."""
        from .models import ReferralService

        counts = self._released_counts(context) or ()
        names = {
            service.pk: str(service)
            for service in ReferralService.objects.filter(pk__in={row[0] for row in counts})
        }
        statuses = dict(ReferralStatus.choices)
        if not context.identified:
            totals = Counter()
            for service, _status, count in counts:
                totals[service] += count
            rows = [
                (("referrals", service, "all"), names.get(service, ""), str(_("All statuses")), n)
                for service, n in totals.items()
            ]
        else:
            rows = [
                (
                    ("referrals", service, status),
                    names.get(service, ""),
                    str(statuses.get(status, status)),
                    n,
                )
                for service, status, n in counts
            ]
        return sorted(rows, key=lambda row: (row[1], row[2]))

    def count(self, context):
        return len(self._rows(context))

    def rows(self, context):
        for cell, service, status, count in self._rows(context):
            yield service, status, context.release(cell, count)

    def indicators(self, context):
        released = self._released_counts(context)
        counts = Counter()
        for _service, status, count in released or ():
            counts[status] += count
        out = [
            context.count_indicator(
                "referrals",
                _("Referrals"),
                sum(counts.values()) if released is not None else None,
                sensitive=True,
                section=SECTION,
                definition=_(
                    "Referrals to a service in the whole ended terms of the range (randomly "
                    "rounded to a multiple of 5; under the small-cell threshold shown as "
                    "suppressed)."
                ),
                rebuilt_as_of=context.as_of is not None,
            )
        ]
        for status, label in ReferralStatus.choices:
            out.append(
                context.count_indicator(
                    f"referrals_{status}",
                    _("Referrals: %(status)s") % {"status": label},
                    counts.get(status, 0) if released is not None else None,
                    sensitive=True,
                    section=SECTION,
                    definition=_(
                        'Referrals in the range in this status at the end of the "as of" day.'
                    )
                    if context.as_of is not None
                    else _("Referrals in the range now in this status."),
                    rebuilt_as_of=context.as_of is not None,
                )
            )
        return out
