"""The group workshops' contribution to accreditation workbooks (``register_tutoria_evidence``).

Sheets: workshops (sessions, hours, registrations, attendance), their sessions, the attendance
records and the registrations (students pseudonymised unless the export is identified).
Indicators: workshops held, sessions, workshop hours, participants, attendance rate.

Scope: workshops below the export's site or programme that have been published at least once;
a workshop is "held" in the date range when one of its sessions falls in it, and only those
sessions count. Registrations and attendance are history-tracked: with an "as of" date those
two sheets are rebuilt from the history tables; the workshops and sessions sheets (pages) and
the indicators show current data.

Every sheet is a fixed number of queries, whatever the number of rows: ``values_list`` over
``.iterator(chunk_size=...)`` with the related columns joined, counts grouped in the database.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core.evidence import EvidenceSource, Indicator, Unit
from tutoria_cms.core.history import rows_as_of
from tutoria_cms.core.pseudonyms import PREFIX as STUDENT_PREFIX

from .models import (
    Attendance,
    GroupWorkshopPageMixin,
    WorkshopRegistration,
    WorkshopSession,
    get_page_model,
)

SECTION = _("Group workshops")
UNVERIFIED_PREFIX = "U-"
_DAY = datetime.date(2000, 1, 1)


def session_hours(start_time, end_time):
    if not (start_time and end_time) or end_time <= start_time:
        return Decimal("0")
    delta = datetime.datetime.combine(_DAY, end_time) - datetime.datetime.combine(_DAY, start_time)
    return (Decimal(delta.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def rate(part, whole):
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def workshop_pages(context):
    pages = (
        get_page_model()
        .objects.type(GroupWorkshopPageMixin)
        .filter(first_published_at__isnull=False)
    )
    return context.pages_in_scope(pages)


def sessions_in_scope(context):
    """Sessions in the date range of the workshops in scope."""
    sessions = WorkshopSession.objects.filter(page__first_published_at__isnull=False).filter(
        context.date_q("date")
    )
    return context.pages_in_scope(sessions, "page__path")


def held_workshop_ids(context):
    return sessions_in_scope(context).values("page_id")


def attendance_in_scope(context, model=Attendance):
    records = model.objects.filter(session__page__first_published_at__isnull=False).filter(
        context.date_q("session__date")
    )
    return context.pages_in_scope(records, "session__page__path")


def registrations_in_scope(context, model=WorkshopRegistration):
    """Registrations of the held workshops; pending sign-ups (never confirmed) are not
    evidence of anything and are left out."""
    return model.objects.filter(workshop_id__in=held_workshop_ids(context)).exclude(
        status=WorkshopRegistration.Status.PENDING
    )


def unverified_pseudonym(registration_id, pseudonymiser):
    """The pseudonym of a registration whose identity was not verified: derived from the
    registration, never from the number typed, and marked "U-" (not a student's "S-")."""
    pseudonym = pseudonymiser(f"workshop-registration:{registration_id}")
    return UNVERIFIED_PREFIX + pseudonym[len(STUDENT_PREFIX) :]


def registration_pseudonym(registration, pseudonymiser):
    """The pseudonym shown for a registration (the evidence browser's listings)."""
    if registration.identity_verified_at is not None:
        return pseudonymiser(registration.student_number)
    return unverified_pseudonym(registration.pk, pseudonymiser)


def student_column(context, number, registration_id, verified):
    """What the "Student" column shows for a registration.

    The student's pseudonym (or, in an identified export, the number) only for a registration
    whose identity was verified (confirmed from the e-mail on the student's record). Any other
    registration was typed by whoever filled in the public form, maybe someone else's number:
    it gets a pseudonym of its own (:func:`unverified_pseudonym`), so that reading it tells
    nothing about the student whose number was typed and cannot be matched with that
    student's rows elsewhere (see docs/privacy.md). Identified exports show the number.
    """
    if verified:
        return context.student_id(number)
    if context.identified:
        return number
    return unverified_pseudonym(registration_id, context.pseudonymiser)


def _labels(items):
    return ", ".join(str(item) for item in items)


class WorkshopsSource(EvidenceSource):
    key = "workshops"
    title = _("Workshops")
    section = SECTION
    order = 20
    columns = (
        _("Workshop id"),
        _("Workshop"),
        _("Programme"),
        _("Topic"),
        _("Modality"),
        _("Formats"),
        _("Learning pillars"),
        pgettext_lazy("workshop seats", "Capacity"),
        _("Published"),
        _("Sessions"),
        _("Hours"),
        _("Confirmed registrations"),
        _("On the waiting list"),
        _("Cancelled"),
        _("Attendance records"),
        _("Present"),
        _("Attendance rate (%)"),
    )

    def _pages(self, context):
        return workshop_pages(context).filter(pk__in=held_workshop_ids(context))

    def count(self, context):
        return self._pages(context).count()

    def rows(self, context):
        sessions = defaultdict(list)
        for page_id, start, end in sessions_in_scope(context).values_list(
            "page_id", "start_time", "end_time"
        ):
            sessions[page_id].append(session_hours(start, end))
        registrations = defaultdict(dict)
        for workshop_id, status, count in (
            registrations_in_scope(context)
            .values_list("workshop_id", "status")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            registrations[workshop_id][status] = count
        attendance = {
            page_id: (total, present)
            for page_id, total, present in attendance_in_scope(context)
            .values_list("session__page_id")
            .annotate(total=Count("pk"), present=Count("pk", filter=Q(present=True)))
            .order_by()
        }
        pages = list(self._pages(context).order_by("path").specific())
        parents = {
            page.path: page.title
            for page in get_page_model()
            .objects.filter(path__in={page.path[: -page.steplen] for page in pages})
            .only("path", "title")
        }
        status = WorkshopRegistration.Status
        for page in pages:
            hours = sessions.get(page.pk, [])
            counts = registrations.get(page.pk, {})
            total, present = attendance.get(page.pk, (0, 0))
            yield (
                page.pk,
                page.title,
                parents.get(page.path[: -page.steplen], ""),
                page.get_topic_display(),
                page.get_modality_display(),
                _labels(page.format_labels()),
                _labels(page.pillar_labels()),
                page.capacity,
                page.live,
                len(hours),
                sum(hours, Decimal("0")),
                counts.get(status.CONFIRMED, 0),
                counts.get(status.WAITLISTED, 0),
                counts.get(status.CANCELLED, 0),
                total,
                present,
                rate(present, total),
            )

    def indicators(self, context):
        sessions = list(sessions_in_scope(context).values_list("page_id", "start_time", "end_time"))
        totals = attendance_in_scope(context).aggregate(
            total=Count("pk"), present=Count("pk", filter=Q(present=True))
        )
        participants = (
            registrations_in_scope(context)
            .filter(status=WorkshopRegistration.Status.CONFIRMED)
            .values("student_number")
            .distinct()
            .count()
        )
        hours = sum((session_hours(start, end) for _id, start, end in sessions), Decimal("0"))
        return [
            context.count_indicator(
                "workshops_held",
                _("Workshops held"),
                len({row[0] for row in sessions}),
                definition=_("Published workshops with at least one session in the date range."),
            ),
            context.count_indicator(
                "workshop_sessions",
                _("Workshop sessions"),
                len(sessions),
                definition=_("Sessions of those workshops in the date range."),
            ),
            Indicator(
                "workshop_hours",
                _("Workshop hours"),
                hours,
                unit=Unit.HOURS,
                definition=_("Sum of the length (end minus start) of those sessions."),
            ),
            context.count_indicator(
                "workshop_participants",
                _("Workshop participants"),
                participants,
                definition=_(
                    "Different students with a confirmed registration in those workshops."
                ),
            ),
            Indicator(
                "workshop_attendance_rate",
                _("Workshop attendance rate"),
                rate(totals["present"], totals["total"]),
                unit=Unit.PERCENT,
                definition=_(
                    "Attendance records marked present, over all attendance records "
                    "of those sessions, in per cent (empty when none was recorded)."
                ),
            ),
        ]

    def trends(self, context, periods):
        """Workshop sessions and attendance rate per term: two queries for any number of
        terms (grouped by day in the database, summed per term here)."""
        from tutoria_cms.core.evidence import Trend, period_span, sum_by_period

        start, end = period_span(periods)
        sessions = sum_by_period(
            sessions_in_scope(context)
            .filter(date__gte=start, date__lte=end)
            .values_list("date")
            .annotate(n=Count("pk"))
            .order_by(),
            periods,
        )
        attendance = sum_by_period(
            attendance_in_scope(context)
            .filter(session__date__gte=start, session__date__lte=end)
            .values_list("session__date")
            .annotate(total=Count("pk"), present=Count("pk", filter=Q(present=True)))
            .order_by(),
            periods,
        )
        session_values, rates = {}, {}
        for period in periods:
            session_values[period.key] = sessions.get(period.key, [0])[0]
            total, present = attendance.get(period.key, (0, 0))
            rates[period.key] = rate(present, total)
        return [
            Trend(
                "workshop_sessions",
                _("Workshop sessions"),
                session_values,
                section=SECTION,
                definition=_("Sessions of published workshops held in the term."),
            ),
            Trend(
                "workshop_attendance_rate",
                _("Workshop attendance rate"),
                rates,
                unit=Unit.PERCENT,
                section=SECTION,
                definition=_(
                    "Attendance records of the term's sessions marked present, over "
                    "all of them, in per cent."
                ),
            ),
        ]


class SessionsSource(EvidenceSource):
    key = "workshop_sessions"
    title = _("Workshop sessions")
    section = SECTION
    order = 21
    columns = (
        _("Session id"),
        _("Workshop id"),
        _("Workshop"),
        _("Date"),
        _("Start time"),
        _("End time"),
        _("Hours"),
        _("Place"),
        _("Video call"),
        _("Attendance records"),
        _("Present"),
        _("Absent"),
        _("Attendance rate (%)"),
    )

    def count(self, context):
        return sessions_in_scope(context).count()

    def rows(self, context):
        attendance = {
            session_id: (total, present)
            for session_id, total, present in attendance_in_scope(context)
            .values_list("session_id")
            .annotate(total=Count("pk"), present=Count("pk", filter=Q(present=True)))
            .order_by()
        }
        sessions = (
            sessions_in_scope(context)
            .order_by("date", "start_time", "pk")
            .values_list(
                "pk",
                "page_id",
                "page__title",
                "date",
                "start_time",
                "end_time",
                "place",
                "video_url",
            )
        )
        for pk, page_id, title, date, start, end, place, video in sessions.iterator(
            chunk_size=context.chunk_size
        ):
            total, present = attendance.get(pk, (0, 0))
            yield (
                pk,
                page_id,
                title,
                date,
                start,
                end,
                session_hours(start, end),
                place,
                bool(video),
                total,
                present,
                total - present,
                rate(present, total),
            )


class AttendanceSource(EvidenceSource):
    """One row per attendance record. Session columns and pseudonyms are computed once per
    session and per registration (a dict each), so the per-row query fetches four columns and
    pseudonymising costs one HMAC per student, not per row."""

    key = "workshop_attendance"
    title = _("Workshop attendance")
    section = SECTION
    order = 22
    as_of_supported = True
    columns = (
        _("Workshop id"),
        _("Workshop"),
        _("Session id"),
        _("Session date"),
        _("Start time"),
        _("Student"),
        _("Present"),
        _("Recorded at"),
    )
    widths = (12, 40, 11, 13, 11, 18, 9, 18)
    FIELDS = ("session_id", "registration_id", "present", "recorded_at")
    ORDER = ("session__date", "session__start_time", "session_id", "registration_id")

    def count(self, context):
        if context.as_of is not None:
            return None
        return attendance_in_scope(context).count()

    def _records(self, context):
        if context.as_of is None:
            return (
                attendance_in_scope(context)
                .order_by(*self.ORDER)
                .values_list(*self.FIELDS)
                .iterator(chunk_size=context.chunk_size)
            )
        history = attendance_in_scope(context, Attendance.history.model)
        return list(
            rows_as_of(history, context.as_of_moment, self.FIELDS, chunk_size=context.chunk_size)
        )

    def _scope(self, context):
        if context.as_of is None:
            return attendance_in_scope(context)
        return attendance_in_scope(context, Attendance.history.model).filter(
            history_date__lte=context.as_of_moment
        )

    def rows(self, context):
        scope = self._scope(context)
        sessions = {
            row[2]: row
            for row in WorkshopSession.objects.filter(
                pk__in=scope.values("session_id")
            ).values_list("page_id", "page__title", "pk", "date", "start_time")
        }
        students = {
            registration_id: student_column(
                context, number, registration_id, verified_at is not None
            )
            for registration_id, number, verified_at in WorkshopRegistration.objects.filter(
                pk__in=scope.values("registration_id")
            )
            .values_list("pk", "student_number", "identity_verified_at")
            .iterator(chunk_size=context.chunk_size)
        }
        records = self._records(context)
        if context.as_of is not None:

            def order(row):
                session = sessions[row[0]]
                return (session[3], session[4], row[0], row[1])

            records = sorted(records, key=order)
        for session_id, registration_id, present, recorded in records:
            yield (*sessions[session_id], students.get(registration_id, ""), present, recorded)


class RegistrationsSource(EvidenceSource):
    key = "workshop_registrations"
    title = _("Workshop registrations")
    section = SECTION
    order = 23
    as_of_supported = True
    columns = (_("Workshop id"), _("Workshop"), _("Student"), _("Status"), _("Signed up at"))
    widths = (12, 40, 18, 22, 18)
    FIELDS = (
        "workshop_id",
        "workshop__title",
        "student_number",
        "status",
        "created_at",
        "pk",
        "identity_verified_at",
    )

    def count(self, context):
        if context.as_of is not None:
            return None
        return registrations_in_scope(context).count()

    def _records(self, context):
        if context.as_of is None:
            return (
                registrations_in_scope(context)
                .order_by("workshop_id", "created_at", "pk")
                .values_list(*self.FIELDS)
                .iterator(chunk_size=context.chunk_size)
            )
        history = registrations_in_scope(context, WorkshopRegistration.history.model)
        fields = (*self.FIELDS[:5], "id", "identity_verified_at")
        rows = list(
            rows_as_of(history, context.as_of_moment, fields, chunk_size=context.chunk_size)
        )
        rows.sort(key=lambda row: (row[0], row[4]))
        return rows

    def rows(self, context):
        labels = dict(WorkshopRegistration.Status.choices)
        for workshop_id, title, number, status, created, pk, verified_at in self._records(context):
            student = student_column(context, number, pk, verified_at is not None)
            yield (workshop_id, title, student, str(labels.get(status, status)), created)
