"""An "as of" workbook is consistent (#14 item 7): every sheet and every Summary indicator is
either rebuilt as of the date or marked, on the sheet (or in the Summary's note) and in
Provenance, as current data; the request indicators come from the rebuilt requests.

The history is built by running the workflow with the clock set to past days (day 0 is 30
days ago, every step at 10:00). Mexican site, programme P, four students S1-S4 (day 0), all
requests "tutoring support", tutor T:

- day 0: A (S1, reason academic, tutor T), B (S2, reasons academic + emotional, tutor T),
  C (S3, no reason, no tutor) created;
- day 1: A and B submitted;
- day 5: A reviewed and approved, B reviewed and denied (4 days from submission each);
- day 10: A started, one session of A (day 10, video, 60 min), A referred; C submitted;
- day 11: T prepares A's end-of-term report of term "AS-1" (draft, no outcome yet);
- day 15: C reviewed and approved (5 days), A closed; T completes the report (outcome
  completed) and submits it.

Hand-computed, by "as of" date (and today, for the current workbook):

============================  ================  ===============  ===============  =========
indicator                     day 2             day 7            day 12           today
============================  ================  ===============  ===============  =========
requests (support)            3                 3                3                3
states                        2 submitted,      1 approved,      1 in progress,   1 closed,
                              1 draft           1 denied,        1 denied,        1 denied,
                                                1 draft          1 submitted      1 approved
approval rate                 None (0 decided)  1/2 = 50.0       1/2 = 50.0       2/3 = 66.7
median days to decision      None              4.0              4.0              4.0
tutees per tutor              None              None             1/1 = 1.0        1.0
coverage                      0/4 = 0.0         0.0              1/4 = 25.0       25.0
sessions / hours (video)      0 / 0.00          0 / 0.00         1 / 1.00         1 / 1.00
reasons academic / emotional  2 / 1 (< 5)       2 / 1            2 / 1            2 / 1
referrals (sent)              0                 0                1 (< 5)          1
reports (row; completed)      none; 0           none; 0          draft; 0         submitted; 1
============================  ================  ===============  ===============  =========

Reasons and referrals are sensitive: released only for whole ended terms (AS-1 has not ended:
withheld), randomly rounded to base 5; test_sensitive_counts_are_rebuilt_too adds a term AS-0
(days -1 to 11), released as of day 12 with the true values above behind the rounding.

On today's code before this change, the Summary as of day 2 counted A and C by their states
of today (closed, approved: an approval rate of 66.7 %) while the sheet showed "Submitted".
"""

import datetime
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.utils import timezone, translation

from tests import factories
from tests.requests.conftest import make_student, walk
from tutoria_cms.academics.models import Term
from tutoria_cms.accreditation.builder import build_workbook
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.registry import get_sources
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind

pytestmark = pytest.mark.django_db

DAY0 = timezone.localdate() - datetime.timedelta(days=30)

# The indicators rebuilt as of the date (the request workflow's); every other one is current.
REBUILT_PREFIXES = ("requests_", "reason_", "sessions_", "hours_", "reports_", "referrals")
REBUILT_KEYS = {"approval_rate", "median_days_to_decision", "tutees_per_tutor", "coverage"}
# The sheets rebuilt as of the date; every other one carries the "current data" line.
REBUILT_SHEETS = {
    "Tutoring requests",
    "Request history",
    "Tutoring sessions",
    "End-of-term reports",
    "Referrals",
    "Competency matrix",
    "Workshop attendance",
    "Workshop registrations",
}


def day(offset):
    return DAY0 + datetime.timedelta(days=offset)


@contextmanager
def on_day(offset):
    moment = timezone.make_aware(datetime.datetime.combine(day(offset), datetime.time(10, 0)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def history(programme, br_programme):
    coordinator = factories.UserFactory(username="c", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="b", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="t", groups=[roles.TUTORS])
    actors = {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "deny": board,
        "start": coordinator,
        "close": tutor,
    }

    def create(student, reasons, with_tutor):
        request = services.create_request(
            kind=RequestKind.SUPPORT,
            student=student,
            programme=programme,
            reasons=reasons,
            user=coordinator,
        )
        if with_tutor:
            request = services.assign_tutor(request, tutor, coordinator)
        return request

    with on_day(0):
        term = Term.objects.create(
            site=default_site(),
            code="AS-1",
            name="AS-1",
            starts_on=day(-10),
            ends_on=day(40),
            kind="regular",
        )
        students = [make_student(f"S{n}") for n in range(1, 5)]
        a = create(students[0], ["academic"], True)
        b = create(students[1], ["academic", "emotional"], True)
        c = create(students[2], [], False)
    with on_day(1):
        a = walk(a, actors, "submit")
        b = walk(b, actors, "submit")
    with on_day(5):
        a = walk(a, actors, "review", "approve")
        b = walk(b, actors, "review", "deny", reason="Motivo")
    with on_day(10):
        a = walk(a, actors, "start")
        services.record_session(a, tutor, date=day(10), modality="video", duration_minutes=60)
        services.refer(a, tutor, reason="Orientación")
        c = walk(c, actors, "submit")
    with on_day(11):
        report = services.prepare_report(term, tutor, tutoring_request=a)
    with on_day(15):
        c = walk(c, actors, "review", "approve")
        a = walk(a, actors, "close")
        services.update_report(
            report,
            tutor,
            progress="Avanzó",
            difficulties="",
            recommendation="Ninguna",
            outcome="completed",
        )
        services.submit_report(report, tutor)
    return {"A": a.pk, "B": b.pk, "C": c.pk}


def export(as_of=None):
    filters = {"site": "localhost"}
    if as_of is not None:
        filters["as_of"] = as_of.isoformat()
    buffer = io.BytesIO()
    build_workbook(build_context(filters), buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def sheet(book, title):
    """(note line or None, rows as dicts by header)."""
    rows = list(book[title].iter_rows(values_only=True))
    note = None
    # Every header has several columns: a first row with only its first cell is the note.
    if all(value is None for value in rows[0][1:]):
        note, rows = rows[0][0], rows[1:]
    header = rows[0]
    return note, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def summary(book):
    note, rows = sheet(book, "Summary")
    return note, {row["Key"]: row for row in rows}


def provenance(book):
    return dict(book["Provenance"].iter_rows(min_row=2, values_only=True))


def rebuilt_key(key):
    return key.startswith(REBUILT_PREFIXES) or key in REBUILT_KEYS


EXPECTED = {
    # as-of day: (states, approval rate, median days, tutees per tutor, coverage, video
    # sessions, video hours)
    2: ({"submitted": 2, "draft": 1}, None, None, None, "0.0", 0, "0.00"),
    7: ({"approved": 1, "denied": 1, "draft": 1}, "50.0", 4.0, None, "0.0", 0, "0.00"),
    12: ({"in_progress": 1, "denied": 1, "submitted": 1}, "50.0", 4.0, 1.0, "25.0", 1, "1.00"),
    None: ({"closed": 1, "denied": 1, "approved": 1}, "66.7", 4.0, 1.0, "25.0", 1, "1.00"),
}
STATES = (
    "draft",
    "submitted",
    "under_review",
    "approved",
    "denied",
    "redirected",
    "schedule_change",
    "in_progress",
    "closed",
    "withdrawn",
)
# The state of each request on its sheet, by as-of day.
SHEET_STATES = {
    2: {"A": "Submitted", "B": "Submitted", "C": "Draft"},
    7: {"A": "Approved", "B": "Denied", "C": "Draft"},
    12: {"A": "In progress", "B": "Denied", "C": "Submitted"},
    None: {"A": "Closed", "B": "Denied", "C": "Approved"},
}
SHEET_DAYS = {
    2: {"A": None, "B": None, "C": None},
    7: {"A": 4, "B": 4, "C": None},
    12: {"A": 4, "B": 4, "C": None},
    None: {"A": 4, "B": 4, "C": 5},
}


def number(cell):
    """A numeric cell (or expected text) as a Decimal (the workbook may store 0.0 as 0)."""
    return None if cell is None else Decimal(str(cell))


def value(rows, key):
    return rows[key]["Value"]


@pytest.mark.parametrize("offset", [2, 7, 12, None])
def test_summary_request_indicators_are_those_of_the_date(history, offset):
    book = export(day(offset) if offset is not None else None)
    _note, rows = summary(book)
    states, approval, median, tutees, coverage, sessions, hours = EXPECTED[offset]
    assert value(rows, "requests_support") == 3
    assert value(rows, "requests_individual_class") == 0
    for state in STATES:
        assert value(rows, f"requests_state_{state}") == states.get(state, 0), state
    assert number(value(rows, "approval_rate")) == number(approval)
    assert value(rows, "median_days_to_decision") == median
    assert value(rows, "tutees_per_tutor") == tutees
    assert number(value(rows, "coverage")) == number(coverage)
    assert value(rows, "sessions_individual_video") == sessions
    assert number(value(rows, "hours_individual_video")) == number(hours)
    assert value(rows, "sessions_individual_in_person") == 0
    assert value(rows, "reports_completed") == (1 if offset is None else 0)
    assert value(rows, "reports_continues") == 0
    # Reasons are sensitive: only for whole ended terms, and "AS-1" has not ended.
    assert value(rows, "reason_academic").startswith("Withheld")


@pytest.mark.parametrize("offset", [2, 7, 12])
def test_sensitive_counts_are_rebuilt_too(history, offset):
    from tutoria_cms.accreditation.builder import collect_indicators

    # A whole term "AS-0" (days -1 to 11) is released once it has ended as of the date.
    Term.objects.create(
        site=default_site(), code="AS-0", name="AS-0", starts_on=day(-1), ends_on=day(11)
    )
    context = build_context({"site": "localhost", "as_of": day(offset)})
    got = {i.key: i for i in collect_indicators(context)}
    if offset < 11:
        assert got["reason_academic"].value is None
        assert "Withheld" in got["reason_academic"].unavailable
        assert got["referrals"].value is None
        return
    # The figures behind the rounding are those of the date, and marked as rebuilt.
    assert got["reason_academic"].value == context.round_sensitive(("reason_academic",), 2)
    assert got["reason_academic"].rebuilt_as_of
    assert got["reason_emotional"].value == context.round_sensitive(("reason_emotional",), 1)
    # The referral of day 10 (sensitive too).
    assert got["referrals"].value == context.round_sensitive(("referrals",), 1)
    assert got["referrals"].rebuilt_as_of
    assert got["referrals_sent"].value == context.round_sensitive(("referrals_sent",), 1)
    assert not got["tutors"].rebuilt_as_of  # a sheet of current data: its indicators too


def test_the_summary_does_not_count_approved_a_request_only_submitted_then(history):
    """The reported bug: as of a day a request shows "Submitted" on its sheet while the
    Summary counted it as approved (its state of today)."""
    book = export(day(2))
    _note, requests = sheet(book, "Tutoring requests")
    assert {row["State"] for row in requests} == {"Submitted", "Draft"}
    _note, rows = summary(book)
    assert value(rows, "requests_state_approved") == 0
    assert value(rows, "requests_state_closed") == 0
    assert value(rows, "requests_state_submitted") == 2
    assert value(rows, "approval_rate") is None


@pytest.mark.parametrize("offset", [2, 7, 12])
def test_every_sheet_is_rebuilt_or_marked_current(history, offset):
    as_of = day(offset)
    book = export(as_of)
    ids = {pk: name for name, pk in history.items()}
    info = provenance(book)
    titles = [title for title in book.sheetnames if title not in ("Summary", "Provenance")]
    assert len(titles) == len(get_sources())
    for title in titles:
        note, _rows = sheet(book, title)
        state = info[f"Data: {title}"]
        if title == "Referrals":
            # A sheet of sensitive counts says how they are released (here: withheld).
            assert note is not None and note.startswith("Withheld"), title
            assert state == f"as of {as_of.isoformat()}, rebuilt from the change history"
        elif title in REBUILT_SHEETS:
            assert note is None, title
            assert state == f"as of {as_of.isoformat()}, rebuilt from the change history"
        else:
            assert note is not None and note.startswith(
                f"Current data: not rebuilt as of {as_of.isoformat()}."
            ), title
            assert state.startswith("current data (not rebuilt as of"), title

    # The rebuilt request sheets, row by row.
    _note, requests = sheet(book, "Tutoring requests")
    assert {ids[row["Request id"]]: row["State"] for row in requests} == SHEET_STATES[offset]
    assert {ids[row["Request id"]]: row["Days to decision"] for row in requests} == (
        SHEET_DAYS[offset]
    )
    _note, changes = sheet(book, "Request history")
    assert all(row["When"].date() <= as_of for row in changes)
    last = {}
    for row in changes:
        last[ids[row["Request id"]]] = row["State"]
    assert last == SHEET_STATES[offset]
    _note, sessions = sheet(book, "Tutoring sessions")
    video = "At a distance: video call"
    expected_sessions = [(day(10), video, 60, history["A"])] if offset >= 10 else []
    assert [
        (row["Date"].date(), row["Modality"], row["Minutes"], row["Request id"]) for row in sessions
    ] == expected_sessions
    _note, reports = sheet(book, "End-of-term reports")
    expected_reports = [("AS-1", "Tutee", None, "Draft", 1, 1)] if offset >= 11 else []
    assert [
        (row["Term"], row["About"], row["Outcome"], row["Status"], row["Sessions"], row["Hours"])
        for row in reports
    ] == expected_reports
    # Referrals are sensitive: "AS-1" has not ended, so none is released (the note says why).
    note, referrals = sheet(book, "Referrals")
    assert referrals == [] and note.startswith("Withheld")


@pytest.mark.parametrize("offset", [2, 7, 12])
def test_every_summary_indicator_is_rebuilt_or_marked_current(history, offset):
    as_of = day(offset)
    book = export(as_of)
    note, rows = summary(book)
    assert note.startswith(f"As of {as_of.isoformat()}:")
    rebuilt = sorted(key for key in rows if rebuilt_key(key))
    current = sorted(key for key in rows if not rebuilt_key(key))
    assert rebuilt and current
    for key, row in rows.items():
        marked = (row["Note"] or "").startswith("Current data: not rebuilt as of")
        assert marked == (key in current), key
    info = provenance(book)
    listed_rebuilt = info[f"Summary: indicators rebuilt as of {as_of.isoformat()}"]
    listed_current = info["Summary: indicators with current data"]
    assert sorted(listed_rebuilt.split(", ")) == rebuilt
    assert sorted(listed_current.split(", ")) == current


def test_a_current_workbook_has_no_as_of_marks(history):
    book = export()
    note, rows = summary(book)
    assert note is None
    assert not any((row["Note"] or "").startswith("Current data") for row in rows.values())
    for title in book.sheetnames:
        if title == "Referrals":  # sensitive counts: the release note, no "as of" mark
            assert not sheet(book, title)[0].startswith("Current data"), title
        elif title != "Provenance":
            assert sheet(book, title)[0] is None, title
    info = provenance(book)
    assert not any(key.startswith("Summary: indicators") for key in info)


@pytest.mark.parametrize(
    ("language", "sheet_mark", "indicator_mark"),
    [
        ("es", "Datos actuales: no reconstruidos al", "Datos actuales"),
        ("pt-br", "Dados atuais: não reconstruídos em", "Dados atuais"),
    ],
)
def test_the_marks_are_translated(history, language, sheet_mark, indicator_mark):
    with translation.override(language):
        book = export(day(2))
    marked = [
        title
        for title in book.sheetnames
        if str(book[title]["A1"].value or "").startswith(sheet_mark)
    ]
    assert len(marked) == len(get_sources()) - len(REBUILT_SHEETS)
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    notes = {row[6]: row[5] or "" for row in rows}
    assert notes["tutors"].startswith(indicator_mark)
    assert not notes["approval_rate"].startswith(indicator_mark)
