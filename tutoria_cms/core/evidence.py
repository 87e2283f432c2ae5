"""The evidence protocol: what an app contributes to accreditation workbooks.

An app contributes through the ``register_tutoria_evidence`` Wagtail hook, from its own
``wagtail_hooks.py``; the hook function returns an :class:`EvidenceSource` or a list of them::

    @hooks.register("register_tutoria_evidence")
    def workshop_evidence():
        from .evidence import WorkshopsSource, AttendanceSource
        return [WorkshopsSource(), AttendanceSource()]

The protocol lives in core so that a domain app depends on core only: it works without the
accreditation app (then nobody asks for its sheets), and accreditation imports no domain app.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

EVIDENCE_HOOK = "register_tutoria_evidence"


class Unit:
    COUNT = "count"
    HOURS = "hours"
    PERCENT = "percent"


@dataclass
class Indicator:
    """One figure of the summary sheet and the dashboard.

    ``sensitive`` counts (about reasons for tutoring, health, income...) are counted over
    the whole ended terms of the range only, randomly rounded to base 5 and suppressed when
    under the small-cell threshold: count them over
    :meth:`ExportContext.sensitive_context` and build them with
    :meth:`ExportContext.count_indicator` (shares of a group:
    :meth:`ExportContext.share_indicator`).

    ``unavailable``: why there is no value (shown instead of it), when the data needed is not
    recorded at all, so that a missing figure never reads as zero.
    ``chart`` and ``chart_title``: indicators with the same ``chart`` key are drawn together
    on the indicators page (e.g. "requests by state"); the others are drawn by unit.
    ``rebuilt_as_of``: in an export "as of" a date, the value was computed from the records
    as they stood at the end of that day (rebuilt from the history tables, as the sheets of
    sources with ``as_of_supported``). An indicator that leaves it False is current data:
    the Summary and the Provenance sheet say so.
    """

    key: str
    label: str
    value: object
    unit: str = Unit.COUNT
    definition: str = ""
    section: str = ""
    sensitive: bool = False
    suppressed: bool = False
    unavailable: str = ""
    chart: str = ""
    chart_title: str = ""
    rebuilt_as_of: bool = False

    @property
    def display_value(self):
        return None if self.suppressed else self.value


class EvidenceSource:
    """One sheet of the workbook (and, optionally, some indicators).

    Subclasses set ``key`` (unique, stable), ``title`` (translated sheet title), ``columns``
    (translated headers) and implement :meth:`rows`, a generator of tuples that streams over
    ``.iterator(chunk_size=...)`` querysets with related data prefetched (a fixed number of
    queries whatever the number of rows). ``order`` places the sheet among the others.

    ``as_of_supported``: the sheet is rebuilt from the history tables as of ``context.as_of``
    (others show current data: the sheet itself says so on a line above its header, and the
    provenance sheet says which is which). Its indicators say whether they were rebuilt
    with :attr:`Indicator.rebuilt_as_of`.
    ``programme_filtered``: the programme filter applies to the sheet.
    """

    key = ""
    title = ""
    section = ""
    columns = ()
    widths = None
    order = 100
    as_of_supported = False
    programme_filtered = True
    # A sheet of sensitive counts: its rows come from ``context.sensitive_context()`` and
    # show ``context.release(...)``; the workbook notes the method above its header.
    sensitive = False

    def rows(self, context):
        return iter(())

    def count(self, context):
        """How many rows :meth:`rows` will give (for progress), or None if unknown."""
        return None

    def indicators(self, context):
        return []

    def charts(self, context):
        """Charts beyond indicators (e.g. a :class:`HeatMap`) for the indicators page."""
        return []

    def trends(self, context, periods):
        """:class:`Trend` series over ``periods`` (a list of :class:`Period`, oldest first)
        for the scope of ``context`` (its dates are ignored). Compute every period at once (a
        fixed number of queries, see :func:`sum_by_period`), never one period at a time."""
        return []

    def tutored_students(self, context):
        """Querysets of the primary keys of the student records tutored in the scope and
        period of ``context`` (one column each, no NULL), or None when the app records no
        tutoring. Other apps compare outcomes of tutored and other students with them, in
        the database (``student__in=queryset``)."""
        return None

    def find_programme(self, slug, site):
        """A programme page with this slug (below ``site``'s root if given), or None.

        Only the app that owns programme pages answers; the others return None.
        """
        return None


# Subject access -------------------------------------------------------------------------------

SUBJECT_DATA_HOOK = "register_tutoria_subject_data"


@dataclass
class SubjectSheet:
    """One sheet of a student's subject-access workbook: everything an app holds about them.

    Apps contribute through the ``register_tutoria_subject_data`` hook: a function taking a
    student number, the user exporting and the keyword ``confidential`` (whether the
    confidential texts (disclosures, private notes, referral reasons) go in; when False they
    are replaced by :data:`WITHHELD`; an app that writes them logs the read), returning a
    list of SubjectSheet (rows may be any iterable of tuples). The hook function declares the
    models it covers with :func:`covers` (a test fails when a model referring to a student
    is covered by none).

    The student's own area ("My data", ``tutoria_cms.students.my_data``) calls the hook
    functions declared with :func:`answers_for_record` with the keyword ``record`` (the
    student's ``StudentRecord``), ``user`` their own account and ``confidential=False``: each
    returns only what it holds about that record, in that record's institution (the same
    student number in another institution is another student), whatever ``user`` may reach.
    """

    title: str
    columns: tuple
    rows: object
    order: int = 100


# What a subject-access workbook shows instead of a confidential text it may not include.
WITHHELD = _("[withheld: confidential]")


def covers(*models):
    """Declare the models (``"app_label.ModelName"``) whose rows about the student a
    subject-data hook function writes: ``@covers("tutoria_requests.TutoringRequest")``."""

    def decorate(function):
        function.subject_models = frozenset(models)
        return function

    return decorate


def answers_for_record(function):
    """Declare that a subject-data hook function understands the keyword ``record`` (see
    :class:`SubjectSheet`). The student's own area asks only the hook functions so declared:
    one that ignored ``record`` could answer for the number in every institution."""
    function.answers_for_record = True
    return function


def covered_models():
    """Every model some installed app's subject-data hook declares it covers."""
    from wagtail import hooks

    return frozenset().union(
        *(getattr(hook, "subject_models", ()) for hook in hooks.get_hooks(SUBJECT_DATA_HOOK))
    )


# Trends over terms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One point of a trend: a term (``key`` its code) and its dates (both included)."""

    key: str
    label: str
    start: datetime.date
    end: datetime.date

    def __contains__(self, day):
        return day is not None and self.start <= day <= self.end


def period_span(periods):
    """(first day, last day) covered by ``periods``: bound the queries with it."""
    return min(p.start for p in periods), max(p.end for p in periods)


def sum_by_period(rows, periods):
    """``rows``: (day, number, number, ...) as grouped by day in the database. Returns
    {period key: [sums]}: each day counts in every period containing it (terms may overlap)."""
    sums = {}
    for day, *numbers in rows:
        for period in periods:
            if day in period:
                current = sums.setdefault(period.key, [0] * len(numbers))
                for index, number in enumerate(numbers):
                    current[index] += number or 0
    return sums


def distinct_by_period(rows, periods):
    """``rows``: distinct (day, identifier) pairs. Returns {period key: set of identifiers}."""
    found = {period.key: set() for period in periods}
    for day, identifier in rows:
        for period in periods:
            if day in period:
                found[period.key].add(identifier)
    return found


@dataclass
class Trend:
    """An indicator over terms: ``values`` maps a period key to a value (None: no data)."""

    key: str
    label: str
    values: dict
    unit: str = Unit.COUNT
    definition: str = ""
    section: str = ""


# Charts --------------------------------------------------------------------------------------


@dataclass
class HeatMapRow:
    label: str
    values: list  # one per column; None: no value
    group: str = ""  # rows of the same group are drawn under its heading
    summary: object = None  # e.g. the row's average


@dataclass
class HeatMap:
    """A table of values drawn as coloured cells with the value written in each.

    ``scale``: (value, label) steps from the lowest to the highest, for the legend and the
    colours; ``summary_label`` names the extra column of row summaries (e.g. "Average").
    """

    key: str
    title: str
    description: str
    row_header: str
    columns: list
    rows: list = field(default_factory=list)
    scale: list = field(default_factory=list)
    summary_label: str = ""
    column_summary_label: str = ""
    column_summaries: list = field(default_factory=list)
    note: str = ""
    section: str = ""
    empty_text: str = ""
