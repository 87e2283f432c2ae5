"""The start-of-term rush, as locust users (run by ``python -m bench.load``).

Reads the manifest written by ``bench.load.fixtures`` (``LOAD_MANIFEST``) and appends one JSON
line per request and per accepted or refused action to ``LOAD_EVENTS``: the bench uses them
to split failures around the database restart and to check that every accepted sign-up and
decision was stored. ``LOAD_PORT`` is the server's port (public pages are asked for with
their site's ``Host``); ``LOAD_PORTS`` (comma-separated), when given, the ports of several
web nodes: each user picks one, round robin, and every request is logged with its node.

With a quality-office account in the manifest (``bench.load --web-nodes``), one user of the
quality office requests evidence exports during the rush, as the admin's form does.

A refusal the product means (workshop full, duplicate sign-up, per-term limit, request
already decided, individual class full) is a success for locust: only server errors,
unexpected status codes and broken connections count as failures.
"""

import atexit
import collections
import html
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

MANIFEST = json.loads(open(os.environ["LOAD_MANIFEST"]).read())  # noqa: SIM115
PORT = os.environ["LOAD_PORT"]
PORTS = [port for port in os.environ.get("LOAD_PORTS", PORT).split(",") if port]
_next_node = itertools.count()
BATCH = MANIFEST["batch"]
_events = open(os.environ["LOAD_EVENTS"], "a", buffering=1 << 16)  # noqa: SIM115

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INSPECT_LINK = re.compile(r"/admin/tutoria/requests/inspect/(\d+)/")
SIGNUP_REFUSAL = re.compile(
    r'class="tutoria-error-summary".*?<li>(.*?)</li>|class="tutoria-notice">(.*?)</p>', re.S
)
ADMIN_REFUSAL = re.compile(r'class="help-block help-critical" role="alert"><p>(.*?)</p>', re.S)
ADMIN_ERROR = re.compile(r'class="error-message"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', re.S)
REQUESTS = "/admin/tutoria/requests/"
DENIAL_REASON = (
    "La clase individual de esta asignatura ya tiene el máximo de estudiantes "
    "(Res. 331/2020, art. 246): se abrirá un grupo regular."
)


def record(kind, **data):
    _events.write(json.dumps({"kind": kind, "t": time.time(), **data}) + "\n")


@events.request.add_listener
def on_request(
    name, response_time, exception=None, start_time=None, response=None, context=None, **kwargs
):
    record(
        "request",
        name=name,
        node=(context or {}).get("node"),
        start=start_time,
        ms=response_time,
        ok=exception is None,
        status=getattr(response, "status_code", None),
        error=str(exception)[:200] if exception is not None else None,
    )


@events.test_start.add_listener
def on_test_start(**kwargs):
    record("start")
    _events.flush()


@events.quitting.add_listener
def on_quitting(**kwargs):
    _events.flush()


atexit.register(_events.flush)


def site_headers(target, port=PORT):
    return {"Host": f"{target['host']}:{port}"}


def next_node():
    """The port of the node the next user talks to (round robin over ``PORTS``)."""
    return PORTS[next(_next_node) % len(PORTS)]


class NodeUser(HttpUser):
    """A user of one web node: its requests go there and are logged with its port."""

    abstract = True

    def __init__(self, environment):
        self.node = next_node()
        self.host = f"http://127.0.0.1:{self.node}"
        super().__init__(environment)

    def context(self):
        return {"node": self.node}


def csrf_token(text):
    match = CSRF_INPUT.search(text)
    return match.group(1) if match else ""


def first_message(pattern, text):
    match = pattern.search(text)
    if not match:
        return "(no message)"
    text = next(group for group in match.groups() if group is not None)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()[:160]


def expect(response, *codes):
    """Mark ``response`` (a catch_response context) failed unless its status is in ``codes``."""
    if response.status_code in codes:
        response.success()
        return True
    response.failure(f"HTTP {response.status_code}")
    return False


class Visitor(NodeUser):
    """Anonymous visitors: home pages, programmes, workshops, the tutor directory, search."""

    weight = 6
    wait_time = between(0.5, 2)

    @task
    def browse(self):
        target = random.choice(MANIFEST["public_pages"])
        self.client.get(
            target["path"],
            headers=site_headers(target, self.node),
            name=f"public: {target['kind']}",
        )

    @task
    def hot_workshop(self):
        target = random.choice(MANIFEST["hot_workshops"])
        self.client.get(
            target["path"], headers=site_headers(target, self.node), name="public: hot workshop"
        )


# Student numbers several students type at once (the same student on two devices): the
# product must refuse all but one, never store two.
EAGER = [f"E{BATCH.upper()}{number:03d}" for number in range(15)]
_signups = itertools.count()


class Student(NodeUser):
    """Students signing up on the nearly full workshops through the public form (CSRF)."""

    weight = 3
    wait_time = between(0.5, 1.5)

    @task
    def sign_up(self):
        # Each sign-up is another student, with a browser of their own (no cookies yet).
        self.client.cookies.clear()
        workshop = random.choice(MANIFEST["hot_workshops"])
        headers = site_headers(workshop, self.node)
        with self.client.get(
            workshop["path"], headers=headers, name="signup: form", catch_response=True
        ) as response:
            if not expect(response, 200):
                return
            token = csrf_token(response.text)
            if not token:
                # Full without a waiting list: the page says so and shows no form.
                record(
                    "signup_refused",
                    workshop=workshop["id"],
                    number="",
                    message=first_message(SIGNUP_REFUSAL, response.text),
                )
                return
        if random.random() < 0.15:
            number = random.choice(EAGER)
        else:
            # A student of the institution's records (bench.load.fixtures.signup_records).
            number = f"S{BATCH.upper()}{next(_signups) % MANIFEST['signups']:05d}"
        data = {
            "csrfmiddlewaretoken": token,
            "student_number": number,
            "full_name": f"Estudiante {number}",
            "email": f"{number.lower()}@demo.example.edu",
            "consent": "on",
        }
        with self.client.post(
            workshop["path"],
            data=data,
            headers=headers,
            name="signup: submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "signup=" in location:
                status = re.search(r"signup=(\w+)", location).group(1)
                record("signup", workshop=workshop["id"], number=number, status=status)
                response.success()
            elif response.status_code == 200:
                record(
                    "signup_refused",
                    workshop=workshop["id"],
                    number=number,
                    message=first_message(SIGNUP_REFUSAL, response.text),
                )
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")


_accounts = collections.defaultdict(itertools.count)


class StaffUser(NodeUser):
    abstract = True
    role = ""

    def on_start(self):
        accounts = MANIFEST[self.role]
        account = accounts[next(_accounts[self.role]) % len(accounts)]
        self.username = account["username"]
        self.client.cookies.set("sessionid", account["session"])

    def action(self, pk, action, reason=""):
        """GET the action's form, POST it; returns "done", "refused" or None (failure)."""
        url = f"{REQUESTS}{pk}/action/{action}/"
        with self.client.get(url, name=f"admin: {action} form", catch_response=True) as response:
            if not expect(response, 200):
                return None
            token = csrf_token(response.text)
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": token, "reason": reason},
            name=f"admin: {action}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                record("transition", request=pk, action=action, user=self.username)
                response.success()
                return "done"
            if response.status_code == 200:
                record(
                    "transition_refused",
                    request=pk,
                    action=action,
                    message=first_message(ADMIN_REFUSAL, response.text),
                )
                response.success()
                return "refused"
            response.failure(f"HTTP {response.status_code}")
            return None


class Coordinator(StaffUser):
    """Coordination files individual-class requests for the term's students, submits them
    (the per-term limit is checked here) and puts them under review."""

    fixed_count = 4
    role = "coordinators"
    wait_time = between(0.5, 1.5)

    @task
    def file_request(self):
        url = f"{REQUESTS}add/"
        with self.client.get(url, name="admin: new request form", catch_response=True) as response:
            if not expect(response, 200):
                return
            token = csrf_token(response.text)
        data = {
            "csrfmiddlewaretoken": token,
            "kind": "individual_class",
            "student": random.choice(MANIFEST["free_students"]),
            "term": MANIFEST["term"],
            "programme": MANIFEST["programme"],
            "component": random.choice(MANIFEST["components"]),
            "procedures_compatible": "on",
            "language": MANIFEST.get("language", "es"),
        }
        with self.client.post(
            url, data=data, name="admin: new request", allow_redirects=False, catch_response=True
        ) as response:
            match = INSPECT_LINK.search(response.headers.get("Location", ""))
            if response.status_code != 302 or not match:
                response.failure(f"HTTP {response.status_code}")
                return
            response.success()
            pk = int(match.group(1))
            record("created", request=pk, student=data["student"])
        if self.action(pk, "submit") == "done":
            self.action(pk, "review")


class Board(StaffUser):
    """Board members deciding the requests under review: several on the same few requests,
    more approvals per component than an individual class takes."""

    fixed_count = 4
    role = "board"
    wait_time = between(0.5, 1.5)

    @task
    def decide(self):
        listing = f"{REQUESTS}?state=under_review&term={MANIFEST['term']}"
        with self.client.get(
            listing, name="admin: requests under review", catch_response=True
        ) as response:
            if not expect(response, 200):
                return
            queue = list(dict.fromkeys(int(pk) for pk in INSPECT_LINK.findall(response.text)))
        if not queue:
            return
        pk = random.choice(queue[:2])
        with self.client.get(
            f"{REQUESTS}inspect/{pk}/", name="admin: inspect request", catch_response=True
        ) as response:
            if not expect(response, 200):
                return
        if random.random() < 0.8:
            if self.action(pk, "approve") == "refused":
                # Someone decided first, or the individual class is full: deny, reasoned.
                self.action(pk, "deny", DENIAL_REASON)
        else:
            self.action(pk, "deny", DENIAL_REASON)


EXPORTS = "/admin/evidence/"
JOB_LINK = re.compile(r"/admin/evidence/jobs/(\d+)/")

if MANIFEST.get("quality"):

    class QualityOffice(StaffUser):
        """The quality office requesting evidence workbooks during the rush (each one a job
        for the task worker), then looking at the job's page."""

        fixed_count = 1
        role = "quality"
        wait_time = between(2, 4)

        @task
        def export(self):
            with self.client.get(
                EXPORTS, name="admin: export form", catch_response=True
            ) as response:
                if not expect(response, 200):
                    return
                token = csrf_token(response.text)
            data = {
                "csrfmiddlewaretoken": token,
                "site": random.choice(MANIFEST["export_sites"]),
                "date_from": MANIFEST["export_from"],
                "date_to": MANIFEST["export_to"],
            }
            with self.client.post(
                EXPORTS,
                data=data,
                name="admin: start export",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                match = JOB_LINK.search(response.headers.get("Location", ""))
                if response.status_code != 302 or not match:
                    response.failure(f"HTTP {response.status_code}")
                    return
                response.success()
                job = int(match.group(1))
                record("export", job=job, user=self.username)
            self.client.get(f"{EXPORTS}jobs/{job}/", name="admin: export job")
