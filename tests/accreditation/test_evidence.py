"""Indicators against the hand-counted scenario (conftest.py), sheets and privacy."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks

from tests import factories
from tests.accreditation.conftest import range_filters
from tutoria_cms.accreditation.builder import build_workbook, collect_indicators
from tutoria_cms.accreditation.context import FilterError, build_context
from tutoria_cms.accreditation.registry import EVIDENCE_HOOK, get_sources
from tutoria_cms.core.evidence import EvidenceSource
from tutoria_cms.core.institutions import default_site
from tutoria_cms.core.pseudonyms import Pseudonymiser


def indicators(filters, **kwargs):
    context = build_context(filters, **kwargs)
    return {i.key: i for i in collect_indicators(context)}


def workbook(filters, **kwargs):
    context = build_context(filters, **kwargs)
    buffer = io.BytesIO()
    result = build_workbook(context, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer), result


def sheet_rows(book, title):
    rows = list(book[title].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_workshop_indicators(scenario, tutors):
    got = indicators(range_filters())
    assert got["workshops_held"].value == 1
    assert got["workshop_sessions"].value == 2
    assert got["workshop_hours"].value == Decimal("3.50")
    assert got["workshop_participants"].value == 3
    assert got["workshop_attendance_rate"].value == Decimal("60.0")
    assert got["programmes"].value == 1


def test_workshop_indicators_without_filters_count_every_site_and_date(scenario):
    got = indicators({})
    assert got["workshops_held"].value == 2  # W1 and B1 (never the unpublished draft)
    assert got["workshop_sessions"].value == 4  # 3 of W1 + 1 of B1
    assert got["workshop_hours"].value == Decimal("6.50")  # 2 + 1.5 + 1 + 2
    assert got["workshop_participants"].value == 4
    assert got["workshop_attendance_rate"].value == Decimal("71.4")  # 5 / 7
    assert got["programmes"].value == 2


def test_programme_filter(scenario, programme, br_programme):
    got = indicators({"programme": br_programme.slug, "site": "127.0.0.1"})
    assert got["workshops_held"].value == 1 and got["workshop_sessions"].value == 1
    with pytest.raises(FilterError):
        build_context({"programme": "no-such-programme"})


def test_attendance_rate_is_empty_without_records(programme):
    factories.build_workshop(programme, sessions=[factories.session_data(days=-1)])
    got = indicators(range_filters())
    assert got["workshops_held"].value == 1
    assert got["workshop_attendance_rate"].value is None


def test_tutor_indicators(tutors):
    got = indicators({"site": "localhost"})
    assert got["tutors"].value == 2
    assert got["tutors_with_validated_competencies"].value == 1
    assert got["competency_levels_validated"].value == pytest.approx(33.3)


def test_sheets_and_rows(scenario, tutors):
    book, result = workbook(range_filters())
    titles = book.sheetnames
    assert titles[0] == "Summary" and titles[-1] == "Provenance"
    assert titles[1:-1] == [
        "Programmes",
        "Workshops",
        "Workshop sessions",
        "Workshop attendance",
        "Workshop registrations",
        "Mentoring pairs",
        "Tutors",
        "Competency matrix",
        "Tutoring requests",
        "Request history",
        "Tutoring sessions",
        "End-of-term reports",
        "Referrals",
        "Term outcomes",
        "Agreements",
    ]
    assert result.row_counts["Workshop attendance"] == 5
    assert result.row_counts["Workshop registrations"] == 5
    workshops = sheet_rows(book, "Workshops")
    assert len(workshops) == 1
    (w1,) = workshops
    assert (w1["Sessions"], w1["Hours"], w1["Confirmed registrations"]) == (2, 3.5, 3)
    assert (w1["On the waiting list"], w1["Cancelled"]) == (1, 1)
    assert (w1["Attendance records"], w1["Present"], w1["Attendance rate (%)"]) == (5, 3, 60)
    assert w1["Programme"] == "Programa de Acción Tutorial"
    # A title that looks like a formula stays text.
    assert w1["Workshop"] == 'Taller =HYPERLINK("http://x")'
    assert book["Workshops"]["B2"].data_type == "s"
    matrix = sheet_rows(book, "Competency matrix")
    competencies = len(tutors["competencies"])
    assert len(matrix) == 2 * competencies
    ana_first = matrix[0]
    assert ana_first["Tutor"] == "Ana Ramírez"
    assert (
        ana_first["Self-assessed level"],
        ana_first["Validated level"],
        ana_first["Level"],
        ana_first["Validated"],
    ) == (3, 2, 2, True)
    provenance = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["Rows: Workshop attendance"] == 5
    assert provenance["Small-cell threshold"] == 5
    assert provenance["Site"].endswith("(localhost)")
    assert "HMAC-SHA256" in provenance["Student identifiers"]
    assert "test-pseudonymisation-key" not in str(list(provenance.values()))


def test_students_are_pseudonymised_and_stable(scenario):
    book, _result = workbook(range_filters())
    students = [row["Student"] for row in sheet_rows(book, "Workshop attendance")]
    registrations = [row["Student"] for row in sheet_rows(book, "Workshop registrations")]
    assert all(re.fullmatch(r"S-[A-Z2-7]{12}", s) for s in students + registrations)
    pseudonym = Pseudonymiser()
    assert students.count(pseudonym("A000000")) == 2  # present at both sessions
    assert pseudonym("A000000") in registrations
    # No raw student number anywhere in the workbook.
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and re.search(r"A0000\d\d", v) for v in row)


def test_different_keys_give_different_pseudonyms(scenario):
    first = build_context(range_filters(), pseudonymiser=Pseudonymiser(key="one"))
    second = build_context(range_filters(), pseudonymiser=Pseudonymiser(key="two"))
    assert first.student_id("A000000") != second.student_id("A000000")


def test_identified_export_needs_the_permission(scenario, django_user_model):
    from django.contrib.auth.models import Permission

    quality = factories.UserFactory(username="calidad", groups=["Quality office"])
    with pytest.raises(FilterError):
        build_context(range_filters(identified=True), user=quality)
    with pytest.raises(FilterError):
        build_context(range_filters(identified=True))  # nobody asking
    quality.user_permissions.add(Permission.objects.get(codename="export_identified"))
    quality = django_user_model.objects.get(pk=quality.pk)
    book, _result = workbook(range_filters(identified=True), user=quality)
    students = {row["Student"] for row in sheet_rows(book, "Workshop attendance")}
    assert students == {"A000000", "A000001", "A000002"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"site": "nowhere.example"}, "No site"),
        ({"term": "2099-9"}, "No term"),
        ({"date_from": "2025-13-01"}, "not a date"),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "ends before"),
        ({"as_of": "2999-01-01"}, "future"),
        ({"nonsense": "1"}, "Unknown filters"),
    ],
)
def test_bad_filters(db, filters, message):
    with pytest.raises(FilterError, match=message):
        build_context(filters)


def test_term_sets_the_range(scenario):
    import datetime

    from django.utils import timezone

    from tutoria_cms.academics.models import Term

    today = timezone.localdate()
    Term.objects.create(
        site=default_site(),
        code="T1",
        name="T1",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today,
    )
    assert indicators({"term": "T1", "site": "localhost"})["workshop_sessions"].value == 2
    with pytest.raises(FilterError, match="not both"):
        build_context({"term": "T1", "date_from": today.isoformat()})


class SensitiveSource(EvidenceSource):
    key = "test_sensitive"
    title = "Sensitive"
    columns = ("Reason", "Students")

    def __init__(self, counts):
        self.counts = counts

    def rows(self, context):
        yield from self.counts.items()

    def indicators(self, context):
        return [
            context.count_indicator(f"reason_{k}", k, v, sensitive=True)
            for k, v in self.counts.items()
        ] + [context.count_indicator("not_sensitive", "plain", 2)]


def test_small_cells_of_sensitive_counts_are_suppressed(db):
    """Sensitive counts are randomly rounded to base 5 (zero and multiples of 5 stay), then
    suppressed when under the threshold; other counts are shown as they are."""
    counts = {"low_income": 4, "health": 5, "family": 0, "career": 12}
    source = SensitiveSource(counts)
    context = build_context({}, sources=[source])
    got = {i.key: i for i in collect_indicators(context, [source])}
    for k, v in counts.items():
        rounded = context.round_sensitive((f"reason_{k}",), v)
        assert rounded % 5 == 0 and abs(rounded - v) < 5
        assert got[f"reason_{k}"].value == rounded
        assert got[f"reason_{k}"].suppressed == (rounded < 5)
    assert got["reason_health"].value == 5 and not got["reason_health"].suppressed
    assert got["reason_family"].value == 0 and got["reason_family"].suppressed
    assert got["reason_career"].value in (10, 15) and not got["reason_career"].suppressed
    assert got["not_sensitive"].value == 2 and not got["not_sensitive"].suppressed
    buffer = io.BytesIO()
    build_workbook(context, buffer, sources=[source])
    buffer.seek(0)
    summary = {
        r[6]: r
        for r in openpyxl.load_workbook(buffer)["Summary"].iter_rows(min_row=2, values_only=True)
    }
    assert summary["reason_family"][2] == "< 5"
    assert summary["reason_health"][2] == 5
    assert summary["reason_career"][2] == got["reason_career"].value
    assert summary["reason_low_income"][2] == ("< 5" if got["reason_low_income"].suppressed else 5)
    assert "randomly rounded to a multiple of 5" in summary["reason_health"][5]
    assert summary["not_sensitive"][2] == 2


def test_threshold_comes_from_settings(db, settings):
    settings.TUTORIA_CMS = {"SMALL_CELL_THRESHOLD": 10}
    source = SensitiveSource({"health": 4})  # rounded to 0 or 5: under 10 either way
    context = build_context({}, sources=[source])
    assert context.small_cell_threshold == 10
    assert collect_indicators(context, [source])[0].suppressed


def test_an_app_that_registers_a_sheet_appears(scenario):
    def register():
        return SensitiveSource({"x": 7})

    with hooks.register_temporarily(EVIDENCE_HOOK, register):
        book, _result = workbook({})
        assert "Sensitive" in book.sheetnames
    book, _result = workbook({})
    assert "Sensitive" not in book.sheetnames


def test_an_app_not_installed_contributes_nothing(db, settings):
    from django.apps import apps

    keys = {source.key for source in get_sources()}
    assert {"programmes", "workshops", "tutors", "mentoring_pairs", "agreements"} <= keys
    # The hook functions of an app live in its wagtail_hooks module; take the tutors app out
    # of the registry and its sheets disappear (accreditation imports none of them).
    tutor_hooks = [
        fn
        for fn in hooks.get_hooks(EVIDENCE_HOOK)
        if fn.__module__.startswith("tutoria_cms.tutors.")
    ]
    assert tutor_hooks
    original = hooks._hooks[EVIDENCE_HOOK]
    try:
        hooks._hooks[EVIDENCE_HOOK] = [
            (fn, order) for fn, order in original if fn not in tutor_hooks
        ]
        keys = {source.key for source in get_sources()}
        assert "tutors" not in keys and "competency_matrix" not in keys
        assert "workshops" in keys
    finally:
        hooks._hooks[EVIDENCE_HOOK] = original
    assert apps.is_installed("tutoria_cms.accreditation")


def test_accreditation_imports_no_domain_app():
    from pathlib import Path

    import tutoria_cms.accreditation as package

    for path in Path(package.__file__).parent.rglob("*.py"):
        text = path.read_text()
        for app in ("programmes", "workshops", "tutors", "requests", "mentoring"):
            assert f"tutoria_cms.{app}" not in text, f"{path} imports {app}"


def test_queries_do_not_grow_with_rows(programme):
    def count_queries():
        context = build_context({})
        with CaptureQueriesContext(connection) as queries:
            build_workbook(context, io.BytesIO())
        return len(queries)

    workshop = factories.build_workshop(programme, sessions=[factories.session_data(days=-1)])
    factories.add_registrations(workshop, 3)
    count_queries()  # warm the caches (content types, site settings)
    small = count_queries()
    factories.add_registrations(workshop, 300, start=3)
    assert count_queries() == small


def test_competency_matrix_queries_do_not_grow_with_the_tutors(tutors, mx_home):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tutoria_cms.tutors.models import TutorIndexPage

    (source,) = [s for s in get_sources() if s.key == "competency_matrix"]
    index = TutorIndexPage.objects.get()

    def queries():
        context = build_context({"site": "localhost"})
        with CaptureQueriesContext(connection) as captured:
            rows = list(source.rows(context))
        return len(captured), rows

    queries()  # warm caches (site root paths, content types)
    before, rows = queries()
    for number in range(3):
        factories.build_tutor_profile(
            index, title=f"Extra {number}", user=factories.build_tutor_user(f"extra{number}")
        )
    queries()  # warm the caches again (new content drops the public pages' cached values)
    after, more = queries()
    assert len(more) > len(rows)  # the new tutors are in the sheet
    assert after == before, (before, after)
