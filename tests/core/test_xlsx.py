"""The safe streaming xlsx writer: text stays text, no crash on odd data, a usable sheet."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from tutoria_cms.core.xlsx import MAX_CELL_LENGTH, XlsxWriter, clean_text, safe_sheet_title


def write(rows, headers=("A", "B", "C"), title="Sheet", **kwargs):
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as book:
        book.sheet(title, headers, **kwargs).write_rows(rows)
    buffer.seek(0)
    return buffer


def read(buffer):
    return openpyxl.load_workbook(buffer)


DANGEROUS = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+1-2",
    "-2+3",
    "@SUM(A1)",
    "#N/A",
    "#DIV/0!",
    "=",
    "0012",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_looks_like_a_formula_stays_literal_text(value):
    sheet = read(write([(value, "x", 1)])).active
    cell = sheet["A2"]
    assert cell.value == value
    assert cell.data_type == "s"


def test_control_characters_are_replaced():
    sheet = read(write([("a\x00b\x07c\x1fd", "line\nbreak\ttab", 1)])).active
    assert sheet["A2"].value == "a\ufffdb\ufffdc\ufffdd"
    assert sheet["B2"].value == "line\nbreak\ttab"


def test_long_text_is_cut_and_marked():
    value = "x" * (MAX_CELL_LENGTH + 10)
    cell = read(write([(value, "", 1)])).active["A2"]
    assert len(cell.value) == MAX_CELL_LENGTH
    assert cell.value.endswith("[cut: too long for a spreadsheet cell]")
    assert clean_text("short") == "short"


@override_settings(TIME_ZONE="America/Mexico_City")
def test_dates_are_dates_and_aware_datetimes_become_naive_local_time():
    aware = datetime.datetime(2025, 3, 1, 18, 30, tzinfo=datetime.UTC)
    naive_local = aware.astimezone(zoneinfo.ZoneInfo("America/Mexico_City")).replace(tzinfo=None)
    sheet = read(write([(datetime.date(2025, 3, 1), aware, Decimal("1.50"))])).active
    assert sheet["A2"].is_date and sheet["A2"].value == datetime.datetime(2025, 3, 1)
    assert sheet["B2"].value == naive_local
    assert sheet["C2"].value == 1.5


def test_other_values_become_text():
    sheet = read(write([(gettext_lazy("Present"), True, None)])).active
    assert sheet["A2"].value == "Present"
    assert sheet["B2"].value is True
    assert sheet["C2"].value is None


def test_header_is_styled_frozen_and_filtered_with_widths():
    rows = [(f"name {i}", "a much longer value in column B", i) for i in range(120)]
    buffer = write(rows, headers=("Name", "Description", "N"))
    sheet = read(buffer).active
    assert [c.value for c in sheet[1]] == ["Name", "Description", "N"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C121"
    assert sheet.max_row == 121
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["B"] > widths["A"] > widths["C"] >= 6


def test_a_note_goes_above_the_header_which_stays_frozen_and_filtered():
    rows = [(f"name {i}", "b", i) for i in range(60)]
    buffer = write(rows, headers=("Name", "B", "N"), note="=Current data: not as of the date.")
    sheet = read(buffer).active
    assert sheet["A1"].value == "=Current data: not as of the date."  # text, not a formula
    assert sheet["A1"].data_type == "s" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["Name", "B", "N"]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:C62"
    assert sheet["A3"].value == "name 0" and sheet.max_row == 62


def test_empty_sheet_has_its_header():
    sheet = read(write([])).active
    assert [c.value for c in sheet[1]] == ["A", "B", "C"]
    assert sheet.auto_filter.ref == "A1:C1"


def test_sheet_titles_are_valid_and_unique():
    assert safe_sheet_title("a/b:c*d?e[f]g\\h") == "a-b-c-d-e-f-g-h"
    assert len(safe_sheet_title("x" * 50)) == 31
    assert safe_sheet_title("Talleres", ["talleres"]) == "Talleres (2)"
    assert safe_sheet_title("x" * 40, ["x" * 31]) == "x" * 27 + " (2)"
    assert safe_sheet_title("'quoted'") == "quoted"
    assert safe_sheet_title("") == "Sheet"
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as book:
        book.sheet("Same", ["A"]).write_rows([(1,)])
        book.sheet("Same", ["A"]).write_rows([(2,)])
    buffer.seek(0)
    assert read(buffer).sheetnames == ["Same", "Same (2)"]
    assert book.row_counts == {"Same": 1, "Same (2)": 1}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_round_trips_or_is_only_cleaned(values):
    buffer = write([tuple(values)], headers=[f"h{i}" for i in range(len(values))])
    sheet = read(buffer).active
    for index, value in enumerate(values, 1):
        got = sheet.cell(row=2, column=index).value
        expected = clean_text(value)
        assert (got or "") == expected


def test_times_keep_their_values_past_the_width_sample():
    rows = [(datetime.time(8 + i % 10, i % 60), i) for i in range(120)]
    sheet = read(write(rows, headers=("T", "N"), width_sample=10)).active
    assert [sheet.cell(row=r + 2, column=1).value for r in range(120)] == [t for t, _n in rows]
    assert sheet["A2"].number_format == "hh:mm" and sheet["A100"].number_format == "hh:mm"


def test_pseudonym_table_matches_base32():
    import base64
    import hashlib
    import hmac

    from tutoria_cms.core.pseudonyms import Pseudonymiser

    digest = hmac.new(b"k", b"A000001", hashlib.sha256).digest()
    assert Pseudonymiser(key="k")("A000001") == "S-" + base64.b32encode(digest[:10]).decode()[:12]
