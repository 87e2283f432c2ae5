"""Public pages over HTTP: requests per second of each page type, uncached and cached, and
bakerydemo's blog page in the same run (issue #17's goals).

    python -m bench.throughput [--bakerydemo PATH] [--duration 10] [--rounds 3]
                               [--connections 4] [--workers 2]

1. A throwaway PostgreSQL (the load bench's private cluster, ``bench.load.cluster``); the
   demo migrated and loaded into it, the static files collected (``bench.load``'s steps).
2. gunicorn serving ``sites.wsgi`` with the production settings (``bench.load.settings``:
   DEBUG off, plain HTTP on 127.0.0.1), ``--workers`` sync workers, twice: with the page
   cache off (``PAGE_CACHE_SECONDS=0``) and on (300 s, each worker's local-memory cache).
3. For each public page type, the first live page of that type on the Mexican demo site,
   loaded by ``wrk`` (``-c`` connections, ``--duration`` seconds, ``--rounds`` rounds, the
   pages taking turns in each round): the median requests per second and p99 latency.
4. With ``--bakerydemo PATH`` (a checkout of wagtail/bakerydemo whose requirements install
   on this Python, e.g. the "Version bump to Wagtail 7.2" commit), the same for its first
   blog page: a virtualenv in ``PATH/.venv-bench`` (made once: its ``requirements/base.txt``,
   gunicorn, psycopg, whitenoise, django-tasks 0.8.1), its own database on the same
   cluster, migrated and filled by its ``load_initial_data``, served by gunicorn with its
   production settings and the same number of sync workers, measured in the same rounds.

Then one table: each page's rps uncached and cached, p99 of both, cached/uncached, and
uncached/bakerydemo. Needs ``wrk`` (``apt-get install wrk``) and PostgreSQL's binaries.
The workshop page carries the public sign-up form (a CSRF token): it is never cached, so its
cached figures are a rendered page's.
"""

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load import cluster

ROOT = Path(__file__).resolve().parents[1]
PAGE_TYPES = (
    "home",
    "programme_index",
    "programme",
    "workshop",
    "workshop_calendar",
    "tutor_index",
    "tutor_profile",
    "partnership_index",
)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--bakerydemo", type=Path, help="a checkout of wagtail/bakerydemo")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the median is shown)")
    parser.add_argument("--connections", type=int, default=4, help="wrk's connections (-c)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--pg-bin", help="PostgreSQL's bin directory (found otherwise)")
    return parser.parse_args(argv)


# -- servers ------------------------------------------------------------------------------------


def gunicorn(python, app, port, workers, cwd, environment, log_path):
    """gunicorn serving ``app`` with ``workers`` sync workers on 127.0.0.1:``port``."""
    log = open(log_path, "a")  # noqa: SIM115
    command = [
        str(python),
        "-m",
        "gunicorn",
        app,
        "--config",
        str(ROOT / "bench" / "load" / "gunicorn.conf.py"),  # no settings file of its own
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
    ]
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        command,
        cwd=cwd,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}): see {log_path}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/", headers={"Host": "localhost"})
            connection.getresponse().read()
            return process  # it answers (a page, a redirect to https...)
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
        finally:
            connection.close()
    stop(process)
    raise RuntimeError(f"gunicorn did not answer within 90 s: see {log_path}")


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def get(port, path, host, headers=None):
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


# -- tutoria-cms -------------------------------------------------------------------------------


def prepare_tutoria(server, workdir):
    """The demo in a database of the cluster; the URLs of the pages measured."""
    from bench.load.__main__ import configure_django, prepare_database

    database_url = server.create_database("tutoria_throughput")
    configure_django(database_url, workdir, conn_max_age=60)
    prepare_database(workdir)
    from django.db import connections
    from wagtail.models import Site

    from tutoria_cms.core.models import get_page_model_for

    site = Site.objects.get(is_default_site=True)
    root = site.root_page.specific
    targets = {"home": (site.hostname, root.get_url(current_site=site))}
    for key in PAGE_TYPES[1:]:
        model = get_page_model_for(key)
        page = model.objects.live().public().descendant_of(root).order_by("path").first()
        if page is None:
            raise RuntimeError(f"the demo has no live {key} page on {site.hostname}")
        targets[key] = (site.hostname, page.get_url(current_site=site))
    connections.close_all()
    return targets


def tutoria_environment(cache_seconds):
    return {"PAGE_CACHE_SECONDS": str(cache_seconds)}


# -- bakerydemo --------------------------------------------------------------------------------


def bakerydemo_python(checkout):
    venv = checkout / ".venv-bench"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"bakerydemo: making {venv} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(checkout / "requirements" / "base.txt"),
                "gunicorn",
                "psycopg[binary]>=3.2.2,<3.3",
                "whitenoise==6.6.0",
                # 0.9.0 fails on Python 3.11 as soon as a task is enqueued (TaskResult[T]).
                "django-tasks==0.8.1",
            ],
            check=True,
        )
    return python


def bakerydemo_environment(database_url):
    return {
        "DJANGO_SETTINGS_MODULE": "bakerydemo.settings.production",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "PYTHONPATH": "",
    }


def prepare_bakerydemo(server, checkout, workdir):
    python = bakerydemo_python(checkout)
    database_url = server.create_database("bakerydemo_throughput")
    environment = {**os.environ, **bakerydemo_environment(database_url)}
    log = open(workdir / "bakerydemo-setup.log", "a")  # noqa: SIM115
    for command in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["load_initial_data"],
        ["collectstatic", "--noinput"],
    ):
        done = subprocess.run(  # noqa: S603
            [str(python), "manage.py", *command],
            cwd=checkout,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if done.returncode:
            log.close()
            tail = (workdir / "bakerydemo-setup.log").read_text()[-3000:]
            raise RuntimeError(f"bakerydemo: manage.py {' '.join(command)} failed:\n{tail}")
    found = subprocess.run(  # noqa: S603
        [
            str(python),
            "manage.py",
            "shell",
            "-c",
            "from bakerydemo.blog.models import BlogPage; "
            "print(BlogPage.objects.live().order_by('path').first().url)",
        ],
        cwd=checkout,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    path = found.stdout.strip().splitlines()[-1]
    return python, database_url, path


# -- wrk -----------------------------------------------------------------------------------------


def wrk(port, path, host, seconds, connections, headers=()):
    command = [
        "wrk",
        f"-c{connections}",
        f"-t{min(connections, 2)}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Host: {host}",
    ]
    for header in headers:
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{path}: {non_2xx.group(1)} answers were not 2xx/3xx\n{output}")
    return rps, float(value) * UNITS[unit]


def check_page(port, path, host, headers=None, cached=False):
    status, answer_headers, _body = get(port, path, host, headers)
    if status != 200:
        raise RuntimeError(f"{host}{path} answered {status}")
    return answer_headers.get("X-Cache", "")


# -- the run ------------------------------------------------------------------------------------


def measure(servers, targets, args):
    """{(server, page): [(rps, p99), ...]}, the pages taking turns in each round."""
    results = {}
    for round_number in range(args.rounds):
        print(f"round {round_number + 1} of {args.rounds}", flush=True)
        for server_name, (port, headers) in servers.items():
            for page, (host, path) in targets[server_name].items():
                figures = wrk(port, path, host, args.duration, args.connections, headers)
                results.setdefault((server_name, page), []).append(figures)
    return results


def median(pairs, index):
    return statistics.median(pair[index] for pair in pairs)


def report(results, targets, has_bakery):
    bakery = results.get(("bakerydemo", "blog_page"))
    bakery_rps = median(bakery, 0) if bakery else None
    header = "| page | path | uncached rps | p99 ms | cached rps | p99 ms | cached/uncached |"
    rule = "|---|---|---|---|---|---|---|"
    if has_bakery:
        header += " uncached/bakerydemo |"
        rule += "---|"
    print()
    print(header)
    print(rule)
    for page, (_host, path) in targets["uncached"].items():
        uncached, cached = results[("uncached", page)], results[("cached", page)]
        row = (
            f"| {page} | {path} | {median(uncached, 0):.1f} | {median(uncached, 1):.1f} | "
            f"{median(cached, 0):.1f} | {median(cached, 1):.1f} | "
            f"{median(cached, 0) / median(uncached, 0):.1f}x |"
        )
        if has_bakery:
            row += f" {median(uncached, 0) / bakery_rps:.2f}x |"
        print(row)
    if bakery:
        path = targets["bakerydemo"]["blog_page"][1]
        print(
            f"| bakerydemo blog page | {path} | {bakery_rps:.1f} | {median(bakery, 1):.1f} "
            "| | | |" + (" 1.00x |" if has_bakery else "")
        )


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("bench.throughput needs wrk: apt-get install wrk")
    if args.bakerydemo and not (args.bakerydemo / "manage.py").exists():
        raise SystemExit(f"{args.bakerydemo} is not a bakerydemo checkout (no manage.py)")
    workdir = Path(tempfile.mkdtemp(prefix="tutoria-throughput-"))
    server = cluster.PrivateCluster(args.pg_bin)
    processes = []
    try:
        server.start()
        targets_of_demo = prepare_tutoria(server, workdir)
        servers, targets = {}, {}
        for name, seconds in (("uncached", 0), ("cached", 300)):
            port = cluster.free_port()
            processes.append(
                gunicorn(
                    sys.executable,
                    "sites.wsgi:application",
                    port,
                    args.workers,
                    ROOT,
                    tutoria_environment(seconds),
                    workdir / f"gunicorn-{name}.log",
                )
            )
            servers[name] = (port, ())
            targets[name] = targets_of_demo
        if args.bakerydemo:
            checkout = args.bakerydemo.resolve()
            python, database_url, path = prepare_bakerydemo(server, checkout, workdir)
            port = cluster.free_port()
            processes.append(
                gunicorn(
                    python,
                    "bakerydemo.wsgi:application",
                    port,
                    args.workers,
                    checkout,
                    bakerydemo_environment(database_url),
                    workdir / "gunicorn-bakerydemo.log",
                )
            )
            # Its production settings redirect plain HTTP to HTTPS unless a proxy says so.
            servers["bakerydemo"] = (port, ("X-Forwarded-Proto: https",))
            targets["bakerydemo"] = {"blog_page": ("localhost", path)}
        # Every page answers 200 (and is cached where it should be) before anything is timed.
        for name, (port, headers) in servers.items():
            header_dict = dict(header.split(": ", 1) for header in headers)
            for _page, (host, path) in targets[name].items():
                for _ in range(3):
                    check_page(port, path, host, header_dict)
        cache_states = {
            page: check_page(servers["cached"][0], path, host)
            for page, (host, path) in targets["cached"].items()
        }
        print(
            f"gunicorn: {args.workers} sync workers per server; wrk -c{args.connections} "
            f"-d{args.duration}s, {args.rounds} rounds, medians; page cache answers: "
            + ", ".join(f"{page} {state or 'none'}" for page, state in cache_states.items()),
            flush=True,
        )
        results = measure(servers, targets, args)
        report(results, targets, bool(args.bakerydemo))
    finally:
        for process in processes:
            stop(process)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
