"""gunicorn's settings for a web server of the example deployment (docs/deployment.md).

    gunicorn -c gunicorn.conf.py sites.wsgi

Every value comes from the environment: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_KEEPALIVE, GUNICORN_MAX_REQUESTS,
FORWARDED_ALLOW_IPS, PROMETHEUS_MULTIPROC_DIR. The access log carries the request's id
(X-Request-ID, also in the application's log records) and the client's address as the load
balancer saw it.
"""

import multiprocessing
import os
from pathlib import Path


def _int(name, default):
    return int(os.environ.get(name, default))


# Where the load balancer reaches this server (all interfaces of the container by default).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",")  # noqa: S104
# 2 x cores + 1, at most 12 (each worker holds its own database connections).
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _int("GUNICORN_THREADS", 1)
# Evidence workbooks are made by the task worker, not in a request: 60 s is plenty.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# A little longer than the load balancer's idle timeout keeps its connections reusable.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart a worker after this many requests (0: never), spread so they do not all restart.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 0)

# Behind the load balancer: trust its X-Forwarded-Proto (https) from these addresses only
# (comma-separated, "*" when the servers are reachable from the load balancer alone).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs on the standard streams, for the container's log collector.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms '
    'request_id=%({x-request-id}o)s "%(f)s" "%(a)s"'
)
# The application is loaded by each worker after the fork (no shared connections).
preload_app = False

# Prometheus metrics (METRICS=1) in prometheus_client's multiprocess mode: with
# PROMETHEUS_MULTIPROC_DIR set, every worker writes its counters to files in that directory
# and /metrics (django-prometheus) adds up those of all the server's workers; without it each
# worker answers with its own counts only. The directory is emptied when the server starts
# (the files of a previous run would be added to this one's) and a worker's live gauges are
# dropped when it exits (docs/deployment.md, "Optional: metrics and error reports").
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):
    if PROMETHEUS_MULTIPROC_DIR:
        directory = Path(PROMETHEUS_MULTIPROC_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
