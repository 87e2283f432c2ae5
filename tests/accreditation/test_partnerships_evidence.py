"""The partnerships' evidence: the "Agreements" sheet and its indicators, counted by hand.

Scenario (conftest ``agreements``; days relative to today):
- A1 "Convenio de prácticas", Mexican site: signed -10, in force -10 to +365, supports the
  Mexican programme; commitments due -5 (not fulfilled: overdue), due -3 (fulfilled -4),
  due +30 (pending);
- A2 "Convenio marco", no site (counts for every site): signed -400, from -400, no expiry;
  commitments due -100 (never fulfilled), due -90 (fulfilled -30);
- A3, Mexican site, still in planning (never signed);
- A4, Mexican site: signed -100, in force -100 to -50 (expired); commitment due -70, not
  fulfilled;
- A5, Brazilian site: signed -5, no dates, supports the Brazilian programme.

Localhost, range [-20, today]: sheet A1, A2; signed 1 (A1); active 2 (A1, A2); overdue 2
(A1's due -5, A2's due -100). No filters: 5 rows; signed 4; active today 3 (A1, A2, A5);
overdue 3 (A1 -5, A2 -100, A4 -70). Localhost, range [-120, -60] (judged on day -60): sheet
A2, A4; signed 1 (A4); active 2; overdue 3 (A2 -100, A2 -90 fulfilled only at -30, A4 -70).
"""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accreditation.conftest import days, make_agreement, range_filters
from tests.accreditation.test_evidence import indicators, sheet_rows, workbook
from tutoria_cms.accreditation.builder import build_workbook
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.registry import get_sources
from tutoria_cms.partnerships import services
from tutoria_cms.partnerships.evidence import AgreementsSource

KEYS = ("signed_agreements", "active_agreements", "overdue_commitments")


def values(filters):
    got = indicators(filters)
    return tuple(got[key].value for key in KEYS)


def titles(book):
    return [row["Title"] for row in sheet_rows(book, "Agreements")]


def test_indicators_in_range(agreements):
    assert values(range_filters()) == (1, 2, 2)


def test_indicators_without_filters(agreements):
    assert values({}) == (4, 3, 3)


def test_indicators_of_a_past_range_judge_commitments_at_its_end(agreements):
    filters = {
        "site": "localhost",
        "date_from": days(-120).isoformat(),
        "date_to": days(-60).isoformat(),
    }
    assert values(filters) == (1, 2, 3)
    book, _result = workbook(filters)
    rows = {row["Title"]: row for row in sheet_rows(book, "Agreements")}
    assert set(rows) == {"Convenio marco", "Convenio vencido"}
    marco = rows["Convenio marco"]
    assert (marco["Commitments"], marco["Commitments fulfilled"], marco["Commitments overdue"]) == (
        2,
        0,
        2,
    )


def test_signed_indicator_is_the_services_count(agreements):
    from wagtail.models import Site

    site = Site.objects.get(hostname="localhost")
    got = indicators(range_filters())["signed_agreements"].value
    assert got == services.signed_agreements(site, days(-20), days(0))
    assert indicators({})["signed_agreements"].value == services.signed_agreements()


def test_sheet_rows(agreements):
    book, result = workbook(range_filters())
    assert result.row_counts["Agreements"] == 2
    rows = {row["Title"]: row for row in sheet_rows(book, "Agreements")}
    assert list(rows) == ["Convenio de prácticas", "Convenio marco"]  # by partner name
    a1 = rows["Convenio de prácticas"]
    assert a1["Agreement id"] == agreements["a1"].pk
    assert a1["Reference number"] == "CONV-001"
    assert a1["Partner"] == "Industrias del Bajío S.A."
    assert a1["Sector"] == "Private"
    assert a1["Purposes"] == "Professional internships, Scholarships"
    assert a1["Current stage"] == "Follow-up"
    assert a1["Signed on"].date() == days(-10)
    assert a1["Starts on"].date() == days(-10)
    assert a1["Expires on"].date() == days(365)
    assert (a1["Commitments"], a1["Commitments fulfilled"], a1["Commitments overdue"]) == (3, 1, 1)
    assert a1["Programmes and workshops supported"] == "Programa de Acción Tutorial"
    marco = rows["Convenio marco"]
    assert marco["Sector"] == "Public" and marco["Expires on"] is None
    assert (marco["Commitments"], marco["Commitments fulfilled"], marco["Commitments overdue"]) == (
        2,
        1,
        1,
    )
    assert marco["Programmes and workshops supported"] is None
    # The overdue column adds up to the indicator.
    overdue = indicators(range_filters())["overdue_commitments"].value
    assert sum(row["Commitments overdue"] for row in rows.values()) == overdue


def test_nothing_private_is_exported(agreements):
    from tutoria_cms.partnerships.models import Partner

    Partner.objects.update(
        contact_name="Lic. Contacto Privado", contact_email="privado@example.com"
    )
    book, _result = workbook({})
    text = repr([list(sheet.iter_rows(values_only=True)) for sheet in book])
    for secret in ("Contacto Privado", "privado@example.com", "Se recibieron"):
        assert secret not in text


def test_scope_by_site(agreements):
    book, _result = workbook({"site": "localhost"})
    assert sorted(titles(book)) == [
        "Convenio de prácticas",
        "Convenio en preparación",
        "Convenio marco",
        "Convenio vencido",
    ]  # not the Brazilian one (every agreement names its institution; A2 the default one)
    book, _result = workbook({"site": "127.0.0.1"})
    assert sorted(titles(book)) == ["Convênio de intercâmbio"]
    assert values({"site": "127.0.0.1"}) == (1, 1, 0)  # A5: signed, in force, no commitments


def test_scope_by_date(agreements):
    # Unsigned agreements only appear without a date range.
    assert "Convenio en preparación" in titles(workbook({})[0])
    book, _result = workbook(range_filters())
    assert sorted(titles(book)) == ["Convenio de prácticas", "Convenio marco"]
    # A range ending before A1 was signed leaves it out; A4 signed in it, A2 in force.
    book, _result = workbook(
        {"date_from": days(-200).isoformat(), "date_to": days(-90).isoformat()}
    )
    assert sorted(titles(book)) == ["Convenio marco", "Convenio vencido"]


def test_scope_by_programme(agreements, programme, workshop):
    filters = range_filters(programme=programme.slug)
    book, _result = workbook(filters)
    assert titles(book) == ["Convenio de prácticas"]
    assert values(filters) == (1, 1, 1)
    # An agreement supporting a workshop of the programme counts for the programme.
    make_agreement("Convenio de talleres", signed=-2, supports=[workshop])
    assert sorted(titles(workbook(filters)[0])) == ["Convenio de prácticas", "Convenio de talleres"]
    assert values(filters) == (2, 2, 1)
    assert AgreementsSource.programme_filtered is True
    assert AgreementsSource.as_of_supported is False


def test_hook_adds_the_sheet(agreements):
    assert "agreements" in {source.key for source in get_sources()}
    book, _result = workbook(range_filters())
    assert "Agreements" in book.sheetnames
    summary = {row[6]: row for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["signed_agreements"][0] == "Partnerships"
    assert summary["signed_agreements"][2] == 1
    provenance = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert provenance["Rows: Agreements"] == 2


def test_queries_do_not_grow_with_rows(programme, workshop):
    source = AgreementsSource()

    def count_queries():
        context = build_context({"site": "localhost"}, sources=[source])
        with CaptureQueriesContext(connection) as queries:
            build_workbook(context, io.BytesIO(), sources=[source])
        return len(queries), context

    def add(n):
        make_agreement(
            f"Convenio {n}",
            partner=f"Socio {n}",
            signed=-3,
            commitments=[(-2, None), (-1, -1)],
            supports=[programme, workshop],
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
