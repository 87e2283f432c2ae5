"""The start of a large evidence export, with the task worker (``bench.load --web-nodes``).

One workshop with ``--export-rows`` attendance records (``bench.exports.build``), then:

1. inline: the workbook built in this process, as the command line does (no task, no queue;
   once untimed, then timed before and after the worker's jobs: the faster one counts);
2. through the admin: ``--export-requests`` POSTs of the quality office's export form to a
   web node, each timed until its answer (the redirect to the job's page), while the worker
   builds the ones before; then the worker's time for each job (started -> finished, from
   the job's row).

Goals: the POST answers in under 300 ms at the median; the worker builds the workbook in no
more than 1.1x the inline time (the median of its jobs against the inline build).
"""

import re
import statistics
import tempfile
import time
from pathlib import Path

POST_GOAL_MS = 300
WORKER_GOAL = 1.1
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOB_LINK = re.compile(r"/admin/evidence/jobs/(\d+)/")


def export_figures(post_ms, inline_seconds, worker_seconds):
    """(lines to print, goals met {label: bool}) from the timings (pure: tested)."""
    post = statistics.median(post_ms)
    worker = statistics.median(worker_seconds)
    ratio = worker / inline_seconds if inline_seconds else float("inf")
    lines = [
        f"  admin POST starting the export: median {post:.0f} ms "
        f"(each: {', '.join(f'{value:.0f}' for value in post_ms)} ms)",
        f"  built inline: {inline_seconds:.2f} s; by the worker: median "
        f"{worker:.2f} s (each: {', '.join(f'{value:.2f}' for value in worker_seconds)} s)"
        f"; worker/inline {ratio:.2f}x",
    ]
    goals = {
        f"POST median under {POST_GOAL_MS} ms": post < POST_GOAL_MS,
        f"worker within {WORKER_GOAL:g}x of inline": ratio <= WORKER_GOAL,
    }
    return lines, goals


def measure_export_start(args, port, worker):
    """Print the figures; returns the problems (an export that failed or never ended)."""
    import requests
    from django.contrib.auth import get_user_model
    from django.db import connections

    from bench.exports import build
    from bench.load.fixtures import QUIET, member_of, staff
    from tutoria_cms.accreditation import services
    from tutoria_cms.accreditation.context import build_context
    from tutoria_cms.accreditation.models import ExportJob
    from tutoria_cms.core import roles

    rows = args.export_rows
    print(f"\n== export of {rows:,} attendance rows: started in the admin, built by the worker")
    started = time.monotonic()
    with QUIET:
        host, slug = build(rows, 9)
        (account,) = staff("x", roles.QUALITY, "exporter", 1)
        member_of([account])
    print(f"  built the records in {time.monotonic() - started:.0f} s", flush=True)
    user = get_user_model().objects.get(pk=account["id"])
    filters = {"site": host, "programme": slug}

    def build_inline():
        with tempfile.TemporaryDirectory() as directory:
            context = build_context(filters, user=user)
            began = time.perf_counter()
            _job, result = services.export_to_path(context, Path(directory) / "inline.xlsx")
            elapsed = time.perf_counter() - began
        connections.close_all()
        return elapsed, result

    # Once untimed (it also imports and loads what a worker that has run a task holds), once
    # timed before the worker's jobs and once after them: the machine is shared, so the
    # faster of the two is the inline time (the stricter comparison for the worker).
    build_inline()
    inline, result = build_inline()
    session = requests.Session()
    session.cookies.set("sessionid", account["session"])
    url = f"http://127.0.0.1:{port}/admin/evidence/"
    post_ms, jobs = [], []
    for _request in range(args.export_requests):
        token = CSRF_INPUT.search(session.get(url, timeout=30).text).group(1)
        began = time.perf_counter()
        response = session.post(
            url,
            data={"csrfmiddlewaretoken": token, "site": host, "programme": slug},
            allow_redirects=False,
            timeout=60,
        )
        post_ms.append((time.perf_counter() - began) * 1000)
        match = JOB_LINK.search(response.headers.get("Location", ""))
        if response.status_code != 302 or not match:
            return [f"export start answered HTTP {response.status_code}"]
        jobs.append(int(match.group(1)))
    deadline = time.monotonic() + 120 + 3 * inline * len(jobs)
    finished = ExportJob.objects.none()
    while time.monotonic() < deadline:
        finished = ExportJob.objects.filter(pk__in=jobs, status__in=("done", "failed"))
        if finished.count() == len(jobs) or worker.process.poll() is not None:
            break
        time.sleep(1)
    problems = []
    worker_seconds = []
    for job in ExportJob.objects.filter(pk__in=jobs).order_by("pk"):
        if job.status != ExportJob.Status.DONE:
            problems.append(f"export job {job.pk} of {rows} rows is {job.status} {job.error}")
        else:
            worker_seconds.append((job.finished_at - job.started_at).total_seconds())
    if not worker_seconds:
        return [*problems, "no export of the timed size finished"]
    inline_after, _result = build_inline()
    print(f"  inline: {inline:.2f} s before the worker's jobs, {inline_after:.2f} s after")
    inline = min(inline, inline_after)
    total = sum(result.row_counts.values())
    lines, goals = export_figures(post_ms, inline, worker_seconds)
    print(f"  {total:,} rows in the workbook (all sheets)")
    print("\n".join(lines))
    for label, met in goals.items():
        print(f"  {label}: {'yes' if met else 'NO'}")
    return problems
