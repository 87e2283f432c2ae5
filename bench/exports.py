"""Evidence exports: the project's streaming exporter against raw openpyxl and list_export.

    python -m bench.exports [--sizes 10000,100000,500000]

For each N (attendance records of one workshop: N/50 students x 50 sessions, bulk-inserted
in a throwaway database) prints rows per second and peak memory (tracemalloc, in a second
pass: tracing slows Python down) of

- the project's exporter: ``build_workbook`` with the attendance sheet (queries, pseudonyms,
  safe cells, header, widths, autofilter, summary and provenance sheets), written to a file;
- the raw openpyxl write-only writer fed the same rows (already computed, in memory);
- Wagtail's ``list_export`` (``SpreadsheetExportMixin.write_xlsx``) over the same records,

each the best of three timings with the order rotated between rounds, then the ratios, and
"raw vs le": how much faster openpyxl's own writer is than list_export (what an exporter
that writes through openpyxl can hope to gain). Goals: exporter >= 0.85x the raw
writer's rows/s; its peak memory grows by less than 64 MiB from the smallest to the largest
N; >= 4x faster than list_export with at most a fifth of its memory; queries per export
constant in N.
"""

import argparse
import datetime
import gc
import io
import os
import tempfile
import time
import tracemalloc

from bench._setup import setup

SESSIONS = 50
ROUNDS = 3
MiB = 1024 * 1024


def build(size, index):
    from django.utils import timezone

    from tests import factories
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    host = f"bench-export-{index}.localhost"
    home = factories.build_site("es", host, title=f"Bench {size}")
    programme = factories.build_programme(
        factories.build_programme_index(home), title=f"Programa {size}"
    )
    workshop = factories.build_workshop(
        programme,
        title=f"Taller de {size} registros",
        capacity=size,
        sessions=[factories.session_data(days=-(d + 1)) for d in range(SESSIONS)],
    )
    students = max(size // SESSIONS, 1)
    factories.add_registrations(workshop, students, start=index * 1_000_000)
    registrations = list(
        WorkshopRegistration.objects.filter(workshop_id=workshop.pk).values_list("pk", flat=True)
    )
    sessions = [s.pk for s in workshop.ordered_sessions]
    now = timezone.now()
    batch = []
    for number in range(size):
        batch.append(
            Attendance(
                session_id=sessions[number % SESSIONS],
                registration_id=registrations[number // SESSIONS],
                present=bool(number % 3),
                recorded_at=now,
            )
        )
        if len(batch) == 10_000:
            Attendance.objects.bulk_create(batch)
            batch = []
    Attendance.objects.bulk_create(batch)
    return host, programme.slug


def measure(function, trace):
    gc.collect()
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    return elapsed, peak, result


def run(size, index, tmp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import Workbook
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    from tutoria_cms.accreditation.builder import build_workbook
    from tutoria_cms.accreditation.context import build_context
    from tutoria_cms.accreditation.registry import get_sources
    from tutoria_cms.core.xlsx import naive_local
    from tutoria_cms.workshops.models import Attendance

    host, slug = build(size, index)
    filters = {"site": host, "programme": slug}
    sources = [s for s in get_sources() if s.key == "workshop_attendance"]
    (source,) = sources

    def exporter():
        context = build_context(filters)
        with CaptureQueriesContext(connection) as queries:
            result = build_workbook(
                context, os.path.join(tmp, f"exporter-{size}.xlsx"), sources=sources
            )
        assert result.row_counts[str(source.title)] == size, result.row_counts
        return len(queries)

    context = build_context(filters)
    headers = [str(c) for c in source.columns]
    # The same rows, computed beforehand (not timed), as written: naive local datetimes.
    rows = [
        tuple(naive_local(v) if isinstance(v, datetime.datetime) else v for v in row)
        for row in source.rows(context)
    ]

    def raw():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Attendance")
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        workbook.save(os.path.join(tmp, f"raw-{size}.xlsx"))

    class Export(SpreadsheetExportMixin):
        list_export = [
            "session.page_id",
            "session.page.title",
            "session_id",
            "session.date",
            "session.start_time",
            "registration.student_number",
            "present",
            "recorded_at",
        ]

    def list_export():
        queryset = Attendance.objects.filter(session__page__path__startswith=context.scope_path)
        queryset = queryset.select_related("session__page", "registration").order_by(
            "session__date", "session__start_time", "session_id", "registration_id"
        )
        output = io.BytesIO()
        Export().write_xlsx(queryset, output)
        return len(output.getvalue())

    writers = [("exporter", exporter), ("raw", raw), ("list_export", list_export)]
    best, results = {}, {}
    # The best of ROUNDS timings, the order rotated each round, so that neither a noisy
    # moment nor going first decides a ratio.
    for round_number in range(ROUNDS):
        shift = round_number % len(writers)
        for name, function in writers[shift:] + writers[:shift]:
            elapsed, _peak, results[name] = measure(function, trace=False)
            best[name] = min(best.get(name, elapsed), elapsed)
    figures = {}
    for name, function in writers:
        _elapsed, peak, _result = measure(function, trace=True)
        figures[name] = (size / best[name], peak, results[name])
    rows.clear()
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,500000",
        help="comma-separated N (default 10000,100000,500000)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    setup()
    from django.utils import translation

    translation.activate("en")
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, size in enumerate(sizes):
            print(f"  building and exporting N = {size:,} ...", flush=True)
            table.append((size, run(size, index, tmp)))
    print(
        "exports: rows/s and peak memory (MiB); ratios exporter vs raw openpyxl and vs list_export"
    )
    print(
        f"{'N':>8} {'exporter r/s':>13} {'MiB':>6} {'raw r/s':>10} {'MiB':>6} "
        f"{'list_exp r/s':>13} {'MiB':>7} {'exp/raw':>8} {'speed vs le':>11} "
        f"{'raw vs le':>9} {'mem le/exp':>10} {'queries':>8}"
    )
    for size, f in table:
        exp, raw, le = f["exporter"], f["raw"], f["list_export"]
        print(
            f"{size:>8} {exp[0]:>13,.0f} {exp[1] / MiB:>6.1f} {raw[0]:>10,.0f} "
            f"{raw[1] / MiB:>6.1f} {le[0]:>13,.0f} {le[1] / MiB:>7.1f} "
            f"{exp[0] / raw[0]:>7.2f}x {exp[0] / le[0]:>10.1f}x {raw[0] / le[0]:>8.1f}x "
            f"{le[1] / max(exp[1], 1):>9.1f}x "
            f"{exp[2]:>8}"
        )
    first, last = table[0][1]["exporter"], table[-1][1]["exporter"]
    growth = (last[1] - first[1]) / MiB
    queries = {f["exporter"][2] for _size, f in table}
    checks = {
        "exporter >= 0.85x raw rows/s": all(
            f["exporter"][0] >= 0.85 * f["raw"][0] for _s, f in table
        ),
        f"exporter memory growth < 64 MiB ({growth:.1f} MiB)": growth < 64,
        ">= 4x faster than list_export": all(
            f["exporter"][0] >= 4 * f["list_export"][0] for _s, f in table
        ),
        "<= 1/5 of list_export's memory": all(
            f["exporter"][1] * 5 <= f["list_export"][1] for _s, f in table
        ),
        "queries constant in N": len(queries) == 1,
    }
    for label, ok in checks.items():
        print(f"{label}: {'yes' if ok else 'NO'}")
    # The exporter writes through openpyxl: "raw vs le" (openpyxl's writer, rows already in
    # memory, against list_export) is about as much as it can gain.
    gain = min(f["raw"][0] / f["list_export"][0] for _s, f in table)
    print(f"openpyxl's own writer vs list_export in this run: at least {gain:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
