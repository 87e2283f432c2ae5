"""The trend over terms, against a hand-counted scenario, and its cost in queries.

Terms (days from today): T1 -400..-220, T2 -200..-20, T3 -10..+100 (started), T4 +120..+200
(not started: never in the trend). Mexican site, programme P; students A..H, and BR1 of the
Brazilian site (9 records):

    term  requests (created in it)                 approved / decided  tutored      sessions
    T1    A in progress, B denied                  1 / 2 = 50.0 %      A            1 (A)
    T2    C in progress, D closed, E denied, F     2 / 3 = 66.7 %      C, D         2 (C, D)
          draft
    T3    none                                     - (none decided)    G (group)    1 (group)

Coverage = tutored / 9 records: T1 11.1 %, T2 22.2 %, T3 11.1 %. A Brazilian request created
in T2 is out of the Mexican scope. Workshops of P: a session in T1 (1 of 2 present: 50.0 %),
two in T2 (3 of 4 present over both: 75.0 %), none in T3 (rate empty).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from tests import factories
from tests.accreditation.test_admin import INDICATORS, client_for
from tests.requests.conftest import make_student, walk
from tutoria_cms.academics.models import Term
from tutoria_cms.accreditation.builder import collect_indicators
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.accreditation.trends import collect_trends, trend_periods
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, StudentGroup, TutoringRequest
from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def make_term(code, start, end):
    return Term.objects.create(
        site=default_site(),
        code=code,
        name=f"Term {code}",
        starts_on=days(start),
        ends_on=days(end),
    )


@pytest.fixture
def history(programme, br_programme):
    coordinator = factories.UserFactory(username="coord", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="board", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="tutor", groups=[roles.TUTORS])
    actors = {
        "submit": coordinator,
        "review": coordinator,
        "approve": board,
        "deny": board,
        "start": coordinator,
        "close": tutor,
    }
    terms = {
        code: make_term(code, start, end)
        for code, start, end in (
            ("T1", -400, -220),
            ("T2", -200, -20),
            ("T3", -10, 100),
            ("T4", 120, 200),
        )
    }
    students = {letter: make_student(letter * 3) for letter in "ABCDEFGH"}

    def request(letter, created, *actions, prog=programme, session=None, student=None):
        item = services.create_request(
            kind=RequestKind.SUPPORT,
            student=student or students[letter],
            programme=prog,
            user=coordinator,
        )
        if actions:
            item = services.assign_tutor(item, tutor, coordinator)
            item = walk(item, actors, *actions, reason="Motivo")
        if session is not None:
            services.record_session(
                item, tutor, date=days(session), modality="video", duration_minutes=30
            )
        TutoringRequest.objects.filter(pk=item.pk).update(
            created_at=timezone.now() + datetime.timedelta(days=created)
        )
        return item

    approve = ("submit", "review", "approve", "start")
    request("A", -300, *approve, session=-290)
    request("B", -300, "submit", "review", "deny")
    request("C", -100, *approve, session=-90)
    walk(request("D", -100, *approve, session=-80), actors, "close")
    request("E", -100, "submit", "review", "deny")
    request("F", -100)
    request("X", -100, *approve, prog=br_programme, student=make_student("BR1"))
    group = StudentGroup.objects.create(
        code="1A", name="Grupo 1A", term=terms["T3"], programme=programme, tutor=tutor
    )
    group.members.add(students["G"], students["H"])
    services.record_group_session(
        group,
        tutor,
        date=days(-1),
        topic="Estudio",
        modality="in_person",
        duration_minutes=60,
        attendees=[students["G"]],
    )

    workshop = factories.build_workshop(
        programme,
        sessions=[
            factories.session_data(days=-300),
            factories.session_data(days=-150),
            factories.session_data(days=-100),
        ],
    )
    factories.add_registrations(workshop, 2)
    first, second = WorkshopRegistration.objects.filter(workshop_id=workshop.pk).order_by("pk")
    s1, s2, s3 = workshop.ordered_sessions
    for session, registration, present in (
        (s1, first, True),
        (s1, second, False),
        (s2, first, True),
        (s2, second, True),
        (s3, first, True),
        (s3, second, False),
    ):
        Attendance.objects.create(session=session, registration=registration, present=present)
    return terms


def trend_values(filters):
    context = build_context(filters)
    periods, trends = collect_trends(context)
    return [p.key for p in periods], {t.key: t.values for t in trends}


def test_the_trend_per_term(history):
    keys, got = trend_values({"site": "localhost"})
    assert keys == ["T1", "T2", "T3"]  # T4 has not started
    assert got["requests"] == {"T1": 2, "T2": 4, "T3": 0}
    assert {k: str(v) for k, v in got["approval_rate"].items()} == {
        "T1": "50.0",
        "T2": "66.7",
        "T3": "None",
    }
    assert {k: str(v) for k, v in got["coverage"].items()} == {
        "T1": "11.1",
        "T2": "22.2",
        "T3": "11.1",
    }
    assert got["tutoring_sessions"] == {"T1": 1, "T2": 2, "T3": 1}
    assert got["workshop_sessions"] == {"T1": 1, "T2": 2, "T3": 0}
    assert {k: str(v) for k, v in got["workshop_attendance_rate"].items()} == {
        "T1": "50.0",
        "T2": "75.0",
        "T3": "None",
    }


def test_the_trend_agrees_with_the_indicators_of_each_term(history):
    _keys, trend = trend_values({"site": "localhost"})
    for code in ("T1", "T2", "T3"):
        found = {
            i.key: i.value
            for i in collect_indicators(build_context({"site": "localhost", "term": code}))
        }
        assert trend["requests"][code] == sum(
            value
            for key, value in found.items()
            if key in ("requests_support", "requests_individual_class", "requests_peer_mentoring")
        )
        assert trend["approval_rate"][code] == found["approval_rate"]
        assert trend["coverage"][code] == found["coverage"]
        assert trend["tutoring_sessions"][code] == sum(
            value for key, value in found.items() if key.startswith("sessions_")
        )
        assert trend["workshop_sessions"][code] == found["workshop_sessions"]
        assert trend["workshop_attendance_rate"][code] == found["workshop_attendance_rate"]


def test_a_selected_term_ends_the_trend_and_the_setting_bounds_it(history, settings):
    context = build_context({"site": "localhost", "term": "T2"})
    assert [p.key for p in trend_periods(context)] == ["T1", "T2"]
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "TREND_TERMS": 2}
    assert [p.key for p in trend_periods(build_context({}))] == ["T2", "T3"]


def test_other_sites_are_out_of_the_trend(history, br_home):
    # Terms are per institution: the Brazilian one has terms of the same dates.
    for term in list(Term.objects.all()):
        term.pk = None
        term.site = Site.objects.get(root_page=br_home)
        term.save()
    _keys, got = trend_values({"site": "127.0.0.1"})
    assert got["requests"] == {"T1": 0, "T2": 1, "T3": 0}
    assert got["workshop_sessions"] == {"T1": 0, "T2": 0, "T3": 0}


def test_queries_do_not_grow_with_terms(history, django_assert_max_num_queries):
    def trend_queries():
        context = build_context({"site": "localhost"})
        with CaptureQueriesContext(connection) as queries:
            collect_trends(context)
        return len(queries)

    trend_queries()  # warm the caches
    three = trend_queries()
    for index in range(6):
        make_term(f"P{index}", -1000 + index * 90, -930 + index * 90)
    context = build_context({"site": "localhost"})
    assert len(trend_periods(context)) == 6
    # One query for the terms, six for the requests, two for the workshops.
    with django_assert_max_num_queries(9):
        periods, trends = collect_trends(context)
    assert len(periods) == 6 and trends
    assert trend_queries() == three


def test_the_trend_on_the_indicators_page(history):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality).get(INDICATORS, {"site": "localhost"}).content.decode()
    assert page.count('class="tutoria-line-chart"') == 2  # percentages, counts
    start = page.index('id="trend-percent-title"')
    chart = page[start : page.index("</svg>", start)]
    assert ">Trend over terms: percentages</title>" in chart
    assert 'id="trend-percent-desc"' in chart
    assert "Coverage: T1 11.1, T2 22.2, T3 11.1" in chart
    assert "Approval rate: T1 50.0, T2 66.7, T3 —" in chart
    assert ">66.7</text>" in chart  # the value is written by its point
    assert "stroke-dasharray" in chart  # series differ by more than colour
    row = page[page.index('<tr data-trend="coverage">') :]
    row = row[: row.index("</tr>")]
    assert "<td>11.1</td><td>22.2</td><td>11.1</td>" in row
    for code in ("T1", "T2", "T3"):
        assert f'<th scope="col">{code}</th>' in page


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("es", "Tendencia por periodo: porcentajes"),
        ("pt-br", "Tendência por período: percentuais"),
    ],
)
def test_the_trend_speaks_the_admin_language(history, language, title):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    page = client_for(quality, language=language).get(INDICATORS, {"site": "localhost"})
    assert f">{title}</title>" in page.content.decode()
