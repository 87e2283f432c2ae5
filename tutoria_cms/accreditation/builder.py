"""Build an evidence workbook: the summary first, each source's sheet, the provenance last.

Everything is streamed (openpyxl write-only mode through :mod:`tutoria_cms.core.xlsx`): memory
does not grow with the number of rows.
"""

import logging
from dataclasses import dataclass, field
from importlib import metadata

from django.utils import formats
from django.utils.translation import gettext as _

from tutoria_cms.core.xlsx import XlsxWriter, naive_local

from .registry import Unit, get_sources

logger = logging.getLogger(__name__)


def software_version():
    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"tutoria-cms {version('tutoria-cms')} (Wagtail {version('wagtail')}, "
        f"Django {version('Django')}, openpyxl {version('openpyxl')})"
    )


def unit_label(unit):
    return {Unit.COUNT: _("count"), Unit.HOURS: _("hours"), Unit.PERCENT: _("%")}.get(unit, unit)


@dataclass
class ExportResult:
    row_counts: dict = field(default_factory=dict)  # sheet title -> rows
    indicators: list = field(default_factory=list)

    @property
    def total_rows(self):
        return sum(self.row_counts.values())


def collect_indicators(context, sources=None):
    sources = get_sources() if sources is None else sources
    indicators = []
    for source in sources:
        for indicator in source.indicators(context):
            indicator.section = indicator.section or str(source.section or source.title)
            indicators.append(indicator)
    return indicators


def expected_rows(context, sources):
    counts = [source.count(context) for source in sources]
    return None if any(c is None for c in counts) else sum(counts)


def is_current(context, indicator):
    """Whether ``indicator`` shows current data in an export "as of" a date."""
    return context.as_of is not None and not indicator.rebuilt_as_of


def current_data_note(context):
    """What a sheet or indicator not rebuilt "as of" the date says about itself."""
    return _("Current data: not rebuilt as of %(date)s.") % {"date": _date_text(context.as_of)}


def summary_note(context):
    """The line above the Summary's header in an export "as of" a date, else ""."""
    if context.as_of is None:
        return ""
    return _(
        "As of %(date)s: each indicator was computed from the records as they stood at the "
        'end of that day, except those whose note begins "Current data" (today\'s values).'
    ) % {"date": _date_text(context.as_of)}


def sensitive_note(context):
    """What a sheet of sensitive counts says about them: the terms they cover and the
    rounding, or that they are withheld."""
    period = context.released_period_text()
    if not period:
        return context.withheld_note()
    return _(
        "Sensitive counts: released only for the whole terms ended in the range, "
        "%(period)s; each randomly rounded to a multiple of 5 (totals on their own: they "
        'may not add up); under %(n)s after rounding shown as "< %(n)s".'
    ) % {"period": period, "n": context.small_cell_threshold}


def sheet_note(context, source):
    """The line above a sheet's header: on a sheet of sensitive counts, how they are
    released; on a sheet showing current data in an export "as of" a date, that it does (a
    rebuilt sheet needs none: the Provenance sheet dates it)."""
    notes = []
    if getattr(source, "sensitive", False):
        notes.append(sensitive_note(context))
    if context.as_of is not None and not source.as_of_supported:
        notes.append(
            current_data_note(context)
            + " "
            + _("This sheet shows the data as it is today, not as it stood on that date.")
        )
    return " ".join(str(note) for note in notes)


def _indicator_rows(context, indicators):
    threshold = context.small_cell_threshold
    for indicator in indicators:
        if indicator.suppressed and indicator.unit == Unit.PERCENT:
            value = _("suppressed")
            note = _("Suppressed: fewer than %(n)s students counted or in the group.") % {
                "n": threshold
            }
        elif indicator.suppressed:
            value = f"< {threshold}"
            note = _("Suppressed: under %(n)s after rounding.") % {"n": threshold}
            note = f"{note} {rounding_note(context)}"
        elif indicator.value is None and indicator.unavailable:
            value = str(indicator.unavailable)
            note = ""
        else:
            value = indicator.value
            note = ""
            if indicator.sensitive and indicator.unit == Unit.PERCENT:
                note = _(
                    "Sensitive: shares of fewer than %(n)s students, or of a group of "
                    "fewer than %(n)s, are suppressed."
                ) % {"n": threshold}
            elif indicator.sensitive:
                note = rounding_note(context)
        if is_current(context, indicator):
            note = f"{current_data_note(context)} {note}".strip()
        yield (
            str(indicator.section),
            str(indicator.label),
            value,
            unit_label(indicator.unit),
            str(indicator.definition),
            note,
            indicator.key,
        )


def rounding_note(context):
    """The note of a sensitive count on the Summary."""
    return _(
        "Sensitive: counted over the whole terms ended in the range only (%(period)s) and "
        "randomly rounded to a multiple of 5."
    ) % {"period": context.released_period_text()}


def _date_text(value):
    return formats.date_format(value, "Y-m-d") if value else ""


def pseudonymisation_note(context):
    if context.identified:
        return _(
            "Identified: student numbers are shown as they are (the person exporting "
            "holds the permission to export identified data)."
        )
    source = {
        "setting": _("the PSEUDONYMISATION_KEY setting"),
        "secret_key": _("a key derived from the site's SECRET_KEY"),
    }.get(context.pseudonymiser.key_source, _("a key given to the export"))
    return _(
        'Pseudonymised: each student number is replaced by "S-" and 12 base32 characters '
        "of its HMAC-SHA256 under a secret key (%(source)s) that is not in this workbook. "
        "The same student has the same pseudonym throughout the workbook (and in every "
        "workbook made with the same key: compare the key fingerprint)."
    ) % {"source": source}


def _provenance_rows(context, sources, result, sheet_titles):
    site = context.site
    yield (
        _("Site"),
        f"{site.site_name or site.hostname} ({site.hostname})" if site else _("All sites"),
    )
    yield (_("Term"), context.term.code if context.term is not None else "")
    yield (_("From"), context.date_from or _("(no start)"))
    yield (_("To"), context.date_to or _("(no end)"))
    yield (
        _("Programme"),
        f"{context.programme.title} ({context.programme.slug})"
        if context.programme is not None
        else _("All programmes"),
    )
    yield (_("As of"), context.as_of or _("(today: current data)"))
    yield (_("Generated at"), naive_local(context.generated_at))
    user = context.user
    yield (
        _("Generated by"),
        user.get_username() if user is not None else _("command line (no user)"),
    )
    yield (_("Software version"), software_version())
    yield (_("Student identifiers"), pseudonymisation_note(context))
    if not context.identified:
        yield (_("Pseudonymisation key fingerprint"), context.pseudonymiser.key_id)
    yield (_("Small-cell threshold"), context.small_cell_threshold)
    yield (
        _("Small-cell rule"),
        _(
            "Counts about sensitive data (such as reasons for asking for tutoring) appear only "
            "as totals, released only for whole terms that have ended and randomly rounded to "
            "a multiple of 5; a total under the threshold after rounding is suppressed (shown "
            'as "< n"). Shares of students about sensitive data (failure, lag, dropout) are '
            "suppressed when the students counted or their group are under the threshold."
        ),
    )
    yield (
        _("Sensitive counts: disclosure control"),
        _(
            "Whole ended terms and consistent random rounding to base 5. Sensitive counts are "
            "computed over the terms lying wholly in the range that have ended (by the "
            '"as of" day, else before today), never over other dates, so that two exports '
            "whose ranges differ by a few days show the same figures. Each is then rounded "
            "to a neighbouring multiple of 5, up with probability (remainder / 5); the draw "
            "is fixed by a keyed hash (HMAC-SHA256 under a key derived from the site's "
            "SECRET_KEY) of the count's identity and true value, so the same count always "
            "reads the same and repeated exports cannot be averaged out. Zero stays zero. "
            "Totals are rounded on their own: cells may not add up to them."
        ),
    )
    yield (
        _("Sensitive counts: terms released"),
        context.released_period_text() or context.withheld_note(),
    )
    for source in sources:
        title = sheet_titles[source.key]
        yield (_("Rows: %(sheet)s") % {"sheet": title}, result.row_counts.get(title, 0))
    for source in sources:
        title = sheet_titles[source.key]
        if context.as_of is None:
            state = _("current data")
        elif source.as_of_supported:
            state = _("as of %(date)s, rebuilt from the change history") % {
                "date": _date_text(context.as_of)
            }
        else:
            state = _("current data (not rebuilt as of %(date)s: marked on the sheet)") % {
                "date": _date_text(context.as_of)
            }
        if context.programme is not None and not source.programme_filtered:
            state += " " + _("(not filtered by programme)")
        yield (_("Data: %(sheet)s") % {"sheet": title}, state)
    if context.as_of is not None:
        rebuilt = [i.key for i in result.indicators if not is_current(context, i)]
        current = [i.key for i in result.indicators if is_current(context, i)]
        yield (
            _("Summary: indicators rebuilt as of %(date)s") % {"date": _date_text(context.as_of)},
            ", ".join(rebuilt) or _("(none)"),
        )
        yield (
            _("Summary: indicators with current data"),
            ", ".join(current) or _("(none)"),
        )


def build_workbook(context, target, sources=None, progress=None):
    """Write the workbook for ``context`` to ``target`` (path or binary file).

    ``progress(done, total)`` is called as rows are written (``total`` may be None).
    """
    sources = get_sources() if sources is None else sources
    result = ExportResult()
    total = expected_rows(context, sources)
    done = 0

    def report(count):
        if progress is not None:
            progress(done + count, total)

    with XlsxWriter(target) as book:
        result.indicators = collect_indicators(context, sources)
        summary = book.sheet(
            _("Summary"),
            [
                _("Section"),
                _("Indicator"),
                _("Value"),
                _("Unit"),
                _("Definition"),
                _("Note"),
                _("Key"),
            ],
            widths=[22, 40, 12, 10, 60, 30, 24],
            note=summary_note(context),
        )
        summary.write_rows(_indicator_rows(context, result.indicators))
        sheet_titles = {}
        for source in sources:
            sheet = book.sheet(
                source.title,
                [str(c) for c in source.columns],
                source.widths,
                note=sheet_note(context, source),
            )
            sheet_titles[source.key] = sheet.title
            sheet.write_rows(source.rows(context), progress=report)
            done += sheet.rows_written
            sheet.close()
            report(0)
        result.row_counts = {
            title: count
            for title, count in book.row_counts.items()
            if title in sheet_titles.values()
        }
        provenance = book.sheet(_("Provenance"), [_("Item"), _("Value")], widths=[36, 100])
        provenance.write_rows(_provenance_rows(context, sources, result, sheet_titles))
    logger.info(
        "Evidence workbook built: %s rows, filters %s, by %s",
        result.total_rows,
        context.filters,
        context.user.get_username() if context.user is not None else "command line",
    )
    return result
