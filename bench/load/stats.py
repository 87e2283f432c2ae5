"""Pure logic of the load bench: locust's statistics, the events log, the restart window.

Nothing here touches the database or the network (tests/bench/test_load.py tests it).
"""

import collections
import csv
import dataclasses
import io
import json
import re

PERCENTILES = ("50%", "95%", "99%")


@dataclasses.dataclass(frozen=True)
class EndpointStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float | None
    p95: float | None
    p99: float | None

    @property
    def failure_rate(self):
        return self.failures / self.requests if self.requests else 0.0


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):  # locust writes "N/A" when there is no sample
        return None


def parse_stats_csv(text):
    """Rows of locust's ``*_stats.csv``: (endpoints sorted by name, the aggregated row)."""
    endpoints, total = [], None
    for row in csv.DictReader(io.StringIO(text)):
        stats = EndpointStats(
            name=row["Name"],
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            rps=_number(row["Requests/s"]) or 0.0,
            p50=_number(row["50%"]),
            p95=_number(row["95%"]),
            p99=_number(row["99%"]),
        )
        if row["Name"] == "Aggregated":
            total = stats
        else:
            endpoints.append(stats)
    if total is None:
        raise ValueError("No 'Aggregated' row in locust's statistics")
    return sorted(endpoints, key=lambda stats: stats.name), total


def _ms(value):
    return "-" if value is None else f"{value:.0f}"


def format_table(endpoints, total):
    """A plain-text table: requests, failures, requests per second and p50/p95/p99 (ms)."""
    width = max([len(stats.name) for stats in endpoints] + [len("total")])
    lines = [
        f"{'endpoint':<{width}}  {'requests':>8}  {'failures':>8}  {'req/s':>7}  "
        f"{'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}",
    ]
    for stats in [*endpoints, dataclasses.replace(total, name="total")]:
        if stats.name == "total":
            lines.append("-" * len(lines[0]))
        lines.append(
            f"{stats.name:<{width}}  {stats.requests:>8}  {stats.failures:>8}  "
            f"{stats.rps:>7.1f}  {_ms(stats.p50):>7}  {_ms(stats.p95):>7}  {_ms(stats.p99):>7}"
        )
    return "\n".join(lines)


def read_events(text):
    """The events log (one JSON object per line), grouped by kind; a torn last line is
    ignored (the log is read after locust has stopped)."""
    grouped = collections.defaultdict(list)
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        grouped[event["kind"]].append(event)
    return grouped


@dataclasses.dataclass(frozen=True)
class FaultReport:
    began: float
    ended: float
    in_flight: int  # failed requests that were in flight at some time of the restart
    before: int  # failed requests that ended before the restart began
    after: int  # failed requests that started after the restart had ended
    requests_after: int
    first_success_after: float | None  # seconds after the restart ended

    @property
    def only_in_flight_failed(self):
        return self.before == 0 and self.after == 0


def classify_failures(requests, began, ended):
    """Split failed requests by their time against the restart window [began, ended].

    A request is in flight during the restart when [start, start + duration] overlaps the
    window: sent while the server was going down, or waiting on it while it came back.
    """
    in_flight = before = after = requests_after = 0
    first_success_after = None
    for request in requests:
        start = request["start"]
        end = start + request["ms"] / 1000
        if start > ended:
            requests_after += 1
            if request["ok"] and (
                first_success_after is None or start - ended < first_success_after
            ):
                first_success_after = start - ended
        if request["ok"]:
            continue
        if end < began:
            before += 1
        elif start > ended:
            after += 1
        else:
            in_flight += 1
    return FaultReport(began, ended, in_flight, before, after, requests_after, first_success_after)


def timeline(requests, began, ended, *, step=2.0, before=6.0, after=12.0):
    """[(label, requests, failures)] in ``step``-second buckets around the restart, by the
    time each request was sent."""
    buckets = collections.OrderedDict()
    start = began - before
    edges = []
    edge = start
    while edge < ended + after:
        edges.append(edge)
        edge += step
    for edge in edges:
        buckets[edge] = [0, 0]
    for request in requests:
        sent = request["start"]
        if not (start <= sent < edges[-1] + step):
            continue
        edge = edges[min(int((sent - start) // step), len(edges) - 1)]
        buckets[edge][0] += 1
        buckets[edge][1] += 0 if request["ok"] else 1
    return [(f"{edge - began:+5.1f}s", count, failed) for edge, (count, failed) in buckets.items()]


def count_outcomes(events):
    """{"sign-ups": Counter, "transitions": Counter, "refusals": Counter} for the report."""
    signups = collections.Counter(event["status"] for event in events["signup"])
    signups["refused"] = len(events["signup_refused"])
    transitions = collections.Counter(event["action"] for event in events["transition"])
    transitions["created"] = len(events["created"])
    refusals = collections.Counter(
        f"{event.get('action', 'sign-up')}: {event['message']}"
        for event in events["signup_refused"] + events["transition_refused"]
    )
    return {"sign-ups": signups, "transitions": transitions, "refusals": refusals}


# "module.ExceptionName: message" (not the e-mails the console backend prints in between).
EXCEPTION_LINE = re.compile(
    r"^(?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*(?::|$)|^\w*(?:Error|Exception)(?::|$)"
)


def server_errors(log_text):
    """Django's "Internal Server Error" entries in a log, counted by the last exception of
    each one's traceback (a chained traceback prints its cause first)."""
    errors = collections.Counter()
    last = None
    for line in [*log_text.splitlines(), "Internal Server Error: (end)"]:
        if line.startswith("Internal Server Error:"):
            if last:
                errors[last[:160]] += 1
            last = ""
        elif last is not None and EXCEPTION_LINE.match(line):
            last = line
    return errors


# -- several nodes ---------------------------------------------------------------------------


def percentile(values, share):
    """The ``share`` (0-1) percentile of ``values``, nearest rank; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * share // 1))  # ceil, at least the first
    return ordered[min(int(rank), len(ordered)) - 1]


@dataclasses.dataclass(frozen=True)
class NodeStats:
    node: str
    requests: int
    failures: int
    p50: float | None
    p95: float | None


def by_node(requests):
    """{node: NodeStats} of the events log's requests (``node``: the port the user talked to;
    None when the run had one node and logged none)."""
    grouped = collections.defaultdict(list)
    for request in requests:
        grouped[str(request.get("node"))].append(request)
    return {
        node: NodeStats(
            node=node,
            requests=len(items),
            failures=sum(not item["ok"] for item in items),
            p50=percentile([item["ms"] for item in items], 0.50),
            p95=percentile([item["ms"] for item in items], 0.95),
        )
        for node, items in sorted(grouped.items())
    }


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The same load on one node, then on several: requests per second and latencies."""

    one: EndpointStats
    several: EndpointStats
    nodes: int

    @property
    def speedup(self):
        return self.several.rps / self.one.rps if self.one.rps else None

    @property
    def p95_lower(self):
        return None if None in (self.one.p95, self.several.p95) else self.several.p95 < self.one.p95

    def lines(self, goal=1.7):
        def row(label, stats):
            return (
                f"  {label:<10} {stats.rps:>8.1f} req/s  p50 {_ms(stats.p50):>5} ms  "
                f"p95 {_ms(stats.p95):>5} ms  {stats.failures} failures"
            )

        speedup = self.speedup
        return [
            row("1 node", self.one),
            row(f"{self.nodes} nodes", self.several),
            f"  ratio      {speedup or 0:.2f}x requests/s (goal {goal:g}x: "
            f"{'met' if speedup and speedup >= goal else 'NOT met'}); p95 "
            f"{'lower' if self.p95_lower else 'NOT lower'} with {self.nodes} nodes",
        ]


def ms_text(value):
    """Milliseconds as the tables show them ("-": no sample)."""
    return _ms(value)
