"""``/health/``: whether this web server can serve, for load balancers and monitoring.

Each check answers "ok" or raises; the view answers 200 with every check "ok", or 503 naming
the checks that failed ("failed"), never the exception (it may hold a host, a user name or a
password: the exception goes to the log, with the request's id). The view reads no session,
sets no cookie, needs no sign-in and is never cached; the site's language middleware leaves
it alone (it would ask the database which Site serves the request before the view runs).

Checks, in order:

- ``database``: ``SELECT 1`` on the default database;
- ``cache``: a random key set, read back and deleted in the default cache (the shared Redis
  in production: the sign-up rate limits count there);
- ``storage``: ``exists()`` on the default storage and on the private storage;
- ``tasks``: the configured task backend (``TASKS["default"]``) can be built and, for the
  database backend (django-tasks-db), its queue answers a query. The age of the oldest task
  ready to run is reported (``task_queue_age_seconds``) but fails nothing: every web server
  answers this check, and a stopped worker must not take them all out of the load balancer
  (alert on the figure instead, or on the metrics).
"""

import logging
import secrets

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from tutoria_cms.core.storage import private_storage

logger = logging.getLogger(__name__)

OK, FAILED = "ok", "failed"
PROBE_NAME = "tutoria-health-check-probe"


class HealthCheckFailed(Exception):
    """A check's answer was wrong (not an error of the dependency's own)."""


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if row is None or row[0] != 1:
        raise HealthCheckFailed("SELECT 1 did not answer 1")


def check_cache():
    key = f"tutoria:health:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise HealthCheckFailed("the cache did not give back what was set")
    finally:
        cache.delete(key)


def check_storage():
    default_storage.exists(PROBE_NAME)
    private_storage().exists(PROBE_NAME)


def check_tasks():
    """The task backend can be built (its settings are right and its module imports); with
    the database backend, the queue answers. Returns the age in whole seconds of the oldest
    task ready to run (None: none waiting, or a backend without a queue to read)."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    if type(backend).__module__.split(".")[0] != "django_tasks_db":
        return None
    from django.apps import apps
    from django.utils import timezone

    # By name: the suite does not depend on django-tasks-db (the example site installs it).
    task_results = apps.get_model("django_tasks_database", "DBTaskResult")
    oldest = (
        task_results.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)[:1]
    )
    oldest = list(oldest)
    if not oldest:
        return None
    return max(0, int((timezone.now() - oldest[0]).total_seconds()))


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "tasks": check_tasks,
}


def run_checks(facts=None):
    """{check: "ok" | "failed"}; what a check returns (other than None) goes to ``facts``
    under the check's name."""
    results = {}
    for name, check in CHECKS.items():
        try:
            fact = check()
        except Exception:  # any failure of the dependency: named, logged, never shown
            # A warning, not an error: the load balancer asks every few seconds, and error
            # reporters (Sentry) would turn each answer into an event.
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = FAILED
        else:
            results[name] = OK
            if fact is not None and facts is not None:
                facts[name] = fact
    return results


@csrf_exempt
@never_cache
@require_safe
def health(request):
    facts = {}
    checks = run_checks(facts)
    healthy = all(result == OK for result in checks.values())
    body = {"status": OK if healthy else "unavailable", "checks": checks}
    if "tasks" in facts:
        body["task_queue_age_seconds"] = facts["tasks"]
    if not healthy:
        body["failed"] = sorted(name for name, result in checks.items() if result != OK)
    return JsonResponse(body, status=200 if healthy else 503)
