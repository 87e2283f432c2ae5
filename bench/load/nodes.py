"""Several web nodes: a private Redis, an SMTP sink, the task worker and the CPU they used.

Used by ``python -m bench.load --web-nodes N`` (and ``--compare-nodes``): every process
listens on 127.0.0.1 only, on a free port, and is stopped when the bench ends.

- :class:`PrivateRedis`: ``redis-server`` without persistence (``--save '' --appendonly
  no``), the shared cache of the nodes (``CACHE_URL``).
- :class:`SMTPSink`: an aiosmtpd server in the bench's own process that accepts every message
  and counts them by recipient: "every e-mail sent once" is checked against it.
- :class:`Worker`: ``manage.py db_worker`` (django-tasks-db), restarted with SIGTERM, as a
  deploy does: it finishes the task it is running, then exits.
- :class:`CPUMeter`: the machine's busy share and each process tree's CPU seconds during a run.
"""

import collections
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.load.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def stop_process(process, timeout=30, signal_name="terminate"):
    """SIGTERM (or SIGKILL with ``signal_name="kill"``), then wait; SIGKILL after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    getattr(process, signal_name)()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class PrivateRedis:
    def __init__(self, workdir):
        self.workdir = workdir
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server was not found (apt-get install redis-server)")
        self.port = free_port()
        log = open(self.workdir / "redis.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port)

        def answers():
            try:
                return client.ping()
            except redis.exceptions.ConnectionError:
                return False

        if not wait_until(answers, 20):
            raise RuntimeError(f"redis-server did not answer: see {log.name}")

    def stop(self):
        stop_process(self.process, timeout=10)


class CountingHandler:
    """aiosmtpd handler: accepts every message, counts it for each recipient."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = collections.Counter()
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages += 1
            for address in envelope.rcpt_tos:
                self.received[address.lower()] += 1
        return "250 2.0.0 OK"

    def snapshot(self):
        with self.lock:
            return collections.Counter(self.received)


class SMTPSink:
    def __init__(self):
        self.handler = CountingHandler()
        self.controller = None
        self.port = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()


class Worker:
    """``manage.py db_worker`` with the bench's environment (this process's)."""

    def __init__(self, workdir):
        self.log_path = workdir / "worker.log"
        self.process = None
        self.restarts = []

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        return self.process

    def restart(self):
        """SIGTERM (the worker finishes its current task, then exits), start again; returns
        (stopped at, started at)."""
        began = time.time()
        stop_process(self.process, timeout=120)
        stopped = time.time()
        self.start()
        self.restarts.append((began, stopped))
        return began, stopped

    def stop(self):
        stop_process(self.process, timeout=60)


def pending_tasks():
    """Tasks the worker has not finished (ready or running), by task path."""
    from django_tasks_db.models import DBTaskResult

    return collections.Counter(
        DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).values_list(
            "task_path", flat=True
        )
    )


def drain(worker, timeout=180):
    """Wait until the worker has run every task enqueued (or ``timeout``); returns the
    tasks still pending."""
    from django.db import connections

    def done():
        connections.close_all()
        if worker.process.poll() is not None:
            return True
        return not pending_tasks()

    wait_until(done, timeout, interval=0.5)
    return pending_tasks()


def _tree_cpu(pid):
    """{pid: CPU seconds (user + system)} of ``pid`` and its children (each with its own
    children that it waited for)."""
    import psutil

    try:
        process = psutil.Process(pid)
        processes = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {}
    cpu = {}
    for item in processes:
        try:
            times = item.cpu_times()
        except psutil.NoSuchProcess:
            continue
        cpu[item.pid] = times.user + times.system + times.children_user + times.children_system
    return cpu


def cpu_delta(before, after):
    """CPU seconds between two samples ({pid: seconds}): a process that started in between
    counts whole; one that ended in between is not in ``after`` (its CPU is lost here)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _reaped_children():
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CPUMeter:
    """Between ``start()`` and ``stop()``: the machine's busy share of all its cores, the
    load average at the end, and the CPU seconds of named process trees (``pids``: name ->
    callable returning the current pids, since restarted processes change)."""

    def __init__(self, pids):
        self.pids = pids

    def _sample(self):
        import psutil

        trees = {}
        for name, get in self.pids.items():
            trees[name] = {}
            for pid in get():
                trees[name].update(_tree_cpu(pid))
        return psutil.cpu_times(), trees

    def start(self):
        self.began = time.monotonic()
        self.machine, self.trees = self._sample()
        self.children = _reaped_children()

    def stop(self):
        import psutil

        elapsed = time.monotonic() - self.began
        machine, trees = self._sample()
        busy = sum(
            getattr(machine, field) - getattr(self.machine, field)
            for field in machine._fields
            if field not in ("idle", "iowait", "guest", "guest_nice")
        )
        total = (
            sum(machine)
            - sum(self.machine)
            - (getattr(machine, "guest", 0) - getattr(self.machine, "guest", 0))
        )
        return {
            "seconds": elapsed,
            "cores": psutil.cpu_count(),
            "busy": busy / total if total else 0.0,
            "load": os.getloadavg(),
            # A process stopped during the run: its CPU is in "locust" below.
            "trees": {
                **{name: cpu_delta(self.trees[name], trees[name]) for name in trees},
                # Locust runs and ends within the run: the CPU of the children this process
                # waited for (with a restart, also the stopped node's and worker's).
                "locust (+ stopped processes)": _reaped_children() - self.children,
            },
        }


def format_cpu(cpu):
    cores = cpu["cores"]
    trees = ", ".join(
        f"{name} {seconds / cpu['seconds']:.2f}" for name, seconds in cpu["trees"].items()
    )
    return (
        f"CPU: the machine {cpu['busy'] * 100:.0f}% busy of {cores} cores; cores used by "
        f"{trees}; "
        f"load average {cpu['load'][0]:.2f} {cpu['load'][1]:.2f} {cpu['load'][2]:.2f}"
    )
