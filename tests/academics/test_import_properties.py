"""Property-based tests of the academic-records import (hypothesis, bounded to seconds).

- whatever the bytes, the importer raises nothing but its own ``ImportRefused``, whose errors
  are translated messages with a row number inside the file (or none);
- a valid generated file round-trips: what is imported is what was generated, in NFC, without
  the whitespace and invisible characters around it;
- one bad row anywhere makes the whole import change nothing, and the error names that row;
- a CSV file and an XLSX workbook of the same rows parse to the same records.
"""

import contextlib
import csv
import io
import unicodedata

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tutoria_cms.academics.importer import ImportRefused, parse, read_file
from tutoria_cms.academics.models import StudentRecord
from tutoria_cms.academics.services import import_academics
from tutoria_cms.core.text import INVISIBLE

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = ["student_number", "name", "email", "curriculum_hours", "completed_hours", "special_need"]


class Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Run the body in a transaction that is always undone (one example, one clean slate)."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def expected_text(value):
    """What the importer should store for typed text: NFC, trimmed of blanks and invisibles."""
    value = unicodedata.normalize("NFC", value)
    while value and (value[0].isspace() or value[0] in INVISIBLE):
        value = value[1:]
    while value and (value[-1].isspace() or value[-1] in INVISIBLE):
        value = value[:-1]
    return value


# Names: letters of many scripts, combining marks (to vary normalisation), spaces, punctuation
# (commas, quotes and semicolons exercise the CSV quoting), around-the-edges invisibles.
name_chars = st.characters(
    categories=["Lu", "Ll", "Lo", "Mn", "Nd", "Zs", "Pd", "Po", "Ps", "Pe"],
    exclude_characters="\u2028\u2029",
)
names = st.builds(
    lambda lead, body, trail: lead + body + trail,
    st.sampled_from(["", " ", "\u200b", "\ufeff ", "\u00a0"]),
    st.text(name_chars, min_size=1, max_size=60),
    st.sampled_from(["", " ", "\u200b", " \u2060"]),
).filter(
    lambda n: (
        expected_text(n)
        and not all(c in INVISIBLE or c.isspace() for c in n)
        and not expected_text(n).startswith(("=", "#"))
        and len(expected_text(n)) <= 150
    )
)
numbers = st.from_regex(r"[A-Z0-9][A-Z0-9-]{2,12}", fullmatch=True)
rows = st.builds(
    lambda number, name, curriculum, done, sen: {
        "student_number": number,
        "name": name,
        "email": f"{number.lower()}@example.edu",
        "curriculum_hours": curriculum,
        "completed_hours": min(done, curriculum),
        "special_need": sen,
    },
    numbers,
    names,
    st.integers(1, 100_000),
    st.integers(0, 100_000),
    st.booleans(),
)
tables = st.lists(rows, min_size=1, max_size=8, unique_by=lambda row: row["student_number"])


def as_csv(table, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    for row in table:
        writer.writerow(
            [("sí" if row[c] else "no") if c == "special_need" else row[c] for c in HEADER]
        )
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(table):
    book = Workbook()
    sheet = book.active
    sheet.title = "Alumnos"
    sheet.append(HEADER)
    for number, row in enumerate(table, start=2):
        for column, name in enumerate(HEADER, start=1):
            cell = sheet.cell(number, column, row[name])
            if isinstance(row[name], str):
                cell.data_type = "s"  # typed text stays text (a name may look like a number)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored(numbers):
    return {
        record.student_number: record
        for record in StudentRecord.objects.filter(student_number__in=numbers)
    }


# Anything in, only ImportRefused out ---------------------------------------------------------


def assert_refusal_is_clean(refused):
    assert refused.errors
    for error in refused.errors:
        assert str(error).strip()
        assert error.row is None or error.row >= 1


@BOUNDED
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_arbitrary_bytes_raise_only_import_refused(data, name):
    with translation.override("es"), rolled_back():
        try:
            import_academics(name, data, dry_run=True)
        except ImportRefused as refused:
            assert_refusal_is_clean(refused)


csv_cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "NaN",
            "99999999999",
            "２０",
            "=1+1",
            "sí",
            "no",
            "2026-02-30",
            "31/12/2026",
            "\x00",
            "\u200b",
            "a\x1bb",
            "é",
            "é",
        ]
    ),
)


@BOUNDED
@given(
    header=st.lists(
        st.one_of(
            st.sampled_from(HEADER + ["code", "kind", "hours", "component"]), st.text(max_size=12)
        ),
        min_size=1,
        max_size=8,
    ),
    body=st.lists(st.lists(csv_cells, max_size=9), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_arbitrary_tables_raise_only_import_refused(header, body, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    data = buffer.getvalue().encode("utf-8", errors="surrogatepass")
    with translation.override("pt-br"), rolled_back():
        try:
            import_academics("x.csv", data, dry_run=True)
        except ImportRefused as refused:
            assert_refusal_is_clean(refused)


@BOUNDED
@given(table=tables, cells=st.lists(csv_cells, min_size=1, max_size=6))
def test_arbitrary_workbook_cells_raise_only_import_refused(table, cells):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([table[0][c] for c in HEADER])
    try:
        sheet.append(cells)
    except Exception:  # openpyxl refuses control characters itself
        assume(False)
    buffer = io.BytesIO()
    book.save(buffer)
    with rolled_back():
        try:
            import_academics("x.xlsx", buffer.getvalue(), dry_run=True)
        except ImportRefused as refused:
            assert_refusal_is_clean(refused)


# Round trip ------------------------------------------------------------------------------------


@BOUNDED
@given(table=tables, delimiter=st.sampled_from([",", ";"]), xlsx=st.booleans())
def test_a_valid_file_round_trips(table, delimiter, xlsx):
    data = as_xlsx(table) if xlsx else as_csv(table, delimiter)
    with rolled_back():
        result = import_academics("alumnos.xlsx" if xlsx else "alumnos.csv", data)
        assert result.summary()["students"]["created"] == len(table)
        records = stored([row["student_number"] for row in table])
        for row in table:
            record = records[row["student_number"]]
            assert record.full_name == expected_text(row["name"])
            assert unicodedata.is_normalized("NFC", record.full_name)
            assert record.email == row["email"]
            assert record.curriculum_hours == row["curriculum_hours"]
            assert record.completed_hours == row["completed_hours"]
            assert record.special_educational_need is row["special_need"]
        # The same file again changes nothing.
        again = import_academics("alumnos.csv", as_csv(table))
        assert again.summary()["students"]["unchanged"] == len(table)


# All or nothing --------------------------------------------------------------------------------

BAD_ROWS = {
    "hours": lambda row: {**row, "curriculum_hours": "muchas"},
    "too_many_hours": lambda row: {**row, "completed_hours": row["curriculum_hours"] + 1},
    "huge": lambda row: {**row, "curriculum_hours": 10**12},
    "control": lambda row: {**row, "name": "Ana\x07Lima"},
    "newline": lambda row: {**row, "name": "Ana\nLima"},
    "invisible": lambda row: {**row, "name": "\u200b\u200c"},
    "empty_name": lambda row: {**row, "name": "  "},
    "long_name": lambda row: {**row, "name": "x" * 151},
    "number": lambda row: {**row, "student_number": "A 1"},
    "email": lambda row: {**row, "email": "not-an-address"},
}


@BOUNDED
@given(
    table=tables,
    existing=tables,
    data=st.data(),
    bad=st.sampled_from(sorted(BAD_ROWS)),
    xlsx=st.booleans(),
)
def test_one_bad_row_changes_nothing_and_is_named(table, existing, data, bad, xlsx):
    position = data.draw(st.integers(0, len(table) - 1))
    if xlsx and bad == "control":
        bad = "newline"  # a workbook cannot hold other control characters
    hostile = list(table)
    hostile[position] = BAD_ROWS[bad](table[position])
    with rolled_back():
        import_academics("before.csv", as_csv(existing))
        before = {
            number: (r.full_name, r.curriculum_hours, r.completed_hours)
            for number, r in stored([row["student_number"] for row in existing]).items()
        }
        total = StudentRecord.objects.count()
        file = as_xlsx(hostile) if xlsx else as_csv(hostile)
        with pytest.raises(ImportRefused) as refused:
            import_academics("x.xlsx" if xlsx else "x.csv", file)
        assert [error.row for error in refused.value.errors] == [position + 2]
        assert StudentRecord.objects.count() == total
        after = {
            number: (r.full_name, r.curriculum_hours, r.completed_hours)
            for number, r in stored(list(before)).items()
        }
        assert after == before


@BOUNDED
@given(table=tables, extra=st.sampled_from([*sorted(set(BAD_ROWS) - {"control"}), None]))
def test_csv_and_xlsx_of_the_same_rows_parse_alike(table, extra):
    if extra is not None:
        table = [*table[:-1], BAD_ROWS[extra](table[-1])]
    from_csv = parse(read_file("x.csv", as_csv(table, ";")))
    from_xlsx = parse(read_file("x.xlsx", as_xlsx(table)))
    assert from_csv.records == from_xlsx.records
    assert [(e.row, e.message) for e in from_csv.errors] == [
        (e.row, e.message) for e in from_xlsx.errors
    ]
