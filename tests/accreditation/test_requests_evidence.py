"""The request workflow's sheets and indicators against a hand-counted scenario.

Mexican site, programme P: six requests created today:
- R1 support, in progress, tutor T1, reasons emotional + academic, 2 sessions (60 + 30 min,
  video), referred once (sent);
- R2 support, closed, tutor T1, reasons academic, 1 session (45 min, in person);
- R3 individual class, approved (decided); R4 individual class, denied (art. 244, VII);
- R5 support, draft; R6 peer mentoring, withdrawn.
Brazilian programme: one support request (out of scope for the localhost export).
Students in the records: 10 (6 Mexican requests' students, 2 Brazilian, 2 without requests).

Expected (localhost): approved/decided = 3 of 4 -> 75.0 %; tutees per tutor = 2 / 1 = 2.0;
coverage = 2 tutored / 10 = 20.0 %; video sessions 2 (1.50 h), in-person 1 (0.75 h);
reason "academic" 2, referrals 1: sensitive, counted over the ended term 2026-1 only, so 0
(made today); moved into an ended term (``past_term``), released randomly rounded to base 5.
"""

import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from tests import factories
from tests.requests.conftest import add_failures, make_student, walk
from tutoria_cms.academics.models import Term
from tutoria_cms.accreditation.builder import build_workbook, collect_indicators
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import Referral, RequestKind, TutoringRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme, br_programme, term, component):
    coordinator = factories.UserFactory(username="c", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="b", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="t1", groups=[roles.TUTORS])
    actors = {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "deny": board,
        "start": coordinator,
        "close": tutor,
        "withdraw": coordinator,
    }
    students = [make_student(f"S{n}") for n in range(6)]
    make_student("BR0")
    make_student("X1")
    make_student("X2")

    def support(student, reasons, *actions, prog=programme, with_tutor=True):
        request = services.create_request(
            kind=RequestKind.SUPPORT,
            student=student,
            programme=prog,
            reasons=reasons,
            user=coordinator,
        )
        if with_tutor:
            request = services.assign_tutor(request, tutor, coordinator)
        return walk(request, actors, *actions)

    r1 = support(students[0], ["emotional", "academic"], "submit", "review", "approve", "start")
    services.record_session(
        r1, tutor, date=timezone.localdate(), modality="video", duration_minutes=60
    )
    services.record_session(
        r1, tutor, date=timezone.localdate(), modality="video", duration_minutes=30
    )
    services.refer(r1, tutor, reason="Orientación")
    r2 = support(students[1], ["academic"], "submit", "review", "approve", "start")
    services.record_session(
        r2, tutor, date=timezone.localdate(), modality="in_person", duration_minutes=45
    )
    walk(r2, actors, "close")
    for student, action in ((students[2], "approve"), (students[3], "deny")):
        if action == "deny":
            add_failures(student, component, absence=1)
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=student,
            term=term,
            component=component,
            programme=programme,
            user=coordinator,
        )
        walk(request, actors, "submit", "review", action, reason="Motivo")
    support(students[4], [], with_tutor=False)
    mentoring = services.create_request(
        kind=RequestKind.PEER_MENTORING,
        student=students[5],
        programme=programme,
        user=coordinator,
        mentoring_role="mentee",
    )
    walk(mentoring, actors, "submit", "withdraw")
    support(make_student("BR1"), ["low_income"], prog=br_programme, with_tutor=False)


def indicators(filters):
    return {i.key: i for i in collect_indicators(build_context(filters))}


@pytest.fixture
def past_term(world):
    """Sensitive counts are released only for whole ended terms: the world's requests and
    referral moved into one (created 60 days ago, in a term of 120 to 30 days ago)."""
    today = timezone.localdate()
    Term.objects.create(
        site=default_site(),
        code="PAST",
        name="PAST",
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today - datetime.timedelta(days=30),
    )
    then = timezone.now() - datetime.timedelta(days=60)
    TutoringRequest.objects.update(created_at=then)
    Referral.objects.update(created_at=then)


def test_request_indicators(world):
    got = indicators({"site": "localhost"})
    assert got["requests_support"].value == 3
    assert got["requests_individual_class"].value == 2
    assert got["requests_peer_mentoring"].value == 1
    assert got["requests_state_denied"].value == 1
    assert str(got["approval_rate"].value) == "75.0"
    assert got["tutees_per_tutor"].value == 2.0
    assert str(got["coverage"].value) == "20.0"
    assert got["sessions_individual_video"].value == 2
    assert str(got["hours_individual_video"].value) == "1.50"
    assert got["sessions_individual_in_person"].value == 1
    # Sensitive: counted over the ended term 2026-1 only, and every request is of today.
    assert got["reason_academic"].value == 0 and got["reason_academic"].suppressed
    assert got["referrals"].value == 0 and got["referrals"].suppressed


def test_sensitive_counts_of_ended_terms_are_rounded(past_term):
    context = build_context({"site": "localhost"})
    got = {i.key: i for i in collect_indicators(context)}
    assert got["requests_support"].value == 3  # not sensitive: exact
    academic = context.round_sensitive(("reason_academic",), 2)
    assert academic in (0, 5)
    assert got["reason_academic"].value == academic
    assert got["reason_academic"].suppressed == (academic < 5)
    assert got["referrals"].value == context.round_sensitive(("referrals",), 1)
    assert got["reason_low_income"].value == 0  # the Brazilian request is out of scope


def test_threshold_applies_after_rounding(past_term, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "SMALL_CELL_THRESHOLD": 2}
    context = build_context({"site": "localhost"})
    got = {i.key: i for i in collect_indicators(context)}
    academic = context.round_sensitive(("reason_academic",), 2)
    assert got["reason_academic"].value == academic
    assert got["reason_academic"].suppressed == (academic == 0)
    assert got["reason_low_income"].suppressed  # zero stays zero, under the threshold


def test_sheets_without_confidential_data(world):
    context = build_context({"site": "localhost"})
    buffer = io.BytesIO()
    build_workbook(context, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    requests = list(book["Tutoring requests"].iter_rows(values_only=True))
    assert len(requests) == 1 + 6
    denied = next(row for row in requests if row[2] == "Denied")
    assert "art. 244, VII" in denied[12] and denied[11] is False
    assert all(re.fullmatch(r"S-[A-Z2-7]{12}", row[4]) for row in requests[1:])
    history = list(book["Request history"].iter_rows(values_only=True))
    assert "Submitted" in {row[3] for row in history}
    # The board's typed reason for the denial is free text about a student: not here.
    changes = {row[4] for row in history[1:]}
    assert "Motivo" not in changes and "reason given (shown in identified exports)" in changes
    assert {"create", "submit", "approve"} <= changes
    referrals = list(book["Referrals"].iter_rows(values_only=True))
    # Sensitive: released for the ended term 2026-1 only (said above the header), and the
    # referral was made today.
    assert referrals[0][0].startswith("Sensitive counts: released only for the whole terms")
    assert "2026-1 (2026-02-02" in referrals[0][0] and len(referrals) == 2
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            text = " ".join(str(value) for value in row)
            assert "Orientación" not in text and "CONFIDENTIAL" not in text
            assert not re.search(r"\bS[0-5]\b", text)  # raw student numbers


def test_as_of_rebuilds_the_states_of_that_day(world):
    from tutoria_cms.requests.models import TutoringRequest

    TutoringRequest.history.update(history_date=timezone.now() - datetime.timedelta(days=3))
    context = build_context(
        {
            "site": "localhost",
            "as_of": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        }
    )
    buffer = io.BytesIO()
    build_workbook(context, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    rows = list(book["Tutoring requests"].iter_rows(values_only=True))[1:]
    assert len(rows) == 6
    context = build_context(
        {
            "site": "localhost",
            "as_of": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        }
    )
    buffer = io.BytesIO()
    build_workbook(context, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert list(book["Tutoring requests"].iter_rows(values_only=True))[1:] == []


def test_query_count_does_not_grow_with_requests(programme, term, component):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = factories.UserFactory(username="c2", groups=[roles.COORDINATION])

    def export_queries():
        context = build_context({"site": "localhost"})
        with CaptureQueriesContext(connection) as queries:
            build_workbook(context, io.BytesIO())
        return len(queries)

    def add(count, start):
        for number in range(start, start + count):
            services.create_request(
                kind=RequestKind.SUPPORT,
                programme=programme,
                student=make_student(f"Q{number}"),
                user=coordinator,
                reasons=["academic"],
            )

    add(1, 0)
    export_queries()  # warm the caches (content types, sites)
    few = export_queries()
    add(20, 1)
    assert export_queries() == few


def test_identified_history_keeps_the_reason_typed_for_a_decision(world):
    from tutoria_cms.requests.evidence import RequestHistorySource

    context = build_context({"site": "localhost"})
    context.identified = True  # what build_context sets for a permitted exporter
    changes = {row[4] for row in RequestHistorySource().rows(context)}
    assert "Motivo" in changes
