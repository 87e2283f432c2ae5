"""Each workbook opens in LibreOffice: convert one to CSV (every sheet) and compare values.

Skipped only when LibreOffice is missing and CI is not set; in CI it must run.
"""

import csv
import datetime
import os
import shutil
import subprocess

import openpyxl
import pytest
from django.core.management import call_command

from tests.accreditation.conftest import range_filters

# Separator 44 (,), text delimiter 34 ("), UTF-8 (76), from line 1, ..., cells as shown
# (9th token), every sheet (last token -1: LibreOffice 7.2+).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-calc-nogui).")
    pytest.skip("LibreOffice is not installed: the workbook was not opened in LibreOffice here.")


def same(expected, got):
    if expected is None:
        return got == ""
    if isinstance(expected, bool):
        return got == ("TRUE" if expected else "FALSE")
    if isinstance(expected, int | float):
        return abs(float(got) - float(expected)) < 1e-6
    if isinstance(expected, datetime.datetime):
        if expected.time() == datetime.time(0):
            return got.startswith(expected.date().isoformat())
        return got.startswith(f"{expected:%Y-%m-%d %H:%M}")
    if isinstance(expected, datetime.time):
        return got == f"{expected:%H:%M}"
    return got == expected


def test_workbook_opens_in_libreoffice_with_the_same_values(
    scenario, tutors, agreements, mentoring_pairs, tmp_path
):
    binary = soffice()
    path = tmp_path / "evidence.xlsx"
    filters = range_filters()
    call_command(
        "export_evidence",
        output=str(path),
        site=filters["site"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        language="en",
        no_progress=True,
    )
    completed = subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path / "csv"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) >= 11  # every contributed sheet, each checked below
    assert book["Agreements"].max_row == 3 and book["Mentoring pairs"].max_row == 5
    for sheet in book:
        csv_path = tmp_path / "csv" / f"evidence-{sheet.title}.csv"
        assert csv_path.exists(), (sheet.title, completed.stdout)
        with csv_path.open(newline="", encoding="utf-8") as handle:
            converted = list(csv.reader(handle))
        expected = list(sheet.iter_rows(values_only=True))
        assert len(converted) == len(expected), sheet.title
        for row_number, (want, got) in enumerate(zip(expected, converted, strict=True), 1):
            got = got + [""] * (len(want) - len(got))
            for column, (value, text) in enumerate(zip(want, got, strict=True), 1):
                assert same(value, text), (sheet.title, row_number, column, value, text)
    # The formula-like title came through as text, not as a formula result.
    with (tmp_path / "csv" / "evidence-Workshops.csv").open(encoding="utf-8") as handle:
        assert 'Taller =HYPERLINK(""http://x"")' in handle.read()
