"""Read academic records exported by the academic system (CSV or XLSX), safely.

Nothing here writes to the database: :func:`read_file` turns a file into tables of rows,
:func:`parse` validates every row and returns records plus every error with its sheet, row
number and reason. ``services.import_academics`` applies a parse that has no error, all or
nothing.

Guards: files over ``IMPORT_MAX_BYTES`` are refused before parsing; an .xlsx must be a real
zip whose uncompressed size stays under ``IMPORT_MAX_UNCOMPRESSED_BYTES`` (zip bombs), and
only its first ``MAX_COLUMNS`` columns are read, whatever size its sheets claim; formulas are
refused, never evaluated; at most ``IMPORT_MAX_ROWS`` rows; numbers within the columns'
bounds; student numbers match ``STUDENT_NUMBER_PATTERN``. Whatever the bytes, the only
exception raised is :class:`ImportRefused`.
"""

import csv
import dataclasses
import datetime
import io
import re
import zipfile

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.text import clean_text

KIND_LABELS = {
    "terms": gettext_lazy("terms"),
    "components": gettext_lazy("curricular components"),
    "students": gettext_lazy("students"),
    "failures": gettext_lazy("failures per component"),
    "standings": gettext_lazy("term outcomes"),
}
# Required and optional columns of each kind of table.
COLUMNS = {
    "terms": ({"code", "name", "starts_on", "ends_on", "kind"}, set()),
    "components": ({"code", "name", "hours", "mandatory", "activity"}, {"equivalents"}),
    "students": (
        {"student_number", "name", "curriculum_hours", "completed_hours"},
        {"email", "programme", "regular", "special_need", "date_of_birth"},
    ),
    "failures": (
        {"student_number", "component", "failures_by_absence", "failures_by_grade"},
        set(),
    ),
    "standings": (
        {"student_number", "term", "failed_components", "lagging", "dropped_out"},
        set(),
    ),
}
# Sheet names understood in an .xlsx, in English, Spanish and Portuguese.
SHEET_NAMES = {
    "terms": "terms",
    "periodos": "terms",
    "períodos": "terms",
    "components": "components",
    "asignaturas": "components",
    "componentes": "components",
    "students": "students",
    "alumnos": "students",
    "estudiantes": "students",
    "discentes": "students",
    "failures": "failures",
    "reprobaciones": "failures",
    "reprovações": "failures",
    "reprovacoes": "failures",
    "standings": "standings",
    "term outcomes": "standings",
    "situación escolar": "standings",
    "situacion escolar": "standings",
    "situação acadêmica": "standings",
    "situacao academica": "standings",
}
APPLY_ORDER = ("terms", "components", "students", "failures", "standings")
# The widest table has 9 columns: further columns of a workbook are never read.
MAX_COLUMNS = 100
# Bounds of the numbers (the database columns hold them; nothing real comes near).
MAX_HOURS = 100_000
MAX_FAILURES = 999
TRUE = {"1", "true", "yes", "y", "x", "si", "sí", "s", "sim", "verdadero", "verdadeiro"}
FALSE = {"0", "false", "no", "n", "não", "nao", "falso", ""}


@dataclasses.dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    message: str

    def __str__(self):
        if self.row is None:
            return f"{self.sheet}: {self.message}"
        return _("%(sheet)s, row %(row)d: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file was refused; ``errors`` says why (every bad row, with its number)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors[:5]))


@dataclasses.dataclass
class Table:
    kind: str
    sheet: str
    rows: list  # [(row_number, {column: value})]


@dataclasses.dataclass
class Parsed:
    records: dict  # kind -> [(row_number, dict)]
    errors: list

    def count(self, kind):
        return len(self.records.get(kind, []))


# -- reading ------------------------------------------------------------------------------


XLSX_SIGNATURE = b"PK\x03\x04"


def real_suffix(data):
    """The extension a file read by ``read_file`` is stored under: what it is, not what it was
    called (a workbook named ``records.html`` is ``.xlsx``; anything else it read is CSV)."""
    return ".xlsx" if data[:4] == XLSX_SIGNATURE else ".csv"


def read_file(name, data):
    """Tables of raw rows from a CSV or XLSX file (bytes); raises ImportRefused."""
    limit = tutoria_settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportRefused(
            [
                RowError(
                    name,
                    None,
                    _("The file is too large (%(size)s bytes; the limit is %(limit)s bytes).")
                    % {"size": len(data), "limit": limit},
                )
            ]
        )
    if not data.strip():
        raise ImportRefused([RowError(name, None, _("The file is empty."))])
    lowered = name.lower()
    if lowered.endswith(".xlsx") or data[:4] == XLSX_SIGNATURE:
        return read_xlsx(name, data)
    if lowered.endswith((".csv", ".txt")):
        return [read_csv(name, data)]
    raise ImportRefused(
        [
            RowError(
                name,
                None,
                _(
                    "Unsupported file type: upload a .csv or .xlsx file exported by the "
                    "academic system."
                ),
            )
        ]
    )


def normalise_header(value):
    return clean_text(str(value or ""), required=False, max_length=100).lower().replace(" ", "_")


def detect_kind(headers):
    present = set(headers)
    for kind in APPLY_ORDER:
        required, _optional = COLUMNS[kind]
        if required <= present:
            return kind
    return None


def header_error(sheet, headers):
    expected = "; ".join(
        f"{KIND_LABELS[kind]}: {', '.join(sorted(COLUMNS[kind][0]))}" for kind in APPLY_ORDER
    )
    return RowError(
        sheet,
        1,
        _("The columns (%(found)s) do not match any kind of table. Expected columns: %(expected)s.")
        % {"found": ", ".join(headers) or "-", "expected": expected},
    )


def build_table(sheet, header_row, data_rows, kind=None, header_number=1):
    headers = []
    for column, value in enumerate(header_row, start=1):
        try:
            headers.append(normalise_header(value))
        except ValidationError as exc:
            raise ImportRefused(
                [
                    RowError(
                        sheet,
                        header_number,
                        _("Column %(column)d has an invalid name: %(error)s")
                        % {"column": column, "error": " ".join(exc.messages)},
                    )
                ]
            ) from None
    kind = kind or detect_kind(headers)
    if kind is None:
        raise ImportRefused([header_error(sheet, headers)])
    required, optional = COLUMNS[kind]
    missing = required - set(headers)
    if missing:
        raise ImportRefused(
            [
                RowError(
                    sheet,
                    1,
                    _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))},
                )
            ]
        )
    known = required | optional
    rows = []
    for number, values in data_rows:
        if all(value in (None, "") for value in values):
            continue
        rows.append((number, {h: v for h, v in zip(headers, values, strict=False) if h in known}))
    return Table(kind=kind, sheet=sheet, rows=rows)


def check_row_count(sheet, count):
    if count > tutoria_settings.IMPORT_MAX_ROWS:
        raise ImportRefused(
            [
                RowError(
                    sheet,
                    None,
                    _("Too many rows (more than %(limit)d); split the file.")
                    % {"limit": tutoria_settings.IMPORT_MAX_ROWS},
                )
            ]
        )


def read_csv(name, data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [RowError(name, None, _("The file is not UTF-8 text. Export it again as “CSV UTF-8”."))]
        ) from None
    if "\x00" in text:
        raise ImportRefused([RowError(name, None, _("The file contains NUL characters."))])
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Rows are numbered as a spreadsheet shows them (the header is row 1), not by line: a
    # quoted value may span several lines.
    rows = []
    try:
        header = next(reader, None)
        if header is None:  # nothing but a byte-order mark
            raise ImportRefused([RowError(name, None, _("The file is empty."))])
        for number, values in enumerate(reader, start=2):
            check_row_count(name, len(rows) + 1)
            rows.append((number, values))
    except csv.Error as exc:
        raise ImportRefused(
            [
                RowError(
                    name,
                    len(rows) + 2,
                    _("The CSV file is malformed (%(error)s).") % {"error": exc},
                )
            ]
        ) from None
    return build_table(name, header, rows)


def read_xlsx(name, data):  # noqa: C901 -- one guard per way a hostile workbook can lie (dimension, members, zip bomb)
    from openpyxl import load_workbook

    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            names = {member.filename for member in members}
    except zipfile.BadZipFile:
        raise ImportRefused(
            [RowError(name, None, _("The file is not a valid .xlsx workbook."))]
        ) from None
    if total > tutoria_settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            [
                RowError(
                    name,
                    None,
                    _(
                        "The workbook expands to %(size)s bytes when opened, over the limit of "
                        "%(limit)s bytes; it may be damaged or malicious."
                    )
                    % {"size": total, "limit": tutoria_settings.IMPORT_MAX_UNCOMPRESSED_BYTES},
                )
            ]
        )
    if "xl/workbook.xml" not in names:
        raise ImportRefused([RowError(name, None, _("The file is not a valid .xlsx workbook."))])
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise ImportRefused(
            [
                RowError(
                    name,
                    None,
                    _("The workbook could not be read (%(error)s).")
                    % {"error": exc.__class__.__name__},
                )
            ]
        ) from None
    tables, errors = [], []
    try:
        for sheet in workbook.worksheets:
            kind = SHEET_NAMES.get(sheet.title.strip().lower())
            rows = []
            header = header_number = None
            # The declared size of a sheet is not trusted (a few bytes can claim 16,384
            # columns): only the first MAX_COLUMNS columns are read.
            sheet.reset_dimensions()
            for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                values = []
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        errors.append(
                            RowError(
                                sheet.title,
                                number,
                                _("A cell contains a formula; export values only."),
                            )
                        )
                        values.append(None)
                    else:
                        values.append(cell.value)
                if header is None:
                    if any(value not in (None, "") for value in values):
                        header, header_number = values, number
                    continue
                check_row_count(sheet.title, len(rows) + 1)
                rows.append((number, values))
            if header is None:
                continue
            tables.append(
                build_table(sheet.title, header, rows, kind=kind, header_number=header_number)
            )
    except ImportRefused:
        raise
    except Exception as exc:  # a damaged sheet, read lazily: bad XML, CRC, missing strings
        raise ImportRefused(
            [
                RowError(
                    name,
                    None,
                    _("The workbook could not be read (%(error)s).")
                    % {"error": exc.__class__.__name__},
                )
            ]
        ) from None
    finally:
        workbook.close()
    if errors:
        raise ImportRefused(errors)
    if not tables:
        raise ImportRefused([RowError(name, None, _("The workbook has no data."))])
    return tables


# -- validating -----------------------------------------------------------------------------


def text(value, *, required=True, max_length=200):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text("" if value is None else str(value), required=required, max_length=max_length)


def boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    lowered = text(value, required=False).lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": value})


def whole_number(value, *, minimum=0, maximum=MAX_HOURS):
    if isinstance(value, bool):
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        try:
            value = int(text(value))
        except (ValueError, ValidationError):
            raise ValidationError(
                _("“%(value)s” is not a whole number.") % {"value": value}
            ) from None
    if value < minimum:
        raise ValidationError(
            _("%(value)s is below the minimum of %(minimum)s.")
            % {"value": value, "minimum": minimum}
        )
    if value > maximum:
        raise ValidationError(
            _("%(value)s is above the maximum of %(maximum)s.")
            % {"value": value, "maximum": maximum}
        )
    return value


def student_number(value):
    number = text(value, max_length=20)
    if not re.fullmatch(tutoria_settings.STUDENT_NUMBER_PATTERN, number):
        raise ValidationError(_("“%(value)s” is not a valid student number.") % {"value": number})
    return number


def date(value, *, required=True):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value, required=required)
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": raw}
    )


def email_address(value):
    address = text(value, required=False, max_length=254).lower()
    if address:
        validate_email(address)
    return address


def term_kind(value):
    kind = text(value, required=False).lower()
    if kind not in TERM_KINDS:
        raise ValidationError(_("The term kind must be “regular” or “special”."))
    return TERM_KINDS[kind]


TERM_KINDS = {
    "regular": "regular",
    "ordinario": "regular",
    "special": "special",
    "especial": "special",
    "intersemestral": "special",
    "ferias": "special",
    "férias": "special",
    "vacation": "special",
}


# Each row goes through the Django form of its kind of table: one field per column (the
# parsers above), every error of the row collected ("column: reason"), then the checks across
# columns.


class Cell(forms.Field):
    """A column of a row, read by ``parser(value, **options)`` (it handles empty values)."""

    def __init__(self, parser, **options):
        self.parser, self.options = parser, options
        super().__init__(required=False)

    def clean(self, value):
        return self.parser(value, **self.options)


class RowForm(forms.Form):
    """A row of one kind of table. ``record_names``: {column: key of the record} where they
    differ; ``defaults``: {column: value} of an optional column the table lacks; ``plain``:
    the columns whose reasons name no column."""

    record_names = {}
    defaults = {}
    plain = ()

    def __init__(self, row):
        super().__init__({**self.defaults, **row})

    def check_record(self, record):
        """The checks across columns, once every column is valid (ValidationError)."""

    def clean(self):
        if not self.errors:
            self.check_record(self.cleaned_data)
        return self.cleaned_data

    def messages(self):
        """Every error of the row, in column order."""
        return [
            message if name in (NON_FIELD_ERRORS, *self.plain) else f"{name}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]

    def record(self):
        return {
            self.record_names.get(name, name): value for name, value in self.cleaned_data.items()
        }


class TermRowForm(RowForm):
    kind = Cell(term_kind)
    code = Cell(text, max_length=20)
    name = Cell(text, max_length=100)
    starts_on = Cell(date)
    ends_on = Cell(date)
    plain = ("kind",)

    def check_record(self, record):
        if record["ends_on"] <= record["starts_on"]:
            raise ValidationError(_("A term must end after it starts."))


class ComponentRowForm(RowForm):
    equivalents = Cell(text, required=False, max_length=2000)
    code = Cell(text, max_length=30)
    name = Cell(text)
    hours = Cell(whole_number, minimum=1)
    mandatory = Cell(boolean)
    activity = Cell(boolean)
    record_names = {"activity": "is_activity"}

    def clean_equivalents(self):
        listed = self.cleaned_data["equivalents"] or ""
        return [code.strip() for code in listed.replace("|", ";").split(";") if code.strip()]


class StudentRowForm(RowForm):
    student_number = Cell(student_number)
    name = Cell(text)  # its limit is a setting, read with the row (__init__)
    email = Cell(email_address)
    programme = Cell(text, required=False, max_length=150)
    curriculum_hours = Cell(whole_number, minimum=1)
    completed_hours = Cell(whole_number)
    regular = Cell(boolean)
    special_need = Cell(boolean)
    date_of_birth = Cell(date, required=False)
    defaults = {"regular": "yes", "special_need": "no"}
    record_names = {
        "name": "full_name",
        "programme": "programme_of_study",
        "regular": "regular_undergraduate",
        "special_need": "special_educational_need",
    }

    def __init__(self, row):
        super().__init__(row)
        # The names' limit is a setting: read when the row is.
        self.fields["name"] = Cell(text, max_length=tutoria_settings.MAX_NAME_LENGTH)

    def check_record(self, record):
        if record["completed_hours"] > record["curriculum_hours"]:
            raise ValidationError(_("Hours completed cannot exceed the curriculum hours."))


class FailureRowForm(RowForm):
    student_number = Cell(student_number)
    component = Cell(text, max_length=30)
    failures_by_absence = Cell(whole_number, maximum=MAX_FAILURES)
    failures_by_grade = Cell(whole_number, maximum=MAX_FAILURES)


class StandingRowForm(RowForm):
    student_number = Cell(student_number)
    term = Cell(text, max_length=20)
    failed_components = Cell(whole_number, maximum=MAX_FAILURES)
    lagging = Cell(boolean)
    dropped_out = Cell(boolean)


ROW_FORMS = {
    "terms": TermRowForm,
    "components": ComponentRowForm,
    "students": StudentRowForm,
    "failures": FailureRowForm,
    "standings": StandingRowForm,
}
KEYS = {"terms": "code", "components": "code", "students": "student_number"}


def parse(tables):
    records = {kind: [] for kind in APPLY_ORDER}
    errors = []
    for table in tables:
        seen = {}
        for number, row in table.rows:
            form = ROW_FORMS[table.kind](row)
            if not form.is_valid():
                errors.extend(RowError(table.sheet, number, str(m)) for m in form.messages())
                continue
            record = form.record()
            if table.kind == "failures":
                key = (record["student_number"], record["component"])
            elif table.kind == "standings":
                key = (record["student_number"], record["term"])
            else:
                key = record[KEYS[table.kind]]
            if key in seen:
                errors.append(
                    RowError(table.sheet, number, _("Repeats row %(row)d.") % {"row": seen[key]})
                )
                continue
            seen[key] = number
            records[table.kind].append((number, record))
    return Parsed(records=records, errors=errors)
