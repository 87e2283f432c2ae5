"""Browser tests: Playwright driving Debian's chromium (headless) against ``live_server``.

No browser is ever downloaded: the tests launch the system chromium (``/usr/bin/chromium``,
or ``$CHROMIUM``). When it (or the ``playwright`` package) is missing they are skipped on a
developer's machine and FAIL in CI (``CI`` set), so CI cannot pass without running them.

The live server runs in a thread of the test process: tests are transactional with
``serialized_rollback`` so that what the migrations created (tree root, role groups, the
moderation workflow) is there in every test. The site under test is served at
``http://localhost:<port>/`` (a Wagtail Site for that hostname and port).
"""

import contextlib
import os
import shutil
import threading
import urllib.parse

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests import factories

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's default (30 s) only makes a failing run slow; a local server answers in far less.
TIMEOUT_MS = 15_000


# With in-memory SQLite the live server's request threads and the test share ONE database
# connection. Two requests at once on it (the browser's page and a background fetch), or a
# request still running while the test flushes the database, corrupt its transaction state:
# an on_commit callback (the e-mail of a decision) lost, or "on_commit() cannot be used in
# manual transaction management" in the test. Requests are therefore served one at a time,
# each wholly (body included) under SERVER_LOCK, and the test waits for the server to be
# idle before it touches the database again (``browsing``'s teardown).
SERVER_LOCK = threading.RLock()


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """Django's live server, serving one request at a time when it shares the test's
    connection (keep-alive connections still get their own threads)."""

    def get_app(self):
        app = super().get_app()
        if not self.connections_override:
            return app  # its own connections (PostgreSQL): requests run concurrently

        def serialised(environ, start_response):
            with SERVER_LOCK:
                response = app(environ, start_response)
                try:
                    return [b"".join(response)]  # streamed bodies read the database too
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return serialised


LiveServerThread.server_class = OneRequestAtATimeServer


@contextlib.contextmanager
def server_idle():
    """While this holds, no request of the live server is running."""
    with SERVER_LOCK:
        yield


def chromium_path():
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def unavailable(reason):
    """Skip on a developer's machine; fail in CI, where the browser tests must run."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (they fail instead when CI is set)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, launched once per test module."""
    executable = chromium_path()
    if executable is None:
        unavailable("no chromium executable (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    from django.db import connections

    # Playwright's sync API runs an event loop in this thread, and asyncio reports it as
    # running between calls. Django's ORM refuses to run "inside" it unless told that it is
    # safe (it is: the loop only drives the browser), and keeps database connections per
    # async context rather than per thread while a loop runs: hand it the connections it
    # has now, so that the test, pytest-django (serialized rollback) and the live server
    # (in-memory SQLite) keep sharing one connection.
    thread_connections = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server):
    """The Mexican site (Spanish) served by the live server at localhost:<port>."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Site

    # A transactional test before this one (in the same worker) flushed the database and
    # restored it: content types cached in this process may name ids that are gone, and the
    # institution groups the new Site gets would then grant permissions of a missing type.
    ContentType.objects.clear_cache()
    port = urllib.parse.urlsplit(live_server.url).port
    # The only "localhost" site: migrations made one on port 80 (Wagtail's welcome page).
    Site.objects.filter(hostname="localhost").exclude(port=port).delete()
    return factories.build_site(
        "es", "localhost", port=port, title="Universidad de Ejemplo", default=True
    )


class Browsing:
    """A browser context per person (own cookies), in English, with screenshots on failure."""

    def __init__(self, browser, base_url, tmp_path):
        self.browser = browser
        self.base_url = base_url
        self.tmp_path = tmp_path
        self.contexts = []

    def new_page(self, **options):
        """A page in a new context; ``options`` go to Playwright's ``new_context``
        (``viewport``, ``bypass_csp``...)."""
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-US", accept_downloads=True, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def login(self, username, password=factories.PASSWORD):
        """A new page signed in to the Wagtail admin as ``username``, on the dashboard."""
        page = self.new_page()
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/admin/")
        return page

    def close(self, failed):
        for number, context in enumerate(self.contexts):
            if failed:
                for index, page in enumerate(context.pages):
                    path = self.tmp_path / f"failure-{number}-{index}.png"
                    with contextlib.suppress(Exception):
                        page.screenshot(path=path, full_page=True)
                        print(f"screenshot of {page.url}: {path}")
            context.close()


@pytest.fixture
def browsing(request, browser, live_server, tmp_path):
    session = Browsing(browser, live_server.url, tmp_path)
    yield session
    session.close(failed=getattr(request.node, "e2e_failed", True))
    with server_idle():
        pass  # a request the closed pages left running ends before the database is flushed


@pytest.fixture
def page(browsing):
    """An anonymous page (the public site), in English."""
    return browsing.new_page()


@pytest.fixture
def login(browsing):
    """``login(username)``: a new page signed in to the Wagtail admin."""
    return browsing.login
