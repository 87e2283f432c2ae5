"""Failure, lag and dropout of tutored and other students, against a hand-counted scenario.

Term OUT (today - 30 .. today + 30), Mexican site, programme P:
- tutored individually (a request of P created today, now in progress or closed): S1..S6, S7;
- tutored in a group (present at a group session of P today): G1, G2; G3 is a member, absent;
- D1 has a request in draft (not tutored); N1..N8 have nothing; BR1 has a request of the
  Brazilian programme in progress (tutored, but not in the Mexican scope).
Term outcomes in OUT (S7 has none, so is not counted):

    group        students                       failed >= 1          lagging      dropped out
    tutored      S1-S6, G1, G2  (8)             S1-S5 (5)            S1, S2 (2)   - (0)
    not tutored  G3, D1, N1-N8, BR1 (11)        G3, D1, N1-N5 (7)    N1-N6 (6)    N1-N5 (5)

Another term OLD (ended before OUT) holds a dropout of N7 that OUT never counts.
Expected (threshold 5), before random rounding (``no_rounding``): tutored 62.5 % failed, lag
25.0 % and dropout 0.0 % suppressed (2 and 0 students are under 5); not tutored 63.6 %,
54.5 %, 45.5 %. The counts of students with an outcome are randomly rounded to base 5 (#15,
differencing): ``rounding(monkeypatch, "down" | "up")`` fixes every draw, so the rounded
figures are hand-computed too.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tests import factories
from tests.accreditation.test_admin import INDICATORS, client_for
from tests.requests.conftest import make_student, walk
from tutoria_cms.academics.evidence import NO_OUTCOMES, NO_TUTORING, TermOutcomesSource
from tutoria_cms.academics.models import Term, TermStanding
from tutoria_cms.accreditation.builder import build_workbook, collect_indicators
from tutoria_cms.accreditation.context import FilterError, build_context
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, StudentGroup

pytestmark = pytest.mark.django_db


def rounding(monkeypatch, direction):
    """Every draw of the random rounding (accreditation's disclosure.py) rounds ``direction``:
    "down", "up", or "none" (the true counts, to check what is counted)."""
    from tutoria_cms.accreditation import disclosure

    if direction == "none":
        monkeypatch.setattr(disclosure, "random_round", lambda value, cell, **kwargs: value)
    else:
        draw = 0.999999 if direction == "down" else 0.0
        monkeypatch.setattr(disclosure, "_draw", lambda cell, value, key: draw)


@pytest.fixture
def no_rounding(monkeypatch):
    rounding(monkeypatch, "none")


TUTORED = ("S1", "S2", "S3", "S4", "S5", "S6", "G1", "G2")
NOT_TUTORED = ("G3", "D1", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "BR1")
FAILED = {"S1", "S2", "S3", "S4", "S5", "G3", "D1", "N1", "N2", "N3", "N4", "N5"}
LAGGING = {"S1", "S2", "N1", "N2", "N3", "N4", "N5", "N6"}
DROPPED = {"N1", "N2", "N3", "N4", "N5"}


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def outcomes(programme, br_programme):
    coordinator = factories.UserFactory(username="coord", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="board", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="tutor", groups=[roles.TUTORS])
    actors = {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "start": coordinator,
        "close": tutor,
    }
    students = {number: make_student(number) for number in (*TUTORED, *NOT_TUTORED, "S7")}

    def support(number, *actions, prog=programme):
        request = services.create_request(
            kind=RequestKind.SUPPORT, student=students[number], programme=prog, user=coordinator
        )
        request = services.assign_tutor(request, tutor, coordinator)
        return walk(request, actors, *actions)

    for number in ("S1", "S2", "S3", "S4", "S5", "S7"):
        support(number, "submit", "review", "approve", "start")
    walk(support("S6", "submit", "review", "approve", "start"), actors, "close")
    services.create_request(
        kind=RequestKind.SUPPORT, student=students["D1"], programme=programme, user=coordinator
    )
    support("BR1", "submit", "review", "approve", "start", prog=br_programme)

    term = Term.objects.create(
        site=default_site(), code="OUT", name="Outcomes", starts_on=days(-30), ends_on=days(30)
    )
    old = Term.objects.create(
        site=default_site(), code="OLD", name="Old", starts_on=days(-300), ends_on=days(-100)
    )
    group = StudentGroup.objects.create(
        code="1A", name="Grupo 1A", term=term, programme=programme, tutor=tutor
    )
    group.members.add(students["G1"], students["G2"], students["G3"])
    services.record_group_session(
        group,
        tutor,
        date=days(0),
        topic="Hábitos de estudio",
        modality="in_person",
        duration_minutes=60,
        attendees=[students["G1"], students["G2"]],
    )
    for number in (*TUTORED, *NOT_TUTORED):
        TermStanding.objects.create(
            student=students[number],
            term=term,
            failed_components=2 if number in FAILED else 0,
            lagging=number in LAGGING,
            dropped_out=number in DROPPED,
        )
    TermStanding.objects.create(
        student=students["N7"], term=old, failed_components=3, dropped_out=True
    )
    return {"term": term, "old": old, "students": students}


def got(filters, **kwargs):
    return {i.key: i for i in collect_indicators(build_context(filters, **kwargs))}


def test_shares_of_tutored_and_other_students(outcomes, no_rounding):
    found = got({"site": "localhost", "term": "OUT"})
    assert found["term_outcomes_tutored"].value == 8
    assert found["term_outcomes_not_tutored"].value == 11
    tutored_failed = found["failure_rate_tutored"]
    assert tutored_failed.value == Decimal("62.5") and not tutored_failed.suppressed
    assert found["lag_rate_tutored"].value == Decimal("25.0")
    assert found["lag_rate_tutored"].suppressed  # 2 students
    assert found["dropout_rate_tutored"].value == Decimal("0.0")
    assert found["dropout_rate_tutored"].suppressed  # 0 students
    assert found["failure_rate_not_tutored"].value == Decimal("63.6")  # 7 / 11
    assert found["lag_rate_not_tutored"].value == Decimal("54.5")  # 6 / 11
    assert found["dropout_rate_not_tutored"].value == Decimal("45.5")  # 5 / 11
    assert not any(found[f"{k}_rate_not_tutored"].suppressed for k in ("failure", "lag", "dropout"))
    assert all(found[f"{k}_rate_tutored"].sensitive for k in ("failure", "lag", "dropout"))


def test_shares_count_students_randomly_rounded_to_base_5(outcomes, monkeypatch):
    rounding(monkeypatch, "down")
    found = got({"site": "localhost", "term": "OUT"})
    assert found["term_outcomes_tutored"].value == 8  # group sizes are exact
    assert found["failure_rate_tutored"].value == Decimal("62.5")  # 5 stays 5
    assert found["lag_rate_tutored"].value == Decimal("0.0")  # 2 rounded down to 0
    assert found["lag_rate_tutored"].suppressed
    assert found["failure_rate_not_tutored"].value == Decimal("45.5")  # 7 -> 5, of 11
    assert found["lag_rate_not_tutored"].value == Decimal("45.5")  # 6 -> 5
    rounding(monkeypatch, "up")
    found = got({"site": "localhost", "term": "OUT"})
    # 2 lagging students rounded up to 5 are released: rounding, not the true count, decides.
    assert found["lag_rate_tutored"].value == Decimal("62.5")
    assert not found["lag_rate_tutored"].suppressed
    assert found["dropout_rate_tutored"].value == Decimal("0.0")  # zero stays zero
    assert found["dropout_rate_tutored"].suppressed
    assert found["failure_rate_not_tutored"].value == Decimal("90.9")  # 7 -> 10, of 11
    assert found["dropout_rate_not_tutored"].value == Decimal("45.5")  # 5 stays 5


def test_the_real_rounding_is_consistent_and_near_the_true_count(outcomes):
    """Without fixing the draws: each count is a multiple of 5 within 5 of the true one, the
    same export gives the same figures, and so does another range counting the same students."""
    sheet = TermOutcomesSource()

    def released(filters):
        return list(sheet.rows(build_context(filters)))

    first = released({"site": "localhost", "term": "OUT"})
    assert first == released({"site": "localhost", "term": "OUT"})
    true = {"Tutored": (5, 2, 0), "Not tutored": (7, 6, 5)}
    for _term, group, _students, *counts in first:
        for shown, count in zip(counts, true[str(group)], strict=True):
            if isinstance(shown, str):
                assert shown == "< 5" and count < 5 + 5
            else:
                assert shown % 5 == 0 and abs(shown - count) < 5

    def dates(start, end):
        return {
            "site": "localhost",
            "date_from": days(start).isoformat(),
            "date_to": days(end).isoformat(),
        }

    # Two ranges around the term that count the same students: the same figures.
    assert released(dates(-40, 45)) == released(dates(-35, 31)) == first


def test_suppression_follows_the_threshold(outcomes, settings, no_rounding):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SMALL_CELL_THRESHOLD": 2}
    found = got({"site": "localhost", "term": "OUT"})
    assert not found["lag_rate_tutored"].suppressed  # 2 students, threshold 2
    assert found["dropout_rate_tutored"].suppressed  # zero is still under the threshold
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SMALL_CELL_THRESHOLD": 9}
    found = got({"site": "localhost", "term": "OUT"})
    # A group of 8 tutored students is under 9: every share of it is suppressed, even 5 / 8.
    assert found["failure_rate_tutored"].suppressed
    assert found["failure_rate_not_tutored"].suppressed  # 7 students
    assert not found["term_outcomes_tutored"].suppressed  # group sizes are not sensitive


def test_another_institution_counts_none_of_these_outcomes(outcomes):
    # Terms and student records belong to the Mexican institution (the default site): the
    # Brazilian one has no term "OUT" and counts none of these students.
    with pytest.raises(FilterError, match="No term"):
        got({"site": "127.0.0.1", "term": "OUT"})
    filters = {"site": "127.0.0.1", "date_from": days(-365).isoformat()}
    found = got(filters)
    assert not found["term_outcomes_tutored"].value
    assert not found["term_outcomes_not_tutored"].value


def test_a_date_range_counts_each_student_once(outcomes, no_rounding):
    old = outcomes["old"]
    TermStanding.objects.create(student=outcomes["students"]["N1"], term=old, failed_components=1)
    filters = {"date_from": days(-365).isoformat(), "date_to": days(365).isoformat()}
    found = got(filters)
    # Requests and group sessions of every site now: BR1 is tutored too (9 tutored).
    assert found["term_outcomes_tutored"].value == 9
    assert found["term_outcomes_not_tutored"].value == 10  # N1 and N7 once each, in two terms
    assert found["dropout_rate_not_tutored"].value == Decimal("60.0")  # N1-N5 and N7 (OLD)
    assert found["failure_rate_not_tutored"].value == Decimal("80.0")  # G3, D1, N1-N5, N7


def test_without_term_outcomes_the_indicators_are_not_available(outcomes):
    Term.objects.create(
        site=default_site(), code="EMPTY", name="Empty", starts_on=days(40), ends_on=days(60)
    )
    found = got({"site": "localhost", "term": "EMPTY"})
    for key in (
        "term_outcomes_tutored",
        "term_outcomes_not_tutored",
        "failure_rate_tutored",
        "lag_rate_not_tutored",
        "dropout_rate_tutored",
    ):
        assert found[key].value is None and not found[key].suppressed
        assert found[key].unavailable == NO_OUTCOMES
    assert str(NO_OUTCOMES) == "not available (the academic records do not carry term outcomes)"


def test_without_an_app_recording_tutoring(outcomes, no_rounding):
    source = TermOutcomesSource()
    context = build_context({"term": "OUT"}, sources=[source])
    found = {i.key: i for i in collect_indicators(context, [source])}
    assert found["failure_rate_tutored"].value is None
    assert found["failure_rate_tutored"].unavailable == NO_TUTORING
    buffer = io.BytesIO()
    build_workbook(context, buffer, sources=[source])
    rows = list(
        openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Term outcomes"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert rows == [("OUT", "All enrolled students", 19, 12, 8, 5)]


def test_summary_and_sheet_of_the_workbook(outcomes, no_rounding):
    context = build_context({"site": "localhost", "term": "OUT"})
    buffer = io.BytesIO()
    build_workbook(context, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    summary = {row[6]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    section, label, value, unit, definition, note, _key = summary["failure_rate_tutored"]
    assert (section, label, value, unit) == (
        "Academic outcomes",
        "Failure: tutored students",
        62.5,
        "%",
    )
    assert "failed at least one curricular component" in definition
    assert "Sensitive" in note
    assert summary["lag_rate_tutored"][2] == "suppressed"
    assert "fewer than 5" in summary["lag_rate_tutored"][5]
    assert summary["dropout_rate_not_tutored"][2] == 45.5
    assert "tutored in the scope and period" in summary["term_outcomes_tutored"][4]
    rows = list(book["Term outcomes"].iter_rows(values_only=True))
    assert rows == [
        (
            "Term",
            "Group of students",
            "Students with term outcomes",
            "Failed at least one component",
            "Lagging",
            "Dropped out",
        ),
        ("OUT", "Tutored", 8, 5, "< 5", "< 5"),
        ("OUT", "Not tutored", 11, 7, 6, 5),
    ]
    provenance = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert "failure, lag, dropout" in provenance["Small-cell rule"]


def test_not_available_in_the_workbook_and_on_the_page(outcomes):
    Term.objects.create(
        site=default_site(), code="EMPTY", name="Empty", starts_on=days(40), ends_on=days(60)
    )
    context = build_context({"site": "localhost", "term": "EMPTY"})
    buffer = io.BytesIO()
    build_workbook(context, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    summary = {row[6]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["failure_rate_tutored"][2] == (
        "not available (the academic records do not carry term outcomes)"
    )
    assert list(book["Term outcomes"].iter_rows(min_row=2, values_only=True)) == []
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality).get(INDICATORS, {"site": "localhost", "term": "EMPTY"})
    page = page.content.decode()
    start = page.index('<tr data-indicator="dropout_rate_tutored">')
    row = page[start : page.index("</tr>", start)]
    assert "<td>not available (the academic records do not carry term outcomes)</td>" in row


def test_the_outcomes_chart_on_the_indicators_page(outcomes, no_rounding):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality).get(INDICATORS, {"site": "localhost", "term": "OUT"})
    page = page.content.decode()
    start = page.index('id="chart-term_outcomes-title"')
    chart = page[start : page.index("</svg>", start)]
    assert ">Failure, lag and dropout: tutored and other students</title>" in chart
    assert "Failure: tutored students: 62.5" in chart  # the description and the bar's title
    assert "Lag: tutored students: suppressed" in chart
    assert "Dropout: other enrolled students: 45.5" in chart
    assert 'data-indicator="failure_rate_tutored"' in page
