"""Load and faults: ``python -m bench.load`` (or ``make bench-load``).

1. A throwaway PostgreSQL: a private cluster (``initdb`` in a temporary directory, on
   127.0.0.1 and a free port; as root it runs as the ``postgres`` user), or a database
   created on the server of ``--database-url`` / ``BENCH_DATABASE_URL`` and dropped after.
2. Migrate, load the demo (``load_tutoria_demo``), collect the static files.
3. gunicorn serving ``sites.wsgi`` on 127.0.0.1 with ``bench.load.settings`` (production's,
   DEBUG off, persistent connections with health checks, plain HTTP).
4. Run "steady": the rush fixtures (``bench.load.fixtures``) and locust, headless, for
   ``--duration`` seconds: visitors, students signing up on nearly full workshops,
   coordinators filing and submitting requests, board members deciding them.
5. Run "fault": new fixtures, locust again, and PostgreSQL restarted ``--restart-at``
   seconds in; failures are split into those in flight during the restart and the others.
6. After each run: requests per second, p50/p95/p99 and failures per endpoint, what was
   accepted and refused, and the invariants (``bench.load.invariants``).

Several nodes (``--web-nodes N``, N > 1; ``--compare-nodes``): N gunicorn servers (one
worker each by default, on ports of their own) share the PostgreSQL cluster, a private Redis
(``CACHE_URL``) and a task worker (``manage.py db_worker``, django-tasks-db); e-mails go to an
SMTP sink in this process, which counts them. Locust's users pick their node round robin;
one person of the quality office requests evidence exports during the rush. Then:

- with ``--compare-nodes``: the same load on the first node alone, then on all of them,
  requests per second and p50/p95 side by side (and the CPU each took);
- "steady" on all nodes (without ``--compare-nodes``);
- "fault": the last node and the worker restarted ``--restart-at`` seconds in (SIGTERM, as a
  deploy does: gunicorn finishes its requests, the worker its task; then started again);
  no request may fail on the other nodes, nor on the restarted one outside its restart;
- after each run, the worker drained, the invariants above plus: every export requested
  was built once, every e-mail of the run sent once (the sink's count against the claims
  in the database), none left unsent;
- with ``--export-rows N`` (default 20000; 500000 is the goal's size): the median time of
  the admin's POST that starts an export of N attendance rows, and how long the worker
  took to build it against building it inline (in this process, no task).

Exits non-zero when an invariant fails, when a request failed outside the restart, or when
the steady run had any failure. Every connection goes to 127.0.0.1; every run is bounded
by its duration.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load import cluster, nodes, stats

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DATABASE = "tutoria_load"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=50, help="locust users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=25, help="users started per second")
    parser.add_argument("--duration", type=int, default=60, help="steady run, seconds (0: skip)")
    parser.add_argument(
        "--fault-duration",
        type=int,
        default=60,
        help="run with the database restart, seconds (0: skip)",
    )
    parser.add_argument(
        "--restart-at",
        type=float,
        default=20,
        help="seconds into the fault run when PostgreSQL restarts",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn worker processes per node (default 4 with one node, 1 with several)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="Django's CONN_MAX_AGE for the server (persistent connections)",
    )
    parser.add_argument(
        "--no-health-checks",
        action="store_true",
        help="turn CONN_HEALTH_CHECKS off (to compare: dead persistent "
        "connections then fail requests after the restart)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="an existing PostgreSQL server (a database is created there and "
        "dropped after) instead of a private cluster",
    )
    parser.add_argument(
        "--database-name",
        help="the database to create (default tutoria_load, or "
        "tutoria_load_<pid> on a given server; it must not exist there)",
    )
    parser.add_argument(
        "--restart-command", help="with --database-url: the shell command restarting that server"
    )
    parser.add_argument("--pg-bin", help="directory of initdb and pg_ctl (private cluster)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (logs, statistics, events)",
    )
    parser.add_argument(
        "--web-nodes",
        type=int,
        default=1,
        help="gunicorn servers sharing the database, a Redis cache and a task worker "
        "(default 1: one server, tasks and e-mails inside the request)",
    )
    parser.add_argument(
        "--compare-nodes",
        action="store_true",
        help="run the same load on one node, then on --web-nodes (at least 2) nodes",
    )
    parser.add_argument(
        "--export-rows",
        type=int,
        default=20000,
        help="with several nodes: attendance rows of the export whose start is timed "
        "(0: skip; the goal is stated for 500000)",
    )
    parser.add_argument(
        "--export-requests",
        type=int,
        default=5,
        help="exports of --export-rows started through the admin (the median is reported)",
    )
    args = parser.parse_args(argv)
    if args.web_nodes < 1:
        parser.error("--web-nodes must be at least 1")
    if args.compare_nodes and args.web_nodes < 2:
        args.web_nodes = 2
    args.several = args.web_nodes > 1
    if args.workers is None:
        args.workers = 1 if args.several else 4
    return args


# -- setting up ---------------------------------------------------------------------------------


def configure_django(database_url, workdir, conn_max_age, health_checks=True, shared=None):
    """Environment of this process, gunicorn and the worker: the bench settings on
    ``database_url``; with ``shared`` ({"cache_url", "smtp_port"}: several nodes) the Redis
    cache, the database task backend and e-mail over SMTP to the sink."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": str(conn_max_age),
        "BENCH_CONN_HEALTH_CHECKS": "1" if health_checks else "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "TUTORIA_VAR_DIR": str(workdir / "var"),
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    for name in ("EMAIL_HOST", "EMAIL_BACKEND", "WAGTAILSEARCH_BACKEND", "CACHE_URL"):
        os.environ.pop(name, None)
    if shared:
        environment.update(
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            CACHE_URL=shared["cache_url"],
            BENCH_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(shared["smtp_port"]),
            EMAIL_USE_TLS="false",
        )
    os.environ.update(environment)
    import django

    django.setup()


def prepare_database(workdir):
    from django.core.management import call_command

    from bench.load.fixtures import QUIET

    with QUIET:
        call_command("migrate", verbosity=0, interactive=False)
        call_command(
            "load_tutoria_demo",
            logins_file=str(workdir / "logins.json"),
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
    call_command("collectstatic", verbosity=0, interactive=False)


def start_gunicorn(port, workdir, args, log_name="gunicorn.log"):
    log = open(workdir / log_name, "a")  # noqa: SIM115
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sites.wsgi:application",
        # Not the repository's gunicorn.conf.py (production's), which gunicorn would load
        # from the working directory: only the settings below.
        "--config",
        str(Path(__file__).with_name("gunicorn.conf.py")),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--timeout",
        "30",
        "--graceful-timeout",
        "10",
        "--backlog",
        "512",
        # Longer than the users' pauses: with gunicorn's 2 s default, a client may reuse a
        # keep-alive connection the server is closing at that moment (connection reset).
        "--keep-alive",
        "20",
    ]
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}): see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 90 s")


def warm_up(port, manifest, rounds=3):
    """Every public page a few times, so that each worker has loaded its templates and
    catalogues before the measured run."""
    for _round in range(rounds):
        for target in manifest["public_pages"] + manifest["hot_workshops"]:
            request = urllib.request.Request(  # noqa: S310 (loopback)
                f"http://127.0.0.1:{port}{target['path']}",
                headers={"Host": f"{target['host']}:{port}"},
            )
            with contextlib.suppress(urllib.error.URLError):
                urllib.request.urlopen(request, timeout=30).read()  # noqa: S310


# -- one run ------------------------------------------------------------------------------------


def run_locust(name, ports, manifest, workdir, args, duration, restart_at=None, fault=None):
    """Run locust for ``duration`` seconds against the nodes on ``ports``; call ``fault`` (it
    restarts something and returns its window: (began, ended)) at ``restart_at`` if given.
    Returns (endpoints, total, events, restart window or None)."""
    from django.db import connections

    run_dir = workdir / name
    run_dir.mkdir()
    manifest_path = run_dir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    events_path = run_dir / "events.jsonl"
    events_path.touch()
    connections.close_all()
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{ports[0]}",
        "--csv",
        str(run_dir / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    environment = {
        **os.environ,
        "LOAD_MANIFEST": str(manifest_path),
        "LOAD_EVENTS": str(events_path),
        "LOAD_PORT": str(ports[0]),
        "LOAD_PORTS": ",".join(str(port) for port in ports),
    }
    with open(run_dir / "locust.log", "w") as log:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        window = None
        try:
            if restart_at is not None:
                # The run starts when locust starts its users (its first event).
                deadline = time.monotonic() + 60
                while events_path.stat().st_size == 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                first = json.loads(events_path.read_text().splitlines()[0])["t"]
                time.sleep(max(0.0, first + restart_at - time.time()))
                window = fault(first)
            process.wait(timeout=duration + 120)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
    stats_csv = (run_dir / "locust_stats.csv").read_text()
    endpoints, total = stats.parse_stats_csv(stats_csv)
    events = stats.read_events(events_path.read_text())
    return endpoints, total, events, window


def report_run(title, endpoints, total, events, window, server_logs, restarted=None):
    """Print the run's figures; return the list of problems (failures where none may be).
    ``server_logs``: [(log, offset)]; ``restarted``: the port of the node restarted in the
    run (None: the database was restarted, or nothing)."""
    problems = []
    print(
        f"\n{title}: {total.requests} requests, {total.rps:.1f} requests/s, "
        f"{total.failures} failures",
        flush=True,
    )
    print(stats.format_table(endpoints, total))
    outcomes = stats.count_outcomes(events)
    signups = outcomes["sign-ups"]
    print(
        f"\nsign-ups: {signups['requested']} requested (pending the e-mailed link), "
        f"{signups['confirmed']} confirmed, {signups['waitlisted']} waitlisted, "
        f"{signups['refused']} refused (full, duplicate)"
    )
    transitions = outcomes["transitions"]
    print(
        f"requests: {transitions['created']} created, {transitions['submit']} submitted, "
        f"{transitions['review']} put under review, {transitions['approve']} approved, "
        f"{transitions['deny']} denied"
    )
    if outcomes["refusals"]:
        print("refusals (the product's messages):")
        for message, count in outcomes["refusals"].most_common(8):
            print(f"  {count:>5}  {message}")
    requests = events["request"]
    failed = [request for request in requests if not request["ok"]]
    if failed:
        kinds = {}
        for request in failed:
            key = f"{request['name']}: {request['error']}"
            kinds[key] = kinds.get(key, 0) + 1
        print("failures:")
        for key, count in sorted(kinds.items(), key=lambda item: -item[1])[:10]:
            print(f"  {count:>5}  {key}")
    per_node = stats.by_node(requests)
    if len(per_node) > 1:
        print("by node:")
        for node in per_node.values():
            print(
                f"  127.0.0.1:{node.node}  {node.requests:>6} requests  {node.failures:>4} "
                f"failed  p50 {stats.ms_text(node.p50)} ms  p95 {stats.ms_text(node.p95)} ms"
                + ("  (restarted)" if restarted is not None and node.node == str(restarted) else "")
            )
    if window is None:
        if total.failures:
            problems.append(f"{title}: {total.failures} failed requests without any fault")
    elif restarted is None:
        problems += report_fault(title, requests, window)
    else:
        for node in per_node.values():
            if node.node != str(restarted) and node.failures:
                problems.append(
                    f"{title}: {node.failures} requests failed on 127.0.0.1:{node.node}, "
                    "which was not restarted"
                )
        print(f"\nthe restarted node (127.0.0.1:{restarted}):")
        problems += report_fault(
            title, [r for r in requests if str(r.get("node")) == str(restarted)], window
        )
    for log in server_logs:
        problems += report_server_errors(*log)
    return problems


def report_fault(title, requests, window):
    """Failures of ``requests`` around the restart ``window``; problems: any outside it."""
    problems = []
    fault = stats.classify_failures(requests, *window)
    print(
        f"restart window: {fault.ended - fault.began:.2f} s; failed requests in flight "
        f"during it: {fault.in_flight}; failed before it: {fault.before}; failed after it: "
        f"{fault.after} (of {fault.requests_after} requests sent after it)"
    )
    if fault.first_success_after is not None:
        print(
            f"first successful request sent {fault.first_success_after * 1000:.0f} ms "
            f"after the restart ended"
        )
    print("timeline (seconds from the restart, by the time requests were sent):")
    for label, count, failures in stats.timeline(requests, *window):
        print(f"  {label}  {count:>5} requests  {failures:>4} failed")
    if not fault.only_in_flight_failed:
        problems.append(
            f"{title}: {fault.before + fault.after} requests failed outside the restart"
        )
    return problems


def report_server_errors(log_path, offset):
    server_errors = count_server_errors(log_path, offset)
    if server_errors:
        print(f"\nserver errors logged by Django in {Path(log_path).name} (exception: count):")
        for line, count in server_errors.most_common(8):
            print(f"  {count:>5}  {line}")
    return []


def count_server_errors(log_path, offset=0):
    """Server errors Django logged in gunicorn's log from ``offset`` on, counted."""
    with open(log_path, errors="replace") as log:
        log.seek(offset)
        return stats.server_errors(log.read())


def report_invariants(title, events, mail=None):
    """The invariants after a run; with ``mail`` ({"batch", "workshops", "received"}: several
    nodes) also the exports and the e-mails of the task worker."""
    from bench.load import invariants

    results = invariants.check_all(events)
    if mail is not None:
        results["every export requested built once"] = invariants.exports_completed_once(events)
        results["every e-mail sent once, none left unsent"] = invariants.emails_sent_once(
            mail["batch"], mail["workshops"], mail["received"], events
        )
    print(f"\ninvariants after {title}:")
    problems = []
    for name, violations in results.items():
        print(
            f"  {'ok  ' if not violations else 'FAIL'}  {name}"
            + (f" ({len(violations)} violations)" if violations else "")
        )
        for violation in violations[:10]:
            print(f"          {violation}")
        if violations:
            problems.append(f"{title}: {name}")
    return problems


# -- several nodes ------------------------------------------------------------------------------


class Deployment:
    """The bench's processes: web nodes by port, and with several nodes the Redis, the SMTP
    sink and the task worker; ``stop()`` stops whatever was started."""

    def __init__(self, workdir, args):
        self.workdir = workdir
        self.args = args
        self.nodes = {}
        self.logs = {}
        self.redis = nodes.PrivateRedis(workdir) if args.several else None
        self.sink = nodes.SMTPSink() if args.several else None
        self.worker = nodes.Worker(workdir) if args.several else None

    def start_shared(self):
        """Redis and the SMTP sink (before Django is configured: it needs their ports)."""
        self.redis.start()
        self.sink.start()
        return {"cache_url": self.redis.url, "smtp_port": self.sink.port}

    def start_node(self, port, number):
        log_name = "gunicorn.log" if number == 0 else f"gunicorn-{number + 1}.log"
        self.logs[port] = self.workdir / log_name
        self.nodes[port] = start_gunicorn(port, self.workdir, self.args, log_name)

    def restart_node(self, port):
        """SIGTERM (gunicorn stops accepting, finishes its requests), wait, start again;
        returns (began, answering again)."""
        began = time.time()
        nodes.stop_process(self.nodes[port], timeout=30)
        number = list(self.nodes).index(port)
        self.start_node(port, number)
        return began, time.time()

    def log_offsets(self):
        return [(log, log.stat().st_size) for log in self.logs.values()]

    def stop(self):
        for process in self.nodes.values():
            nodes.stop_process(process, timeout=30)
        if self.worker is not None:
            nodes.stop_process(self.worker.process, timeout=60)
        if self.sink is not None:
            self.sink.stop()
        if self.redis is not None:
            self.redis.stop()


def cpu_meter(deployment, server):
    def postgres():
        try:
            return [int((server.data / "postmaster.pid").read_text().split()[0])]
        except (AttributeError, OSError, ValueError):
            return []

    return nodes.CPUMeter(
        {
            "web nodes": lambda: [process.pid for process in deployment.nodes.values()],
            "worker": lambda: [deployment.worker.process.pid],
            "PostgreSQL": postgres,
        }
    )


def fault_restarting(deployment, port):
    """The fault of a run with several nodes: the node on ``port`` and the worker restarted
    (SIGTERM, then started again), as a deploy does; returns the node's window."""

    def fault(first):
        # Both at once, as a deploy that rolls the worker and a web server together.
        worker = {}
        thread = threading.Thread(
            target=lambda: worker.update(times=deployment.worker.restart()), daemon=True
        )
        thread.start()
        began, ended = deployment.restart_node(port)
        thread.join(timeout=180)
        worker_began, worker_stopped = worker["times"]
        print(
            f"  worker restarted {worker_began - first:.1f} s into the run (stopped in "
            f"{worker_stopped - worker_began:.2f} s); node 127.0.0.1:{port} restarted "
            f"{began - first:.1f} s in, answering again after {ended - began:.2f} s",
            flush=True,
        )
        return began, ended

    return fault


def run_several(args, workdir, server, deployment):
    """The runs with several nodes; returns the problems."""
    from bench.load.fixtures import build_rush

    problems = []
    ports = [cluster.free_port() for _node in range(args.web_nodes)]
    for number, port in enumerate(ports):
        deployment.start_node(port, number)
    deployment.worker.start()
    print(
        f"{args.web_nodes} gunicorn nodes on 127.0.0.1:{', '.join(map(str, ports))}, each "
        f"{args.workers} worker(s) x {args.threads} threads; Redis on 127.0.0.1:"
        f"{deployment.redis.port}; SMTP sink on 127.0.0.1:{deployment.sink.port}; one task "
        f"worker (db_worker); locust: {args.users} users; {os.cpu_count()} cores",
        flush=True,
    )
    runs = []
    if args.compare_nodes:
        runs.append(("one node", "c", ports[:1], args.duration, None))
        runs.append((f"{args.web_nodes} nodes", "d", ports, args.duration, None))
    elif args.duration:
        runs.append(("steady", "a", ports, args.duration, None))
    if args.fault_duration:
        runs.append(("fault", "b", ports, args.fault_duration, args.restart_at))
    totals = {}
    for name, batch, run_ports, duration, restart_at in runs:
        manifest = build_rush(batch, quality=1)
        nodes.drain(deployment.worker)  # the fixtures' own e-mails, before the run
        for port in run_ports:
            warm_up(port, manifest)
        offsets = deployment.log_offsets()
        label = f"{name} run ({duration} s, {len(run_ports)} node(s)" + (
            f", node {ports[-1]} and the worker restarted at {restart_at:g} s)"
            if restart_at
            else ")"
        )
        print(f"\n== {label}", flush=True)
        meter = cpu_meter(deployment, server)
        meter.start()
        fault = fault_restarting(deployment, ports[-1]) if restart_at else None
        endpoints, total, events, window = run_locust(
            name.replace(" ", "-"), run_ports, manifest, workdir, args, duration, restart_at, fault
        )
        cpu = meter.stop()
        problems += report_run(
            label,
            endpoints,
            total,
            events,
            window,
            offsets,
            restarted=ports[-1] if restart_at else None,
        )
        print(nodes.format_cpu(cpu))
        pending = nodes.drain(deployment.worker)
        if pending:
            problems.append(f"{label}: tasks left unrun: {dict(pending)}")
        exports = len(events["export"])
        print(
            f"exports requested: {exports}; e-mails at the sink so far: "
            f"{deployment.sink.handler.messages}"
        )
        problems += report_invariants(
            label,
            events,
            mail={
                "batch": batch,
                "workshops": [workshop["id"] for workshop in manifest["hot_workshops"]],
                "received": deployment.sink.handler.snapshot(),
            },
        )
        totals[name] = total
    if args.compare_nodes:
        comparison = stats.Comparison(
            totals["one node"], totals[f"{args.web_nodes} nodes"], args.web_nodes
        )
        print(f"\n== one node against {args.web_nodes}, the same load ({args.users} users)")
        print("\n".join(comparison.lines()))
    if args.export_rows:
        from bench.load.exports import measure_export_start

        problems += measure_export_start(args, ports[0], deployment.worker)
    return problems


# -- all ----------------------------------------------------------------------------------------


def stop_on_signal(signum, frame):
    # SIGTERM (and SIGINT, even when a background shell ignores it) unwinds main(), whose
    # cleanup stops gunicorn and the cluster and removes the temporary directory.
    raise SystemExit(128 + signum)


def run_one(args, workdir, server, deployment):
    """One node: steady, then PostgreSQL restarted; returns the problems."""
    from bench.load.fixtures import build_rush

    problems = []
    port = cluster.free_port()
    deployment.start_node(port, 0)
    print(
        f"gunicorn: sites.wsgi on 127.0.0.1:{port}, {args.workers} workers x "
        f"{args.threads} threads, CONN_MAX_AGE={args.conn_max_age} "
        f"{'without' if args.no_health_checks else 'with'} health checks; "
        f"locust: {args.users} users",
        flush=True,
    )
    runs = []
    if args.duration:
        runs.append(("steady", "a", args.duration, None))
    if args.fault_duration:
        if server.can_restart:
            runs.append(("fault", "b", args.fault_duration, args.restart_at))
        else:
            # Not a pass: the restart is half of what the bench shows.
            problems.append(
                "fault run not performed: give --restart-command to restart "
                "an external server (or --fault-duration 0 to leave it out)"
            )

    def restart_database(first):
        window = server.restart()
        print(
            f"  PostgreSQL restarted {window[0] - first:.1f} s into the run, "
            f"down for {window[1] - window[0]:.2f} s",
            flush=True,
        )
        return window

    for name, batch, duration, restart_at in runs:
        manifest = build_rush(batch)
        warm_up(port, manifest)
        offsets = deployment.log_offsets()
        label = f"{name} run ({duration} s" + (
            f", PostgreSQL restarted at {restart_at:g} s)" if restart_at else ")"
        )
        print(f"\n== {label}", flush=True)
        endpoints, total, events, window = run_locust(
            name, [port], manifest, workdir, args, duration, restart_at, restart_database
        )
        problems += report_run(label, endpoints, total, events, window, offsets)
        problems += report_invariants(label, events)
    return problems


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    workdir = Path(tempfile.mkdtemp(prefix="tutoria-load-"))
    if args.database_url:
        server = cluster.ExternalServer(args.database_url, args.restart_command)
    else:
        server = cluster.PrivateCluster(args.pg_bin)
    deployment = Deployment(workdir, args)
    problems = []
    began = time.monotonic()
    try:
        server.start()
        name = args.database_name or (
            f"{DATABASE}_{os.getpid()}" if args.database_url else DATABASE
        )
        database_url = server.create_database(name)
        where = (
            f"private cluster on 127.0.0.1:{server.port}"
            if isinstance(server, cluster.PrivateCluster)
            else "the given server"
        )
        print(f"PostgreSQL: database {name} on {where}", flush=True)
        shared = deployment.start_shared() if args.several else None
        configure_django(
            database_url, workdir, args.conn_max_age, not args.no_health_checks, shared
        )
        started = time.monotonic()
        prepare_database(workdir)
        print(f"migrated and loaded the demo in {time.monotonic() - started:.0f} s", flush=True)
        run = run_several if args.several else run_one
        problems += run(args, workdir, server, deployment)
    finally:
        deployment.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        server.stop()
        if args.keep:
            print(f"\nkept: {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ntotal time {time.monotonic() - began:.0f} s")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    if args.several:
        print(
            "all invariants hold; no request failed on the nodes that were not restarted, "
            "nor on the restarted one outside its restart"
        )
        return 0
    restarted = " and PostgreSQL restarted" if args.fault_duration else " (no fault run asked)"
    print(f"all invariants hold; no request failed outside the restart{restarted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
