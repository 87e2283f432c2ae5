"""A real task worker: `manage.py db_worker` in another process, on the test database, with a
real SMTP server on loopback (aiosmtpd) that answers "421 try again later" to the first tries.

PostgreSQL only: the worker is another process and must see the test's committed rows (an
in-memory SQLite database is private to its process), hence ``transactional_db``.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.accreditation.conftest import range_filters
from tests.factories import walk
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import Notification

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="the worker is another process: it needs PostgreSQL (DATABASE_URL)",
    ),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BASE_DIR = Path(__file__).resolve().parents[2]
FAILURES = 2  # the SMTP server answers 421 to the first two tries


class FlakySMTPHandler:
    """Refuses the first ``failures`` messages with a temporary error, then accepts."""

    def __init__(self, failures):
        self.failures = failures
        self.refused = 0
        self.accepted = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refused < self.failures:
            self.refused += 1
            return "421 4.3.2 Service not available, try again later"
        self.accepted.append(envelope)
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = FlakySMTPHandler(FAILURES)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def database_url():
    """The test database (not the one DATABASE_URL names), for the worker."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}:{password}@{host}/{db['NAME']}"


@pytest.fixture
def worker(smtp_server, tmp_path):
    """`manage.py db_worker` with the test settings, the database backend, the SMTP server
    and a one-second back-off."""
    _handler, port = smtp_server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sites.settings.test",
        "DATABASE_URL": database_url(),
        "TUTORIA_TEST_TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "TUTORIA_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TUTORIA_TEST_EMAIL_RETRY_BACKOFF_SECONDS": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "WAGTAILADMIN_BASE_URL": "http://localhost",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, process, log, timeout=25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the worker stopped:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"timed out; the worker's log:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_worker_retries_the_e_mail_and_runs_the_admins_export(
    smtp_server, worker, class_request, coordinator, board
):
    handler, _port = smtp_server
    process, log = worker
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    with override_settings(TASKS=DATABASE_TASKS):
        # The decision e-mail: enqueued on commit of the approval, sent by the worker.
        walk(class_request, {"submit": coordinator, "review": coordinator}, "submit", "review")
        services.transition(class_request, "approve", board)
        notification = Notification.objects.get(request=class_request)
        # The evidence export, requested in the admin by the quality office.
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(quality)
        response = client.post(reverse("tutoria_accreditation:export"), range_filters())
        assert response.status_code == 302, response.content[:2000]
    from tutoria_cms.accreditation.models import ExportJob

    job = ExportJob.objects.get()

    def sent():
        notification.refresh_from_db()
        return notification.status == Notification.Status.SENT

    wait_for(sent, process, log)
    assert handler.refused == FAILURES
    assert notification.attempts == FAILURES + 1
    assert len(handler.accepted) == 1
    assert handler.accepted[0].rcpt_tos == [class_request.student.email]

    def exported():
        job.refresh_from_db()
        return job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED)

    wait_for(exported, process, log)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.file.name
    # Nothing else to send: the retries that lost the race (none here) found it sent.
    time.sleep(1)
    assert len(handler.accepted) == 1
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
