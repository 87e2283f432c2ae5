"""Programme and workshop pages: render time and queries as the data grows.

    python -m bench.pages [--sizes 1,10,50] [--repeat 20]

For each size N (workshops under one programme, each with 5 sessions and 20 registrations)
prints the median render time of the programme page and of a workshop page, their query
counts, and the ratio to the smallest N. Queries must not grow with N.

Then the same pages with the page cache on (``TUTORIA_CMS["PAGE_CACHE_SECONDS"]``, the test
settings have it off), side by side with the uncached figures: the median time of a cached
answer (``X-Cache: HIT``) and its queries. The workshop page carries the public sign-up form
(a CSRF token): it is never cached, so its "cached" column shows a rendered page.
"""

import argparse
import statistics
import time

from bench._setup import setup


def build(size):
    from tests import factories

    home = factories.build_site("es", f"bench-{size}.localhost", title="Bench")
    programme = factories.build_programme(factories.build_programme_index(home))
    workshops = [
        factories.build_workshop(
            programme,
            title=f"Taller {i}",
            capacity=30,
            sessions=[factories.session_data(days=d + 1) for d in range(5)],
        )
        for i in range(size)
    ]
    for workshop in workshops:
        factories.add_registrations(workshop, 20)
    return programme, workshops[0]


def measure(client, url, host, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_HOST=host)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(timings) * 1000, len(queries)


def measure_cached(client, url, host, repeat):
    """The same, with the page cache on: the first answer fills it (not counted)."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(TUTORIA_CMS={**settings.TUTORIA_CMS, "PAGE_CACHE_SECONDS": 300}):
        first = client.get(url, HTTP_HOST=host)
        assert first.status_code == 200, first.status_code
        ms, queries = measure(client, url, host, repeat)
        cached = client.get(url, HTTP_HOST=host).get("X-Cache") == "HIT"
    return ms, queries, "HIT" if cached else "-"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    setup()
    from django.test import Client

    client = Client()
    rows = []
    cached_rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        programme, workshop = build(size)
        host = f"bench-{size}.localhost"
        rows.append(
            (
                size,
                *measure(client, programme.get_url(), host, args.repeat),
                *measure(client, workshop.get_url(), host, args.repeat),
            )
        )
        cached_rows.append(
            (
                size,
                *measure_cached(client, programme.get_url(), host, args.repeat),
                *measure_cached(client, workshop.get_url(), host, args.repeat),
            )
        )
    base = rows[0]
    print("pages: median render time (ms) and queries, 5 sessions + 20 registrations each")
    print(
        f"{'workshops':>9} {'programme ms':>13} {'queries':>8} {'ratio':>6} "
        f"{'workshop ms':>12} {'queries':>8} {'ratio':>6}"
    )
    for size, p_ms, p_q, w_ms, w_q in rows:
        print(
            f"{size:>9} {p_ms:>13.2f} {p_q:>8} {p_ms / base[1]:>6.2f} "
            f"{w_ms:>12.2f} {w_q:>8} {w_ms / base[3]:>6.2f}"
        )
    print("with the page cache: uncached | cached median ms, queries (HIT: served from it)")
    print(
        f"{'workshops':>9} {'programme ms':>13} {'cached ms':>10} {'queries':>8} {'':>4} "
        f"{'workshop ms':>12} {'cached ms':>10} {'queries':>8} {'':>4}"
    )
    for row, cached in zip(rows, cached_rows, strict=True):
        size, p_ms, _p_q, w_ms, _w_q = row
        _size, pc_ms, pc_q, p_hit, wc_ms, wc_q, w_hit = cached
        print(
            f"{size:>9} {p_ms:>13.2f} {pc_ms:>10.2f} {pc_q:>8} {p_hit:>4} "
            f"{w_ms:>12.2f} {wc_ms:>10.2f} {wc_q:>8} {w_hit:>4}"
        )
    grew = [r for r in rows if r[2] != base[2] or r[4] != base[4]]
    print("queries constant in N:", "yes" if not grew else f"NO ({grew})")
    return 1 if grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
