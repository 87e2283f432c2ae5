"""Import of academic records: all or nothing, every bad row reported, hostile files refused."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from tests import factories
from tutoria_cms.academics.importer import ImportRefused
from tutoria_cms.academics.models import ComponentRecord, CurricularComponent, StudentRecord, Term
from tutoria_cms.academics.services import import_academics

pytestmark = pytest.mark.django_db

TERMS = "code,name,starts_on,ends_on,kind\n2026-1,Primeiro semestre,2026-02-02,2026-06-30,regular\n"
COMPONENTS = (
    "code,name,hours,mandatory,activity,equivalents\n"
    "MAT101,Cálculo I,60,sim,não,\n"
    "MAT101B,Cálculo Diferencial,60,sim,não,MAT101\n"
    "EST900,Estágio,200,sim,sim,\n"
)
STUDENTS = (
    "student_number;name;email;programme;curriculum_hours;completed_hours;special_need\n"
    "2019001;Maria da Silva;MARIA@example.edu;Pedagogia;3000;2750;não\n"
    "2019002;João Souza;;Pedagogia;3000;2600;sim\n"
)


def workbook_bytes(sheets, formula=None):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if formula:
        workbook[formula[0]][formula[1]] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_imports_with_comma_or_semicolon_and_normalises_values():
    import_academics("terms.csv", TERMS.encode())
    import_academics("components.csv", COMPONENTS.encode())
    result = import_academics("students.csv", STUDENTS.encode("utf-8-sig"))
    assert result.summary() == {"students": {"created": 2, "updated": 0, "unchanged": 0}}
    assert Term.objects.get(code="2026-1").is_regular
    estagio = CurricularComponent.objects.get(code="EST900")
    assert estagio.is_activity and estagio.hours == 200
    calc = CurricularComponent.objects.get(code="MAT101")
    assert list(calc.equivalents.values_list("code", flat=True)) == ["MAT101B"]
    maria = StudentRecord.objects.get(student_number="2019001")
    assert maria.email == "maria@example.edu" and maria.completed_hours == 2750
    assert StudentRecord.objects.get(student_number="2019002").special_educational_need


def test_importing_the_same_file_twice_changes_nothing():
    import_academics("terms.csv", TERMS.encode())
    result = import_academics("terms.csv", TERMS.encode())
    assert result.summary() == {"terms": {"created": 0, "updated": 0, "unchanged": 1}}


def test_xlsx_with_named_sheets_and_failures():
    data = workbook_bytes(
        {
            "Componentes": [
                ["code", "name", "hours", "mandatory", "activity"],
                ["LET200", "Linguística", 60, True, False],
            ],
            "Discentes": [
                ["student_number", "name", "curriculum_hours", "completed_hours"],
                [2020001, "Ana Lima", 3000, 2900],
            ],
            "Reprovações": [
                ["student_number", "component", "failures_by_absence", "failures_by_grade"],
                ["2020001", "LET200", 0, 2],
            ],
        }
    )
    result = import_academics("export.xlsx", data)
    assert result.summary()["failures"]["created"] == 1
    record = ComponentRecord.objects.get()
    assert record.student.student_number == "2020001" and record.failures_by_grade == 2


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_saved():
    bad = (
        "student_number,name,curriculum_hours,completed_hours\n"
        "2019001,Maria,3000,2750\n"
        "2019002,,3000,100\n"
        "2019003,Pedro,3000,3100\n"
        "2019004,Ana\x1b,abc,1\n"
        "2019001,Maria again,3000,10\n"
    )
    with translation.override("es"), pytest.raises(ImportRefused) as refused:
        import_academics("students.csv", bad.encode())
    messages = [str(error) for error in refused.value.errors]
    assert [error.row for error in refused.value.errors] == [3, 4, 5, 5, 6]
    assert "obligatorio" in messages[0]
    assert "no pueden superar" in messages[1] or "superar" in messages[1]
    assert "Repite la fila 2" in messages[-1]
    assert StudentRecord.objects.count() == 0


def test_unknown_references_refuse_the_whole_file():
    failures = "student_number,component,failures_by_absence,failures_by_grade\n404,NOPE,0,0\n"
    with pytest.raises(ImportRefused) as refused:
        import_academics("failures.csv", failures.encode())
    assert len(refused.value.errors) == 2
    assert ComponentRecord.objects.count() == 0


def test_dry_run_reports_without_saving():
    result = import_academics("terms.csv", TERMS.encode(), dry_run=True)
    assert result.summary() == {"terms": {"created": 1, "updated": 0, "unchanged": 0}}
    assert Term.objects.count() == 0


def test_history_records_who_imported():
    user = factories.UserFactory(username="coord")
    import_academics("components.csv", COMPONENTS.encode())
    import_academics("students.csv", STUDENTS.encode(), user=user)
    history = StudentRecord.history.filter(student_number="2019001").get()
    assert history.history_user == user and history.history_type == "+"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("data.pdf", b"%PDF-1.4", "Unsupported file type"),
        ("latin1.csv", "code,name\nMAT,Cálculo\n".encode("latin-1"), "not UTF-8"),
        ("nul.csv", b"code,name\x00\n", "NUL"),
        ("odd.csv", b"foo,bar\n1,2\n", "do not match"),
        ("broken.xlsx", b"PK\x03\x04 this is not a zip", "not a valid .xlsx"),
        ("fake.xlsx", b"just text", "not a valid .xlsx"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_reason(name, data, expected):
    with pytest.raises(ImportRefused) as refused:
        import_academics(name, data)
    assert expected in str(refused.value.errors[0])


def test_oversized_files_are_refused_before_parsing():
    with (
        override_settings(TUTORIA_CMS={"IMPORT_MAX_BYTES": 100}),
        pytest.raises(ImportRefused, match="too large"),
    ):
        import_academics("terms.csv", TERMS.encode() * 5)


def test_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (3 * 1024 * 1024))
    with (
        override_settings(TUTORIA_CMS={"IMPORT_MAX_UNCOMPRESSED_BYTES": 1024 * 1024}),
        pytest.raises(ImportRefused, match="expands"),
    ):
        import_academics("bomb.xlsx", buffer.getvalue())


def test_formulas_are_refused_not_evaluated():
    data = workbook_bytes(
        {
            "Terms": [
                ["code", "name", "starts_on", "ends_on", "kind"],
                ["2026-1", "S1", "2026-02-02", "2026-06-30", "regular"],
            ]
        },
        formula=("Terms", "B2"),
    )
    with pytest.raises(ImportRefused) as refused:
        import_academics("terms.xlsx", data)
    assert refused.value.errors[0].row == 2 and "formula" in refused.value.errors[0].message
    assert Term.objects.count() == 0


def test_too_many_rows_are_refused():
    rows = "code,name,starts_on,ends_on,kind\n" + "".join(
        f"T{i},T,2026-01-01,2026-02-01,regular\n" for i in range(5)
    )
    with (
        override_settings(TUTORIA_CMS={"IMPORT_MAX_ROWS": 3}),
        pytest.raises(ImportRefused, match="Too many rows"),
    ):
        import_academics("terms.csv", rows.encode())


def test_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "terms.csv"
    path.write_text(TERMS)
    call_command("import_academics", str(path))
    assert "1 created" in capsys.readouterr().out
    assert Term.objects.count() == 1


def test_command_lists_problems_and_fails(tmp_path, capsys):
    path = tmp_path / "terms.csv"
    path.write_text("code,name,starts_on,ends_on,kind\nX,Y,2026-05-01,2026-01-01,regular\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_academics", str(path))
    assert "row 2" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_academics", str(tmp_path / "missing.csv"))


STANDINGS = (
    "student_number,term,failed_components,lagging,dropped_out\n"
    "2019001,2026-1,0,não,não\n"
    "2019002,2026-1,2,sim,não\n"
)


def test_term_outcomes_import_from_csv_and_update_with_history():
    from tutoria_cms.academics.models import TermStanding

    user = factories.UserFactory(username="coord")
    import_academics("terms.csv", TERMS.encode())
    import_academics("students.csv", STUDENTS.encode())
    result = import_academics("standings.csv", STANDINGS.encode(), user=user)
    assert result.summary() == {"standings": {"created": 2, "updated": 0, "unchanged": 0}}
    joao = TermStanding.objects.get(student__student_number="2019002", term__code="2026-1")
    assert (joao.failed_components, joao.lagging, joao.dropped_out) == (2, True, False)
    changed = STANDINGS.replace("2019002,2026-1,2,sim,não", "2019002,2026-1,3,sim,sim")
    result = import_academics("standings.csv", changed.encode(), user=user)
    assert result.summary() == {"standings": {"created": 0, "updated": 1, "unchanged": 1}}
    joao.refresh_from_db()
    assert (joao.failed_components, joao.dropped_out) == (3, True)
    history = list(TermStanding.history.filter(id=joao.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == user and not history[0].dropped_out


def test_term_outcomes_sheet_in_a_workbook_with_terms_and_students():
    from tutoria_cms.academics.models import TermStanding

    data = workbook_bytes(
        {
            "Periodos": [
                ["code", "name", "starts_on", "ends_on", "kind"],
                ["2026-1", "2026/1", "2026-02-02", "2026-06-30", "ordinario"],
            ],
            "Alumnos": [
                ["student_number", "name", "curriculum_hours", "completed_hours"],
                [2020001, "Ana Lima", 3000, 900],
            ],
            "Situación escolar": [
                ["student_number", "term", "failed_components", "lagging", "dropped_out"],
                [2020001, "2026-1", 1, True, False],
            ],
        }
    )
    result = import_academics("export.xlsx", data)
    assert result.summary()["standings"]["created"] == 1
    standing = TermStanding.objects.get()
    assert standing.student.student_number == "2020001" and standing.term.code == "2026-1"
    assert standing.failed_components == 1 and standing.lagging and not standing.dropped_out


def test_bad_term_outcome_rows_are_numbered_and_nothing_is_saved():
    from tutoria_cms.academics.models import TermStanding

    import_academics("terms.csv", TERMS.encode())
    import_academics("students.csv", STUDENTS.encode())
    bad = (
        "student_number,term,failed_components,lagging,dropped_out\n"
        "2019001,2026-1,1,no,no\n"
        "2019002,2026-1,-1,talvez,no\n"
        "2019001,2026-1,0,no,no\n"
        "404,2099-9,0,no,no\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_academics("standings.csv", bad.encode())
    errors = [(error.row, error.message) for error in refused.value.errors]
    assert [row for row, _message in errors] == [3, 3, 4, 5, 5]
    assert "failed_components" in errors[0][1] and "minimum" in errors[0][1]
    assert "lagging" in errors[1][1] and "yes or no" in errors[1][1]
    assert "Repeats row 2" in errors[2][1]
    assert "404" in errors[3][1] and "2099-9" in errors[4][1]
    assert TermStanding.objects.count() == 0
    # Unknown student and term, each named, with the table's name and the row.
    unknown = "student_number,term,failed_components,lagging,dropped_out\n404,2099-9,0,no,no\n"
    with pytest.raises(ImportRefused) as refused:
        import_academics("standings.csv", unknown.encode())
    messages = [str(error) for error in refused.value.errors]
    assert messages == [
        "term outcomes, row 2: Unknown student number “404”.",
        "term outcomes, row 2: Unknown term “2099-9”.",
    ]
    assert TermStanding.objects.count() == 0


def test_a_term_with_outcomes_cannot_be_deleted_silently():
    from django.db.models import ProtectedError

    from tutoria_cms.academics.models import TermStanding

    import_academics("terms.csv", TERMS.encode())
    import_academics("students.csv", STUDENTS.encode())
    import_academics("standings.csv", STANDINGS.encode())
    with pytest.raises(ProtectedError):
        Term.objects.get(code="2026-1").delete()
    StudentRecord.objects.get(student_number="2019001").delete()
    assert TermStanding.objects.count() == 1


@pytest.mark.parametrize("kind", ["standings", "failures"])
def test_rows_naming_existing_records_cost_no_query_each(kind, term, component):
    """Only the writes grow with the rows (a row and its history row each): students,
    terms, components and the rows already recorded are fetched once per import."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def table(count, value):
        if kind == "standings":
            header = "student_number,term,failed_components,lagging,dropped_out\n"
            row = f"{{}},{term.code},{value},no,no\n"
        else:
            header = "student_number,component,failures_by_absence,failures_by_grade\n"
            row = f"{{}},{component.code},{value},0\n"
        return (header + "".join(row.format(f"Q{n:05d}") for n in range(count))).encode()

    for n in range(40):
        factories.make_student(f"Q{n:05d}")
    queries = {}
    for count in (10, 40):
        with CaptureQueriesContext(connection) as captured:
            import_academics(f"{kind}.csv", table(count, 1))  # creates (and re-creates none)
        queries[count] = len(captured)
    # 30 more new rows: 2 writes each (the row and its history row), nothing else.
    assert queries[40] - queries[10] <= 2 * 30 + 2, queries
    with CaptureQueriesContext(connection) as captured:
        import_academics(f"{kind}.csv", table(40, 2))  # updates all 40
    assert len(captured) <= queries[10] + 2 * 40, len(captured)
