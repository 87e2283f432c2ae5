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
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load import cluster, stats

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
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
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
    return parser.parse_args(argv)


# -- setting up ---------------------------------------------------------------------------------


def configure_django(database_url, workdir, conn_max_age, health_checks=True):
    """Environment of this process and of gunicorn: the bench settings on ``database_url``."""
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
    os.environ.update(environment)
    for name in ("EMAIL_HOST", "EMAIL_BACKEND", "WAGTAILSEARCH_BACKEND"):
        os.environ.pop(name, None)
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


def start_gunicorn(port, workdir, args):
    log = open(workdir / "gunicorn.log", "a")  # noqa: SIM115
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


def run_locust(name, port, manifest, workdir, args, duration, restart_at=None, server=None):
    """Run locust for ``duration`` seconds; restart the database at ``restart_at`` if given.
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
        f"http://127.0.0.1:{port}",
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
        "LOAD_PORT": str(port),
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
                window = server.restart()
                print(
                    f"  PostgreSQL restarted {window[0] - first:.1f} s into the run, "
                    f"down for {window[1] - window[0]:.2f} s",
                    flush=True,
                )
            process.wait(timeout=duration + 120)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
    stats_csv = (run_dir / "locust_stats.csv").read_text()
    endpoints, total = stats.parse_stats_csv(stats_csv)
    events = stats.read_events(events_path.read_text())
    return endpoints, total, events, window


def report_run(title, endpoints, total, events, window, server_log):
    """Print the run's figures; return the list of problems (failures where none may be)."""
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
        f"\nsign-ups: {signups['confirmed']} confirmed, {signups['waitlisted']} waitlisted, "
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
    if window is None:
        if total.failures:
            problems.append(f"{title}: {total.failures} failed requests without any fault")
    else:
        fault = stats.classify_failures(requests, *window)
        print(
            f"\nrestart window: {fault.ended - fault.began:.2f} s; failed requests in flight "
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
    server_errors = count_server_errors(*server_log)
    if server_errors:
        print("\nserver errors logged by Django (exception: count):")
        for line, count in server_errors.most_common(8):
            print(f"  {count:>5}  {line}")
    return problems


def count_server_errors(log_path, offset=0):
    """Server errors Django logged in gunicorn's log from ``offset`` on, counted."""
    with open(log_path, errors="replace") as log:
        log.seek(offset)
        return stats.server_errors(log.read())


def report_invariants(title, events):
    from bench.load.invariants import check_all

    results = check_all(events)
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


# -- all ----------------------------------------------------------------------------------------


def stop_on_signal(signum, frame):
    # SIGTERM (and SIGINT, even when a background shell ignores it) unwinds main(), whose
    # cleanup stops gunicorn and the cluster and removes the temporary directory.
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    workdir = Path(tempfile.mkdtemp(prefix="tutoria-load-"))
    if args.database_url:
        server = cluster.ExternalServer(args.database_url, args.restart_command)
    else:
        server = cluster.PrivateCluster(args.pg_bin)
    gunicorn = None
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
        configure_django(database_url, workdir, args.conn_max_age, not args.no_health_checks)
        started = time.monotonic()
        prepare_database(workdir)
        print(f"migrated and loaded the demo in {time.monotonic() - started:.0f} s", flush=True)
        port = cluster.free_port()
        gunicorn = start_gunicorn(port, workdir, args)
        print(
            f"gunicorn: sites.wsgi on 127.0.0.1:{port}, {args.workers} workers x "
            f"{args.threads} threads, CONN_MAX_AGE={args.conn_max_age} "
            f"{'without' if args.no_health_checks else 'with'} health checks; "
            f"locust: {args.users} users",
            flush=True,
        )
        from bench.load.fixtures import build_rush

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
        for name, batch, duration, restart_at in runs:
            manifest = build_rush(batch)
            warm_up(port, manifest)
            log_offset = (workdir / "gunicorn.log").stat().st_size
            label = f"{name} run ({duration} s" + (
                f", PostgreSQL restarted at {restart_at:g} s)" if restart_at else ")"
            )
            print(f"\n== {label}", flush=True)
            endpoints, total, events, window = run_locust(
                name, port, manifest, workdir, args, duration, restart_at, server
            )
            problems += report_run(
                label, endpoints, total, events, window, (workdir / "gunicorn.log", log_offset)
            )
            problems += report_invariants(label, events)
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
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
    restarted = " and PostgreSQL restarted" if args.fault_duration else " (no fault run asked)"
    print(f"all invariants hold; no request failed outside the restart{restarted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
