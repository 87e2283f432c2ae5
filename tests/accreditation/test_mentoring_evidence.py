"""Peer mentoring's evidence: the "Mentoring pairs" sheet and its indicators, counted by hand.

Scenario (conftest ``mentoring_pairs``; days relative to now), programme "Mentoría entre
iguales" of the Mexican site, mentors M100001 (M1) and M100002 (M2), mentees E100001-E100005:
- P1 M1-E1 confirmed -30, under way: 2 meetings held (+1 scheduled, +1 cancelled), 2 open
  goals;
- P2 M1-E2 confirmed -60, closed -5: 3 meetings held, goals achieved, achieved, not achieved;
- P3 M2-E3 confirmed -90, closed -40: 1 meeting, 1 goal achieved;
- P4 M2-E4 confirmed -50, ended by a rematch -15: 1 meeting; P5 M1-E4 confirmed -15;
- P6 M2-E5 only suggested (never counted);
- on the Brazilian site, one pair confirmed -3 (1 meeting).

Localhost, range [-20, today]: rows P1, P2, P4, P5; active 4; closed 1 (P2); goals met 2.
No filters: 6 rows; active (confirmed today) 3 (P1, P5, Brazil); closed 2; goals met 3.
"""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.accreditation.conftest import (
    PRIVATE_TEXTS,
    days,
    make_mentoring_programme,
    make_pair,
    make_participant,
    range_filters,
)
from tests.accreditation.test_evidence import indicators, sheet_rows, workbook
from tutoria_cms.accreditation.builder import build_workbook
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.registry import get_sources
from tutoria_cms.core.pseudonyms import Pseudonymiser
from tutoria_cms.mentoring import services
from tutoria_cms.mentoring.evidence import PairsSource

KEYS = ("mentoring_active_pairs", "mentoring_closed_pairs", "mentoring_goals_met")
PSEUDONYM = re.compile(r"S-[A-Z2-7]{12}")


def values(filters):
    got = indicators(filters)
    return tuple(got[key].value for key in KEYS)


def pair_ids(book):
    return sorted(row["Pair id"] for row in sheet_rows(book, "Mentoring pairs"))


def ids(scenario, *names):
    return sorted(scenario[name].pk for name in names)


def test_indicators_in_range(mentoring_pairs):
    assert values(range_filters()) == (4, 1, 2)


def test_indicators_without_filters(mentoring_pairs):
    assert values({}) == (3, 2, 3)
    assert values({"site": "localhost"}) == (2, 2, 3)


def test_indicators_are_the_services_counts(mentoring_pairs):
    from wagtail.models import Site

    site = Site.objects.get(hostname="localhost")
    assert values({"site": "localhost"}) == (
        services.active_pairs_count(site=site),
        services.closed_pairs_count(site=site),
        services.goals_met_count(site=site),
    )
    got = values(range_filters())
    assert got[1:] == (
        services.closed_pairs_count(site=site, start=days(-20), end=days(0)),
        services.goals_met_count(site=site, start=days(-20), end=days(0)),
    )


def test_sheet_rows(mentoring_pairs):
    scenario = mentoring_pairs
    book, result = workbook(range_filters())
    assert result.row_counts["Mentoring pairs"] == 4
    rows = {row["Pair id"]: row for row in sheet_rows(book, "Mentoring pairs")}
    # Ordered by programme, then confirmation.
    assert list(rows) == [scenario[name].pk for name in ("p2", "p4", "p1", "p5")]
    pseudonym = Pseudonymiser()
    p1 = rows[scenario["p1"].pk]
    assert p1["Programme"] == "Mentoría entre iguales"
    assert p1["Status"] == "Confirmed"
    assert (p1["Mentor"], p1["Mentee"]) == (pseudonym("M100001"), pseudonym("E100001"))
    assert p1["Confirmed at"] is not None and p1["Ended at"] is None
    assert (p1["Meetings held"], p1["Goals"], p1["Goals met"]) == (2, 2, 0)
    p2 = rows[scenario["p2"].pk]
    assert p2["Status"] == "Closed" and p2["Ended at"] is not None
    assert (p2["Meetings held"], p2["Goals"], p2["Goals met"]) == (3, 3, 2)
    p4 = rows[scenario["p4"].pk]
    assert p4["Status"] == "Ended: rematched"
    assert (p4["Meetings held"], p4["Goals"], p4["Goals met"]) == (1, 0, 0)
    # The mentee rematched has the same pseudonym in both pairs.
    assert p4["Mentee"] == rows[scenario["p5"].pk]["Mentee"] == pseudonym("E100004")


def test_students_are_pseudonymised_and_nothing_private_is_exported(mentoring_pairs):
    book, _result = workbook({})
    rows = sheet_rows(book, "Mentoring pairs")
    assert len(rows) == 6
    assert all(
        PSEUDONYM.fullmatch(row["Mentor"]) and PSEUDONYM.fullmatch(row["Mentee"]) for row in rows
    )
    text = repr([list(sheet.iter_rows(values_only=True)) for sheet in book])
    assert not re.search(r"[ME][12]0000\d", text)
    for secret in PRIVATE_TEXTS:
        assert secret not in text


def test_identified_export_shows_student_numbers(mentoring_pairs, django_user_model):
    from django.contrib.auth.models import Permission

    user = factories.UserFactory(username="calidad", groups=["Quality office"])
    user.user_permissions.add(Permission.objects.get(codename="export_identified"))
    user = django_user_model.objects.get(pk=user.pk)
    book, _result = workbook(range_filters(identified=True), user=user)
    rows = sheet_rows(book, "Mentoring pairs")
    assert {row["Mentor"] for row in rows} == {"M100001", "M100002"}
    assert {row["Mentee"] for row in rows} == {"E100001", "E100002", "E100004"}
    text = repr([list(sheet.iter_rows(values_only=True)) for sheet in book])
    for secret in PRIVATE_TEXTS:  # identified means numbers, never names or notes
        assert secret not in text


def test_scope_by_site(mentoring_pairs):
    scenario = mentoring_pairs
    assert pair_ids(workbook({"site": "localhost"})[0]) == ids(
        scenario, "p1", "p2", "p3", "p4", "p5"
    )
    assert pair_ids(workbook({"site": "127.0.0.1"})[0]) == ids(scenario, "br")
    assert values({"site": "127.0.0.1"}) == (1, 0, 0)


def test_scope_by_date(mentoring_pairs):
    scenario = mentoring_pairs
    assert pair_ids(workbook(range_filters())[0]) == ids(scenario, "p1", "p2", "p4", "p5")
    past = {
        "site": "localhost",
        "date_from": days(-100).isoformat(),
        "date_to": days(-45).isoformat(),
    }
    # P5 and P1 were confirmed later; P3 closed at -40, after the range started.
    assert pair_ids(workbook(past)[0]) == ids(scenario, "p2", "p3", "p4")
    assert values(past) == (3, 0, 0)
    closing = {
        "site": "localhost",
        "date_from": days(-45).isoformat(),
        "date_to": days(-35).isoformat(),
    }
    assert values(closing) == (3, 1, 1)  # P2, P3, P4 (P1 later); P3 closed in it, 1 goal met


def test_scope_by_programme(mentoring_pairs, programme):
    scenario = mentoring_pairs
    filters = range_filters(programme=scenario["page"].slug)
    assert pair_ids(workbook(filters)[0]) == ids(scenario, "p1", "p2", "p4", "p5")
    assert values(filters) == (4, 1, 2)
    assert values({"site": "localhost", "programme": scenario["page"].slug}) == (2, 2, 3)
    # A programme without peer mentoring has no pairs.
    other = range_filters(programme=programme.slug)
    assert pair_ids(workbook(other)[0]) == []
    assert values(other) == (0, 0, 0)
    assert PairsSource.programme_filtered is True
    assert PairsSource.as_of_supported is False


def test_hook_adds_the_sheet(mentoring_pairs):
    assert "mentoring_pairs" in {source.key for source in get_sources()}
    book, _result = workbook(range_filters())
    assert "Mentoring pairs" in book.sheetnames
    summary = {row[6]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["mentoring_goals_met"][0] == "Peer mentoring"
    assert summary["mentoring_goals_met"][2] == 2
    provenance = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["Rows: Mentoring pairs"] == 4
    assert provenance["Data: Mentoring pairs"] == "current data"


@pytest.mark.parametrize("identified", [False, True])
def test_queries_do_not_grow_with_rows(programme_index, identified):
    source = PairsSource()
    page = factories.build_programme(programme_index, title="Mentoría", kind="peer_mentoring")
    programme = make_mentoring_programme(page)
    mentor = make_participant(programme, "mentor", "M900000")

    def count_queries():
        context = build_context({"site": "localhost"}, sources=[source])
        context.identified = identified
        with CaptureQueriesContext(connection) as queries:
            build_workbook(context, io.BytesIO(), sources=[source])
        return len(queries), context

    def add(n):
        mentee = make_participant(programme, "mentee", f"E9{n:05d}")
        make_pair(
            programme,
            mentor,
            mentee,
            "closed",
            confirmed=-20,
            ended=-1,
            held=2,
            goals=["achieved", "not_achieved"],
        )

    add(0)
    count_queries()  # warm the caches
    one, context = count_queries()
    assert len(list(source.rows(context))) == 1
    for n in range(1, 10):
        add(n)
    ten, context = count_queries()
    assert len(list(source.rows(context))) == 10
    assert ten == one
