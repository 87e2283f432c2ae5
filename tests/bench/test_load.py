"""The load bench's pure logic and its invariant checker (the load run itself is a benchmark:
``python -m bench.load``)."""

import pytest

from bench.load import invariants, stats
from tests import factories
from tests.requests.conftest import make_student
from tutoria_cms.academics.models import CurricularComponent
from tutoria_cms.requests import services
from tutoria_cms.requests.models import IndividualClass, RequestKind

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
STATS_CSV = "\n".join(
    [
        HEADER,
        "POST,signup: submit,120,3,410,450.5,30,2900,0,2.0,0.05,"
        "410,500,560,600,800,1200,1900,2500,2900,2900,2900",
        "GET,public: HomePage,300,0,95,120.2,20,900,15000,5.0,0.0,"
        "95,110,130,140,200,310,500,700,900,900,900",
        "GET,admin: approve form,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A",
        ",Aggregated,420,3,120,214.7,20,2900,10714,7.0,0.05,"
        "120,160,220,300,500,700,1200,1900,2900,2900,2900",
    ]
)


def test_locust_statistics_are_parsed_per_endpoint_and_in_total():
    endpoints, total = stats.parse_stats_csv(STATS_CSV)
    assert [e.name for e in endpoints] == [
        "admin: approve form",
        "public: HomePage",
        "signup: submit",
    ]
    signup = endpoints[2]
    assert (signup.requests, signup.failures, signup.rps) == (120, 3, 2.0)
    assert (signup.p50, signup.p95, signup.p99) == (410, 1200, 2500)
    assert signup.failure_rate == pytest.approx(0.025)
    assert endpoints[0].p99 is None  # "N/A": no sample
    assert (total.requests, total.failures, total.rps, total.p95) == (420, 3, 7.0, 700)
    table = stats.format_table(endpoints, total)
    assert "signup: submit" in table and table.splitlines()[-1].split()[:3] == ["total", "420", "3"]


def test_statistics_without_an_aggregated_row_are_refused():
    with pytest.raises(ValueError, match="Aggregated"):
        stats.parse_stats_csv(STATS_CSV.rsplit("\n", 1)[0])


def request(start, ms, ok=True):
    return {"kind": "request", "name": "x", "start": start, "ms": ms, "ok": ok}


def test_failures_are_split_around_the_restart_window():
    began, ended = 100.0, 102.0
    requests = [
        request(90.0, 50, ok=False),  # failed before the restart
        request(99.5, 1000),  # succeeded across it
        request(99.9, 200, ok=False),  # in flight when it began
        request(101.0, 5, ok=False),  # sent while the database was down
        request(101.9, 500, ok=False),  # waiting when it came back
        request(102.1, 30),  # after it
        request(103.0, 30, ok=False),  # failed after it: what must not happen
    ]
    report = stats.classify_failures(requests, began, ended)
    assert (report.before, report.in_flight, report.after) == (1, 3, 1)
    assert report.requests_after == 2
    assert report.first_success_after == pytest.approx(0.1)
    assert not report.only_in_flight_failed
    clean = stats.classify_failures(requests[1:-1], began, ended)
    assert clean.only_in_flight_failed and clean.in_flight == 3


def test_timeline_counts_requests_and_failures_by_the_time_they_were_sent():
    requests = [
        request(95.0, 10),
        request(100.5, 10, ok=False),
        request(101.5, 10, ok=False),
        request(104.0, 10),
        request(500.0, 10),
    ]
    rows = stats.timeline(requests, 100.0, 101.0, step=2.0, before=6.0, after=4.0)
    assert [label.strip() for label, _count, _failed in rows] == [
        "-6.0s",
        "-4.0s",
        "-2.0s",
        "+0.0s",
        "+2.0s",
        "+4.0s",
    ]
    assert sum(count for _label, count, _failed in rows) == 4  # 500.0 is outside
    assert {label.strip(): (count, failed) for label, count, failed in rows}["+0.0s"] == (2, 2)


def test_events_log_is_grouped_by_kind_and_a_torn_last_line_ignored():
    text = (
        '{"kind": "signup", "workshop": 1, "number": "A1", "status": "confirmed"}\n'
        '{"kind": "request", "name": "x", "start": 1, "ms": 2, "ok": true}\n'
        '{"kind": "signup", "workshop": 1, "num'
    )
    events = stats.read_events(text)
    assert len(events["signup"]) == 1 and len(events["request"]) == 1
    outcomes = stats.count_outcomes(events)
    assert outcomes["sign-ups"]["confirmed"] == 1 and outcomes["sign-ups"]["refused"] == 0


def test_server_errors_are_counted_by_their_last_exception():
    log = "\n".join(
        [
            "Internal Server Error: /admin/x/",
            "Traceback (most recent call last):",
            '  File "a.py", line 1, in f',
            "AttributeError: 'SessionStore' object has no attribute '_session_cache'",
            "",
            "The above exception was the direct cause of the following exception:",
            "",
            "Traceback (most recent call last):",
            "django.db.utils.OperationalError: the database system is shutting down",
            "Content-Type: text/plain; charset=utf-8",
            "Subject: Confirmación",
            "Internal Server Error: /programas/",
            "Traceback (most recent call last):",
            "django.db.utils.OperationalError: the database system is shutting down",
        ]
    )
    assert stats.server_errors(log) == {
        "django.db.utils.OperationalError: the database system is shutting down": 2
    }
    assert stats.server_errors("Content-Type: text/plain\nFrom: a@b\n") == {}


# The invariant checker, against database states built by hand -----------------------------


def test_a_workshop_over_capacity_is_reported(programme):
    workshop = factories.build_workshop(programme, capacity=2)
    factories.add_registrations(workshop, 2)
    assert invariants.workshops_within_capacity() == []
    factories.add_registrations(workshop, 1, start=2)
    [violation] = invariants.workshops_within_capacity()
    assert f"workshop {workshop.pk}" in violation and "3 confirmed, capacity 2" in violation


def test_waiting_while_a_seat_is_free_is_reported(programme):
    workshop = factories.build_workshop(programme, capacity=3)
    factories.add_registrations(workshop, 2)
    factories.add_registrations(workshop, 1, status="waitlisted", start=2)
    [violation] = invariants.workshops_within_capacity()
    assert "1 waiting while 1 seats are free" in violation


def decided_class_request(number, term, component, coordinator, board):
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=make_student(f"20{number:05d}"),
        term=term,
        component=component,
        user=coordinator,
    )
    for action in ("submit", "review", "approve"):
        request = services.transition(
            request, action, board if action == "approve" else coordinator
        )
    return request


def test_a_class_over_four_students_is_reported(term, component, coordinator, board):
    requests = [decided_class_request(n, term, component, coordinator, board) for n in range(4)]
    assert invariants.classes_within_limit() == []
    assert invariants.one_history_row_per_transition() == []
    extra = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=make_student("2100001"),
        term=term,
        component=component,
        user=coordinator,
    )
    IndividualClass.objects.get().requests.add(extra)  # written around the service
    violations = invariants.classes_within_limit()
    assert any("5 students, at most 4" in violation for violation in violations)
    assert any(f"request {extra.pk} (draft) is in 1" in violation for violation in violations)
    assert len(requests) == 4


def test_two_classes_for_equivalent_components_are_reported(term, component, coordinator, board):
    equivalent = CurricularComponent.objects.create(code="MAT-B", name="Cálculo B", hours=60)
    component.equivalents.add(equivalent)
    decided_class_request(1, term, component, coordinator, board)
    assert invariants.classes_within_limit() == []
    IndividualClass.objects.create(term=term, component=equivalent)
    [violation] = invariants.classes_within_limit()
    assert "equivalent components" in violation


def test_a_student_over_the_per_term_limit_is_reported(term, coordinator):
    student = make_student("2019555")
    for number in range(3):
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=student,
            term=term,
            component=CurricularComponent.objects.create(code=f"C{number}", name="C", hours=60),
            user=coordinator,
        )
        if number < 2:
            services.transition(request, "submit", coordinator)
    assert invariants.students_within_term_limit() == []
    request.state = "submitted"  # a third active request, written around the service
    request.save()
    [violation] = invariants.students_within_term_limit()
    assert "3 active individual-class requests" in violation


def test_a_change_without_its_audit_entry_or_a_transition_without_its_history_is_reported(
    class_request, coordinator
):
    services.transition(class_request, "submit", coordinator)
    assert invariants.one_history_row_per_transition() == []
    class_request.refresh_from_db()
    class_request.state = "under_review"
    class_request.save()  # a history row, but no audit-log entry
    [violation] = invariants.one_history_row_per_transition()
    assert f"request {class_request.pk}: 3 history rows for 2 logged changes" in violation
    class_request.history.order_by("-history_id").first().delete()
    class_request.history.order_by("-history_id").first().delete()  # and submit's row
    [violation] = invariants.one_history_row_per_transition()
    assert "1 history rows for 2 logged changes" in violation


def test_an_accepted_sign_up_or_transition_not_stored_is_reported(
    programme, class_request, coordinator
):
    workshop = factories.build_workshop(programme, capacity=2)
    factories.add_registrations(workshop, 1)
    services.transition(class_request, "submit", coordinator)
    events = {
        "signup": [
            {"workshop": workshop.pk, "number": "A000000", "status": "confirmed"},
            {"workshop": workshop.pk, "number": "LOST1", "status": "waitlisted"},
        ],
        "created": [{"request": class_request.pk}],
        "transition": [
            {"request": class_request.pk, "action": "submit"},
            {"request": class_request.pk, "action": "review"},
        ],
    }
    violations = invariants.accepted_actions_stored(events)
    assert violations == [
        f"sign-up of LOST1 to workshop {workshop.pk} answered waitlisted, stored as nothing",
        f"request {class_request.pk}: review answered as done 1 time(s), stored 0",
    ]
    assert invariants.check_all(events)["every accepted action stored"] == violations
