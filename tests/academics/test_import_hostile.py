"""Hostile academic-records files: refused with a clear, translated reason, nothing written.

Each case here once escaped the importer as another exception (a 500 in the admin), was
numbered wrongly, or let a malformed value through.
"""

import io
import re
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from tutoria_cms.academics import importer
from tutoria_cms.academics.importer import MAX_COLUMNS, ImportRefused
from tutoria_cms.academics.models import ComponentRecord, CurricularComponent, StudentRecord
from tutoria_cms.academics.services import import_academics

pytestmark = pytest.mark.django_db

STUDENTS = "student_number,name,curriculum_hours,completed_hours\n"


def workbook(rows, title="Alumnos"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data, member, change):
    """The workbook ``data`` with ``member`` replaced by ``change(its bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == member else content)
    return out.getvalue()


def refused(name, data, language="en"):
    with translation.override(language), pytest.raises(ImportRefused) as info:
        import_academics(name, data)
    return info.value.errors


@pytest.mark.parametrize(
    "header",
    [
        "student_number,na\x01me,curriculum_hours,completed_hours",
        "student_number,\u200b,curriculum_hours,completed_hours",
        "student_number," + "n" * 300 + ",curriculum_hours,completed_hours",
    ],
    ids=["control", "invisible", "long"],
)
def test_a_bad_column_name_is_refused_with_its_row(header):
    errors = refused("s.csv", (header + "\nA001,Ana,10,1\n").encode())
    assert [(e.row, "Column 2" in e.message) for e in errors] == [(1, True)]


def test_a_bad_column_name_is_explained_in_spanish():
    errors = refused("s.xlsx", workbook([["student_number", "\u200b\u200b"]]), "es")
    assert "nombre no válido" in str(errors[0]) and "invisibles" in str(errors[0])


@pytest.mark.parametrize(
    ("csv", "column"),
    [
        (STUDENTS + "A001,Ana,99999999999,1\n", "curriculum_hours"),
        (STUDENTS + "A001,Ana,10,9999999999999999999999\n", "completed_hours"),
        ("code,name,hours,mandatory,activity\nM1,Mate,100001,sí,no\n", "hours"),
    ],
)
def test_numbers_beyond_what_the_columns_hold_are_refused(csv, column):
    errors = refused("x.csv", csv.encode(), "pt-br")
    assert errors[0].row == 2 and column in errors[0].message
    assert "acima do máximo" in errors[0].message
    assert not StudentRecord.objects.exists() and not CurricularComponent.objects.exists()


def test_failures_beyond_a_small_count_are_refused():
    import_academics("c.csv", b"code,name,hours,mandatory,activity\nM1,Mate,60,yes,no\n")
    import_academics("s.csv", (STUDENTS + "A001,Ana,100,1\n").encode())
    errors = refused(
        "f.csv",
        b"student_number,component,failures_by_absence,failures_by_grade\nA001,M1,40000,1\n",
    )
    assert errors[0].row == 2 and "failures_by_absence" in errors[0].message
    assert not ComponentRecord.objects.exists()


def test_what_the_model_refuses_refuses_the_file_with_its_row(monkeypatch):
    """Checks of the models themselves (whatever the parser let through) stop the import."""
    monkeypatch.setattr(importer.tutoria_settings, "MAX_NAME_LENGTH", 400, raising=False)
    with override_settings(TUTORIA_CMS={"MAX_NAME_LENGTH": 400}):
        errors = refused(
            "s.csv", (STUDENTS + "A001,Ana,10,1\nA002," + "n" * 300 + ",10,1\n").encode()
        )
    assert [error.row for error in errors] == [3]
    assert not StudentRecord.objects.exists()


@pytest.mark.parametrize("number", ["A 001", "\u200bA00\u200b1", "A/01", "ÁB01", "A" * 21])
def test_student_numbers_follow_the_pattern(number):
    errors = refused("s.csv", (STUDENTS + f"{number},Ana,10,1\n").encode())
    assert errors[0].row == 2 and "student_number" in errors[0].message


def test_invisible_characters_around_values_are_dropped():
    import_academics(
        "s.csv", (STUDENTS + "\u200bA001\ufeff, \u200bAna Lima\u2060 ,10,1\n").encode()
    )
    record = StudentRecord.objects.get()
    assert (record.student_number, record.full_name) == ("A001", "Ana Lima")


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them():
    data = STUDENTS + 'A001,"Ana\nLima",10,1\nA002,Bea,10,1\nA003,Caro,x,1\n'
    errors = refused("s.csv", data.encode())
    assert [error.row for error in errors] == [2, 4]


def test_csv_with_windows_line_endings_and_a_bom_imports():
    data = (STUDENTS + "A001,Ana,10,1\n").replace("\n", "\r\n").encode("utf-8-sig")
    import_academics("s.csv", data)
    assert StudentRecord.objects.get().full_name == "Ana"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((STUDENTS + "A001,Ana,10,1\n").encode("utf-16"), "not UTF-8"),
        ((STUDENTS + "A001,Ana,10,1\n").encode("cp1252") + "Çé".encode("cp1252"), "not UTF-8"),
        ((STUDENTS + "A001,Ana\x00,10,1\n").encode(), "NUL"),
        (b"\xef\xbb\xbf", "empty"),
    ],
    ids=["utf16", "cp1252", "nul", "only-bom"],
)
def test_csv_in_the_wrong_encoding_or_with_nul_is_refused(data, reason):
    errors = refused("s.csv", data)
    assert reason in str(errors[0])


def test_a_sheet_claiming_sixteen_thousand_columns_is_read_narrowly(monkeypatch):
    """A few bytes can declare A1:XFD1048576; openpyxl would pad every row to that width."""
    data = workbook(
        [["student_number", "name", "curriculum_hours", "completed_hours"], ["A001", "Ana", 10, 1]]
    )
    data = rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml
        ).replace(
            b"</sheetData>",
            b'<row r="5"><c r="XFD5" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        ),
    )
    widths = []
    build_table = importer.build_table

    def spy(sheet, header_row, data_rows, **kwargs):
        widths.extend(len(values) for _number, values in data_rows)
        return build_table(sheet, header_row, data_rows, **kwargs)

    monkeypatch.setattr(importer, "build_table", spy)
    import_academics("s.xlsx", data)
    assert StudentRecord.objects.get().full_name == "Ana"
    assert widths and max(widths) <= MAX_COLUMNS


def test_a_sheet_with_rows_far_apart_is_refused_by_its_row_count():
    data = workbook([["student_number", "name", "curriculum_hours", "completed_hours"]])
    data = rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b"</sheetData>",
            b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>",
        ),
    )
    with override_settings(TUTORIA_CMS={"IMPORT_MAX_ROWS": 100}):
        errors = refused("s.xlsx", data)
    assert "Too many rows" in str(errors[0])


@pytest.mark.parametrize(
    "damage",
    [
        # a shared string that does not exist
        lambda xml: xml.replace(
            b'<c r="B2" t="inlineStr"><is><t>Ana</t></is></c>', b'<c r="B2" t="s"><v>999</v></c>'
        ),
        # a sheet cut in the middle
        lambda xml: xml[: len(xml) // 2],
        # not XML at all
        lambda xml: b"\x00\x01\x02 garbage",
    ],
    ids=["missing-shared-string", "truncated-sheet", "garbage-sheet"],
)
def test_a_damaged_sheet_is_refused_not_crashed_on(damage):
    data = workbook(
        [["student_number", "name", "curriculum_hours", "completed_hours"], ["A001", "Ana", 10, 1]]
    )
    errors = refused("s.xlsx", rewrite(data, "xl/worksheets/sheet1.xml", damage), "es")
    assert "no se pudo leer el libro" in str(errors[0]).lower()
    assert not StudentRecord.objects.exists()


def test_a_corrupted_member_is_refused():
    """Bytes flipped inside the compressed sheet: a CRC or inflate error while reading."""
    data = bytearray(
        workbook(
            [
                ["student_number", "name", "curriculum_hours", "completed_hours"],
                *[[f"A{i:03d}", "Ana", 10, 1] for i in range(200)],
            ]
        )
    )
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 20, start + info.compress_size - 20, 7):
        data[offset] ^= 0x5A
    errors = refused("s.xlsx", bytes(data))
    assert "could not be read" in str(errors[0]) or "not a valid" in str(errors[0])


def test_a_truncated_workbook_is_refused():
    data = workbook(
        [["student_number", "name", "curriculum_hours", "completed_hours"], ["A001", "Ana", 10, 1]]
    )
    errors = refused("s.xlsx", data[: len(data) * 2 // 3])
    assert "not a valid .xlsx" in str(errors[0])


def test_huge_shared_strings_are_refused_before_reading():
    data = workbook(
        [
            ["student_number", "name", "curriculum_hours", "completed_hours"],
            ["A001", "x" * 30_000, 10, 1],
        ]
    )
    data = rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * (3 * 1024 * 1024))
    with override_settings(TUTORIA_CMS={"IMPORT_MAX_UNCOMPRESSED_BYTES": 1024 * 1024}):
        errors = refused("s.xlsx", data)
    assert "expands" in str(errors[0])


def test_an_over_long_cell_is_refused_with_its_row():
    data = workbook(
        [
            ["student_number", "name", "curriculum_hours", "completed_hours"],
            ["A001", "Ana", 10, 1],
            ["A002", "x" * 30_000, 10, 1],
        ]
    )
    errors = refused("s.xlsx", data, "es")
    assert errors[0].row == 3 and "como máximo 150" in errors[0].message
