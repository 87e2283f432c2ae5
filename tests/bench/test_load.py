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


# Several nodes: the arguments, the statistics by node, the comparison, the worker's checks ---


def test_one_node_is_the_default_and_several_nodes_take_one_worker_each():
    from bench.load.__main__ import parse_args

    one = parse_args([])
    assert (one.web_nodes, one.several, one.workers, one.compare_nodes) == (1, False, 4, False)
    two = parse_args(["--web-nodes", "2"])
    assert (two.several, two.workers, two.threads) == (True, 1, 4)
    # Comparing needs several nodes: two unless more were asked for.
    assert parse_args(["--compare-nodes"]).web_nodes == 2
    assert parse_args(["--compare-nodes", "--web-nodes", "3", "--workers", "2"]).workers == 2
    with pytest.raises(SystemExit):
        parse_args(["--web-nodes", "0"])


def test_requests_are_split_by_node_with_their_percentiles():
    requests = [{**request(1.0, ms), "node": 8001} for ms in (10, 20, 30, 40, 1000)] + [
        {**request(1.0, 50, ok=False), "node": 8002},
        {**request(1.0, 70), "node": 8002},
    ]
    nodes = stats.by_node(requests)
    assert list(nodes) == ["8001", "8002"]
    first, second = nodes["8001"], nodes["8002"]
    assert (first.requests, first.failures, first.p50, first.p95) == (5, 0, 30, 1000)
    assert (second.requests, second.failures, second.p50) == (2, 1, 50)
    assert stats.percentile([], 0.5) is None
    assert stats.percentile([5], 0.95) == 5
    assert stats.percentile(list(range(1, 101)), 0.95) == 95
    # A run with one node logs none: one group.
    assert list(stats.by_node([request(1.0, 10)])) == ["None"]


def aggregated(rps, p50, p95, failures=0):
    return stats.EndpointStats("Aggregated", 100, failures, rps, p50, p95, p95)


def test_one_node_is_compared_with_several_under_the_same_load():
    met = stats.Comparison(aggregated(40.0, 90, 400), aggregated(70.0, 60, 250), 2)
    assert met.speedup == pytest.approx(1.75) and met.p95_lower
    lines = met.lines()
    assert "1.75x requests/s (goal 1.7x: met)" in lines[2] and "p95 lower" in lines[2]
    missed = stats.Comparison(aggregated(40.0, 90, 400), aggregated(52.0, 80, 420, 1), 2)
    assert "1.30x requests/s (goal 1.7x: NOT met)" in missed.lines()[2]
    assert "NOT lower" in missed.lines()[2] and "1 failures" in missed.lines()[1]
    assert stats.Comparison(aggregated(0.0, None, None), aggregated(5, 1, 1), 2).speedup is None


def test_the_runs_addresses_are_told_apart_from_the_others():
    assert invariants.batch_address("ldb00012@demo.example.edu", "b")
    assert invariants.batch_address("SB01234@demo.example.edu", "b")
    assert invariants.batch_address("eb003@demo.example.edu", "b")
    assert invariants.batch_address("pb1-0007@demo.example.edu", "b")
    assert not invariants.batch_address("lda00012@demo.example.edu", "b")
    assert not invariants.batch_address("sandra@demo.example.edu", "b")
    assert not invariants.batch_address("sb0123@demo.example.edu", "b")
    assert not invariants.batch_address("sb01234x@demo.example.edu", "b")


def test_e_mails_lost_or_duplicated_at_the_smtp_server_are_reported():
    # (at least, at most): a sign-up asked for twice may send its link once or twice.
    expected = {"a@x": (1, 1), "b@x": (2, 2), "c@x": (1, 1), "e@x": (1, 2)}
    received = {"a@x": 1, "b@x": 3, "d@x": 1, "e@x": 2}
    assert invariants.compare_mail(expected, received) == [
        "b@x: at most 2 sent, 3 received (duplicated)",
        "c@x: 1 sent, 0 received (lost)",
        "d@x: at most 0 sent, 1 received (duplicated)",
    ]
    assert invariants.compare_mail(expected, {"a@x": 1, "b@x": 2, "c@x": 1, "e@x": 1}) == []


def test_the_export_start_figures_and_goals():
    from bench.load.exports import export_figures

    lines, goals = export_figures([120.0, 80.0, 400.0], 10.0, [10.5, 10.9, 12.0])
    assert "median 120 ms" in lines[0] and "worker/inline 1.09x" in lines[1]
    assert goals == {"POST median under 300 ms": True, "worker within 1.1x of inline": True}
    _lines, goals = export_figures([350.0], 10.0, [11.5])
    assert goals == {"POST median under 300 ms": False, "worker within 1.1x of inline": False}


@pytest.mark.django_db
def test_a_sign_up_e_mail_unsent_lost_or_duplicated_is_reported(programme):
    from django.utils import timezone

    from tutoria_cms.workshops.models import WorkshopRegistration

    workshop = factories.build_workshop(programme, capacity=10)
    sent, duplicated, unsent, asked_twice = factories.add_registrations(workshop, 4)
    addresses = {"s": "sz00001@demo.example.edu", "d": "ez001@demo.example.edu"}
    WorkshopRegistration.objects.filter(pk=sent.pk).update(
        email=addresses["s"], confirmation_sent_at=timezone.now()
    )
    WorkshopRegistration.objects.filter(pk=duplicated.pk).update(
        email=addresses["d"], confirmation_sent_at=timezone.now()
    )
    WorkshopRegistration.objects.filter(pk=unsent.pk).update(email="pz0-0001@demo.example.edu")
    WorkshopRegistration.objects.filter(pk=asked_twice.pk).update(
        email="sz00002@demo.example.edu", confirmation_sent_at=timezone.now()
    )
    # Sent twice: its link was asked for twice (the second ask sends it again).
    events = {"signup": [{"workshop": workshop.pk, "number": asked_twice.student_number}] * 2}
    received = {
        addresses["s"]: 1,
        addresses["d"]: 2,
        "sz00002@demo.example.edu": 2,
        "ldy00001@demo.example.edu": 1,  # another run's
    }
    assert invariants.emails_sent_once("z", [workshop.pk], received, events) == [
        f"the e-mail of registration {unsent.pk} (pz0-0001@demo.example.edu) was never sent",
        f"{addresses['d']}: at most 1 sent, 2 received (duplicated)",
    ]


@pytest.mark.django_db
def test_an_export_not_built_or_run_twice_is_reported():
    from django.core.files.base import ContentFile
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Site

    from tutoria_cms.accreditation.models import ExportJob
    from tutoria_cms.accreditation.tasks import run_export_job

    factories.build_site("es", "localhost")
    site = Site.objects.get(hostname="localhost")
    done, twice, queued = (ExportJob.objects.create(site=site) for _job in range(3))
    for job in (done, twice):
        job.status = ExportJob.Status.DONE
        job.file.save("evidence.xlsx", ContentFile(b"workbook"))
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        for job in (done, twice, twice, queued):
            run_export_job.enqueue(job.pk)
    DBTaskResult.objects.filter(args_kwargs__args__0__in=[done.pk, twice.pk]).update(
        status="SUCCESSFUL"
    )
    events = {"export": [{"job": done.pk}, {"job": twice.pk}, {"job": queued.pk}]}
    assert invariants.exports_completed_once(events) == [
        f"export job {twice.pk}: its task ran 2 times",
        f"export job {queued.pk} is queued",
    ]
    assert invariants.exports_completed_once({"export": [{"job": done.pk}] * 2}) == [
        f"export job {done.pk} answered to 2 requests"
    ]


# The rush's fixtures on the demo (what ``python -m bench.load`` builds before each run) ----


@pytest.mark.slow
@pytest.mark.django_db
def test_the_rush_is_built_on_the_demo_with_a_quality_office_for_several_nodes(tmp_path):
    import io

    from django.core.management import call_command

    from bench.load.fixtures import QUIET, build_rush
    from tutoria_cms.core.models import InstitutionMembership
    from tutoria_cms.requests.models import RequestState, TutoringRequest

    with QUIET:
        call_command(
            "load_tutoria_demo", logins_file=str(tmp_path / "logins.json"), stdout=io.StringIO()
        )
    manifest = build_rush("t", quality=1)
    assert len(manifest["hot_workshops"]) == 3 and len(manifest["public_pages"]) > 10
    queued = TutoringRequest.objects.filter(pk__in=manifest["queued_requests"])
    assert {request.state for request in queued} == {RequestState.UNDER_REVIEW}
    (quality,) = manifest["quality"]
    sites = InstitutionMembership.objects.filter(user_id=quality["id"]).count()
    assert sites == len(manifest["export_sites"]) == 2
    assert manifest["export_from"] < manifest["export_to"]
    # One node: no quality office, no exports among the users.
    assert build_rush("u")["quality"] == []
