"""A streaming, safe .xlsx writer over openpyxl's write-only mode (DESIGN.md section 7).

    with XlsxWriter(path_or_file) as book:
        sheet = book.sheet(_("Workshops"), ["Id", "Title", "Date"])
        sheet.write_rows(rows)          # any iterable of tuples, streamed
    book.row_counts                     # {"Workshops": n, ...}

What it guarantees, whatever the data:

- every ``str`` is written as text: a value such as ``=HYPERLINK(...)``, ``+1-2`` or ``#N/A``
  stays literal (openpyxl would type the first as a formula and the last as an error);
- control characters (which make openpyxl raise ``IllegalCharacterError``) are replaced by
  U+FFFD; text longer than Excel's 32,767 characters is cut and marked as cut;
- dates are dates; datetimes are written as naive local time (openpyxl refuses aware ones);
  lazy translation strings and other objects become text;
- a styled, frozen header row, an autofilter over the written range, column widths from the
  header and the first rows, and a valid, unique sheet title (at most 31 characters, none of
  ``[]:*?/\\``, not starting or ending with an apostrophe).

Memory stays flat: only the first ``width_sample`` rows of a sheet are held (to size the
columns, which write-only mode must know before the first row); the rest go straight to the
file. Unstyled cells are passed to openpyxl as plain values (openpyxl reuses one cell object
for them); only text that openpyxl would mistype gets its own ``WriteOnlyCell`` forced to
``data_type = "s"``.
"""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

MAX_CELL_LENGTH = 32_767
MAX_TITLE_LENGTH = 31
REPLACEMENT = "\ufffd"
INVALID_TITLE_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 6, 60

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
NOTE_FONT = Font(bold=True, color="9C0006")

# Types written as they are (openpyxl types them correctly).
_PLAIN = frozenset({int, float, bool, Decimal, type(None)})
TIME_FORMAT = "hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_FORMATS = {
    datetime.date: DATE_FORMAT,
    datetime.datetime: DATETIME_FORMAT,
    datetime.time: TIME_FORMAT,
}
_ERROR_CODES = frozenset(ERROR_CODES)


def truncation_mark():
    return " " + gettext("[cut: too long for a spreadsheet cell]")


def clean_text(value, mark=None):
    """``value`` without control characters and cut (marked) to what a cell holds."""
    if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    if len(value) > MAX_CELL_LENGTH:
        mark = truncation_mark() if mark is None else mark
        value = value[: MAX_CELL_LENGTH - len(mark)] + mark
    return value


def naive_local(value):
    """A datetime as naive local time (the current time zone), as spreadsheets expect."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def safe_sheet_title(title, taken=()):
    """A valid sheet title from ``title``, unique (case-insensitively) among ``taken``."""
    title = clean_text(str(title), mark="")
    title = INVALID_TITLE_CHARACTERS.sub("-", title).strip().strip("'").strip() or "Sheet"
    title = title[:MAX_TITLE_LENGTH].strip()
    taken_lower = {t.lower() for t in taken}
    candidate, number = title, 1
    while candidate.lower() in taken_lower:
        number += 1
        suffix = f" ({number})"
        candidate = title[: MAX_TITLE_LENGTH - len(suffix)].rstrip() + suffix
    return candidate


def _display_length(value):
    if value is None:
        return 0
    if isinstance(value, Cell):
        value = value.value
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


class SheetWriter:
    """One worksheet being streamed. Made by :meth:`XlsxWriter.sheet`."""

    def __init__(self, book, title, headers, widths=None, width_sample=50, note=""):
        self.book = book
        # A line of text above the header (e.g. "current data, not as of the date").
        self.note = clean_text(str(note)) if note else ""
        self.header_row = 2 if self.note else 1
        self.title = title
        self.headers = [clean_text(str(h)) for h in headers]
        self.widths = dict(enumerate(widths or [], 1))
        self.width_sample = width_sample
        self.worksheet = book.workbook.create_sheet(title)
        # Rows reach openpyxl already cleaned and typed: a leaner conversion than openpyxl's
        # (which re-checks every string and raises, then catches, a ValueError for every
        # cell object it is given). openpyxl 3.1's write-only sheet looks it up per instance.
        self.worksheet._values_to_row = self._values_to_row
        self.rows_written = 0
        self._buffer = []
        self._started = False
        self._closed = False
        self._mark = book.mark
        self._time_cells = {}
        self._zone = timezone.get_current_timezone()

    # Values --------------------------------------------------------------------------------

    def _text_cell(self, value):
        cell = WriteOnlyCell(self.worksheet)
        cell._value = value
        cell.data_type = "s"
        return cell

    def _values_to_row(self, values, row_index):
        worksheet = self.worksheet
        cell = WriteOnlyCell(worksheet)
        for column, value in enumerate(values, 1):
            kind = type(value)
            if kind is str:
                cell._value = value
                cell.data_type = "s"
                current = cell
            elif kind is int or kind is float or kind is Decimal:
                cell._value = value
                cell.data_type = "n"
                current = cell
            elif value is None:
                continue
            elif isinstance(value, Cell):
                current = value
            else:
                cell.value = value  # bool and anything else: openpyxl types it
                current = cell
            current.column = column
            current.row = row_index
            yield current
            if current is cell and cell.has_style:
                cell = WriteOnlyCell(worksheet)

    def _dated_cell(self, value, column):
        """A cell with the date, datetime or time number format for ``value``.

        Once the header is written, these styled cells are reused column by column (openpyxl
        writes each cell as soon as its row is appended): one cell object and one style
        lookup per column instead of per row, which is what makes dated columns cheap.
        """
        kind = type(value)
        if column is None:
            cell = WriteOnlyCell(self.worksheet, value)
            cell.number_format = _FORMATS[kind]
            return cell
        cell = self._time_cells.get((column, kind))
        if cell is None:
            cell = self._time_cells[(column, kind)] = WriteOnlyCell(self.worksheet, value)
            cell.number_format = _FORMATS[kind]
        cell._value = value
        return cell

    def clean_value(self, value, column=None):
        kind = type(value)
        if kind is str:
            value = clean_text(value, self._mark)
            if value[:1] == "=" or (value[:1] == "#" and value in _ERROR_CODES):
                return self._text_cell(value)
            return value
        if kind in _PLAIN:
            return value
        if kind is datetime.datetime:
            if value.tzinfo is not None:
                value = value.astimezone(self._zone).replace(tzinfo=None)
            return self._dated_cell(value, column)
        if kind is datetime.date:
            return self._dated_cell(value, column)
        if kind is datetime.time:
            # openpyxl's default time format shows seconds (and AM/PM in some programs).
            value = value.replace(tzinfo=None) if value.tzinfo is not None else value
            return self._dated_cell(value, column)
        if isinstance(value, datetime.datetime):
            value = naive_local(value)
            return self._dated_cell(datetime.datetime.combine(value.date(), value.time()), column)
        if isinstance(value, datetime.date):
            return self._dated_cell(datetime.date(value.year, value.month, value.day), column)
        if isinstance(value, int | float | Decimal):
            return value
        return self.clean_value(str(value))

    def clean_row(self, row):
        clean = self.clean_value
        plain = _PLAIN
        return [
            value if type(value) in plain else clean(value, column)
            for column, value in enumerate(row)
        ]

    # Writing -------------------------------------------------------------------------------

    def _start(self):
        worksheet = self.worksheet
        sample = self._buffer
        for index, header in enumerate(self.headers, 1):
            width = self.widths.get(index)
            if width is None:
                longest = max(
                    [len(header)]
                    + [_display_length(row[index - 1]) for row in sample if len(row) >= index]
                )
                width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = f"A{self.header_row + 1}"
        if self.note:
            note = self._text_cell(self.note)
            note.font = NOTE_FONT
            worksheet.append([note])
        header_cells = []
        for header in self.headers:
            cell = self._text_cell(header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
            cell.alignment = HEADER_ALIGNMENT
            header_cells.append(cell)
        worksheet.append(header_cells)
        self._started = True
        append = worksheet.append
        for row in sample:
            append(row)
        self._buffer = None

    def write_row(self, row):
        self.rows_written += 1
        if self._started:
            self.worksheet.append(self.clean_row(row))
            return
        # Held rows get cells of their own (no reuse: they are written later).
        self._buffer.append([self.clean_value(value) for value in row])
        if len(self._buffer) >= self.width_sample:
            self._start()

    def write_rows(self, rows, progress=None, every=1000):
        """Stream ``rows``; ``progress(n)`` is called every ``every`` rows with the count."""
        clean_row = self.clean_row
        for row in rows:
            if self._started:
                self.worksheet.append(clean_row(row))
                self.rows_written += 1
                if progress is not None and not self.rows_written % every:
                    progress(self.rows_written)
            else:
                self.write_row(row)
        return self.rows_written

    def close(self):
        if self._closed:
            return
        if not self._started:
            self._start()
        last_column = get_column_letter(max(len(self.headers), 1))
        first, last = self.header_row, self.header_row + self.rows_written
        self.worksheet.auto_filter.ref = f"A{first}:{last_column}{last}"
        self._closed = True
        self.book.row_counts[self.title] = self.rows_written


class XlsxWriter:
    """A write-only workbook whose sheets are written one after the other."""

    def __init__(self, target):
        self.target = target
        self.workbook = Workbook(write_only=True)
        self.row_counts = {}
        self.mark = truncation_mark()
        self._current = None

    def sheet(self, title, headers, widths=None, width_sample=50, note=""):
        """A new sheet (the previous one is closed); ``note``: a line above the header."""
        if self._current is not None:
            self._current.close()
        title = safe_sheet_title(title, [ws.title for ws in self.workbook.worksheets])
        self._current = SheetWriter(self, title, headers, widths, width_sample, note)
        return self._current

    def save(self):
        if self._current is not None:
            self._current.close()
            self._current = None
        self.workbook.save(self.target)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.save()
        return False
