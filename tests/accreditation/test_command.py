"""manage.py export_evidence: arguments, permissions, log, progress bar."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from tests import factories
from tests.accreditation.conftest import range_filters
from tutoria_cms.accreditation.models import ExportJob


def export(path, **options):
    out = io.StringIO()
    options.setdefault("language", "en")
    options.setdefault("no_progress", True)
    options.setdefault("site", "localhost")
    call_command("export_evidence", output=str(path), stdout=out, **options)
    return out.getvalue()


def test_writes_the_workbook_and_logs_the_export(scenario, tmp_path):
    path = tmp_path / "out.xlsx"
    filters = range_filters()
    output = export(
        path, site="localhost", date_from=filters["date_from"], date_to=filters["date_to"]
    )
    assert "pseudonymised" in output and "Workshop attendance: 5" in output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Summary"
    job = ExportJob.objects.get()
    assert job.origin == ExportJob.Origin.COMMAND
    assert job.status == ExportJob.Status.DONE
    assert job.filters["site"] == "localhost" and job.filters["date_from"] == filters["date_from"]
    assert job.row_counts["Workshop attendance"] == 5
    assert job.output_path == str(path)
    assert job.requested_by is None


def test_spanish_by_default(scenario, tmp_path):
    path = tmp_path / "es.xlsx"
    export(path, language="")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[0] == "Resumen" and names[-1] == "Procedencia"
    assert "Asistencia a talleres" in names


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"site": "nowhere.example"}, "No site"),
        ({"date_from": "yesterday"}, "not a date"),
        ({"date_from": "2025-05-02", "date_to": "2025-05-01"}, "ends before"),
        ({"programme": "nope"}, "No programme"),
        ({"identified": True}, "--identified needs --user"),
        ({"user": "ghost"}, "no active user"),
        ({"language": "fr"}, "not one of the site's languages"),
    ],
)
def test_bad_arguments(db, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        export(tmp_path / "x.xlsx", **options)
    assert not ExportJob.objects.exists()


def test_bad_output(db, tmp_path):
    with pytest.raises(CommandError, match="directory"):
        export(tmp_path)
    with pytest.raises(CommandError, match="does not exist"):
        export(tmp_path / "missing" / "x.xlsx")
    with pytest.raises(CommandError, match=".xlsx"):
        export(tmp_path / "x.csv")


def test_identified_needs_the_permission(scenario, tmp_path):
    quality = factories.UserFactory(username="calidad", groups=["Quality office"])
    tutor = factories.UserFactory(username="tutor", groups=["Tutors"])
    with pytest.raises(CommandError, match="permission to export evidence"):
        export(tmp_path / "x.xlsx", user="tutor")
    with pytest.raises(CommandError, match="identified"):
        export(tmp_path / "x.xlsx", user="calidad", identified=True)
    quality.user_permissions.add(Permission.objects.get(codename="export_identified"))
    output = export(tmp_path / "x.xlsx", user="calidad", identified=True)
    assert "identified" in output
    job = ExportJob.objects.get()
    assert job.identified and job.requested_by == quality
    assert tutor.pk


def test_progress_bar_on_a_terminal(scenario, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command(
        "export_evidence",
        output=str(tmp_path / "x.xlsx"),
        site="localhost",
        language="en",
        stdout=out,
    )
    assert "\r[" in out.getvalue() and "100%" in out.getvalue()
