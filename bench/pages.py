"""Programme and workshop pages: render time and queries as the data grows.

    python -m bench.pages [--sizes 1,10,50] [--repeat 20]

For each size N (workshops under one programme, each with 5 sessions and 20 registrations)
prints the median render time of the programme page and of a workshop page, their query
counts, and the ratio to the smallest N. Queries must not grow with N.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    setup()
    from django.test import Client

    client = Client()
    rows = []
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
    grew = [r for r in rows if r[2] != base[2] or r[4] != base[4]]
    print("queries constant in N:", "yes" if not grew else f"NO ({grew})")
    return 1 if grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
