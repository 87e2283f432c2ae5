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

from dataclasses import dataclass

EVIDENCE_HOOK = "register_tutoria_evidence"


class Unit:
    COUNT = "count"
    HOURS = "hours"
    PERCENT = "percent"


@dataclass
class Indicator:
    """One figure of the summary sheet and the dashboard.

    ``sensitive`` counts (about reasons for tutoring, health, income...) are suppressed when
    under the small-cell threshold: build them with :meth:`ExportContext.count_indicator`.
    """

    key: str
    label: str
    value: object
    unit: str = Unit.COUNT
    definition: str = ""
    section: str = ""
    sensitive: bool = False
    suppressed: bool = False

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
    (others show current data; the provenance sheet says which is which).
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

    def rows(self, context):
        return iter(())

    def count(self, context):
        """How many rows :meth:`rows` will give (for progress), or None if unknown."""
        return None

    def indicators(self, context):
        return []

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
    student number and returning a list of SubjectSheet (rows may be any iterable of tuples).
    """

    title: str
    columns: tuple
    rows: object
    order: int = 100
