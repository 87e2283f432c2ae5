"""``/health/``: 200 when the database, the cache, the storages and the task backend answer;
503 naming what failed, never how (the error may hold a credential)."""

import logging

import pytest
from django.conf import settings
from django.test import override_settings

from tutoria_cms.core import health
from tutoria_cms.core.request_id import RequestIdFilter

from .broken import LEAKED, BrokenConnections

pytestmark = pytest.mark.django_db

URL = "/health/"
ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "ok"}


def failing_only(response, name):
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {**ALL_OK, name: "failed"}
    assert body["failed"] == [name]
    text = response.content.decode()
    assert LEAKED not in text and "Traceback" not in text and "password" not in text
    return body


def test_everything_answers(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": ALL_OK}


def test_never_cached_no_cookie_no_sign_in(client):
    response = client.get(URL)
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_answers_before_the_sites_pages_and_without_a_site(client):
    """No Wagtail Site exists in this test: Wagtail's catch-all does not take the URL."""
    from wagtail.models import Site

    Site.objects.all().delete()
    assert client.get(URL).status_code == 200


def test_the_site_language_middleware_leaves_it_alone(client, monkeypatch):
    """With the database down, looking up the Site would fail the request before the view
    could answer 503: the middleware does not look one up for the health check."""
    from django.db import OperationalError
    from wagtail.models import Site

    def database_down(request):
        raise OperationalError("the database is down")

    monkeypatch.setattr(Site, "find_for_request", staticmethod(database_down))
    assert client.get(URL).status_code == 200
    with pytest.raises(OperationalError):
        client.get("/search/")  # the control: any other URL looks the Site up


def test_database_down(client, monkeypatch):
    monkeypatch.setattr(health, "connections", BrokenConnections())
    failing_only(client.get(URL), "database")


def test_cache_down(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A port nothing listens on, with a password in the URL.
            "LOCATION": f"redis://:{LEAKED}@127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        failing_only(client.get(URL), "cache")


@pytest.mark.parametrize("alias", ["default", "tutoria_private"])
def test_storage_down(client, alias):
    storages = {**settings.STORAGES, alias: {"BACKEND": "tests.ops.broken.BrokenStorage"}}
    with override_settings(STORAGES=storages):
        failing_only(client.get(URL), "storage")


def test_task_backend_cannot_be_built(client):
    with override_settings(TASKS={"default": {"BACKEND": "tests.ops.no_such_module.Backend"}}):
        failing_only(client.get(URL), "tasks")


def test_several_failures_are_all_named(client, monkeypatch):
    monkeypatch.setattr(health, "connections", BrokenConnections())
    storages = {**settings.STORAGES, "default": {"BACKEND": "tests.ops.broken.BrokenStorage"}}
    with override_settings(STORAGES=storages):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "storage"]


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.records.append(record)


def test_the_failure_is_logged_with_the_request_id(client, monkeypatch):
    """What the answer leaves out goes to the log, where the request's id finds it."""
    handler = Records()
    logger = logging.getLogger("tutoria_cms.core.health")
    logger.addHandler(handler)
    try:
        monkeypatch.setattr(health, "connections", BrokenConnections())
        response = client.get(URL, HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    [record] = handler.records
    assert record.request_id == "lb-7f3a9c2e-0001"
    assert record.exc_info and "database" in record.getMessage()


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_database_queue_answers_with_the_age_of_its_oldest_ready_task(client):
    """The queue is read (a broken table would be "failed"); a task waiting ten minutes is
    reported, and fails nothing: a stopped worker must not take every web server out."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tutoria_cms.workshops.tasks import send_registration_email

    with override_settings(TASKS=DATABASE_TASKS):
        assert client.get(URL).json() == {"status": "ok", "checks": ALL_OK}  # nothing queued
        send_registration_email.enqueue(0)
        DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"] == ALL_OK
    assert 600 <= response.json()["task_queue_age_seconds"] < 700


def test_an_unreadable_queue_is_a_failure(client, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    def broken(*args, **kwargs):
        raise RuntimeError(LEAKED)

    monkeypatch.setattr(DBTaskResult.objects, "ready", broken)
    with override_settings(TASKS=DATABASE_TASKS):
        failing_only(client.get(URL), "tasks")
