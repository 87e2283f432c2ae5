"""What must hold after the rush, checked through the ORM (any database state, any run).

Each check returns a list of violations (readable sentences); ``check_all`` runs them all.
The accepted actions (what the server answered with success, from the events log) are
checked against what is stored.
"""

import collections

from django.db.models import Count

from tutoria_cms.academics.models import CurricularComponent
from tutoria_cms.core.student_numbers import normalise_student_number
from tutoria_cms.requests.models import (
    ACTIVE_STATES,
    IndividualClass,
    RequestKind,
    RequestLogEntry,
    RequestState,
    TutoringRequest,
    site_rule_set,
)
from tutoria_cms.requests.services import TRANSITIONS
from tutoria_cms.workshops.models import (
    Attendance,
    GroupWorkshopPageMixin,
    WorkshopRegistration,
    get_page_model,
)

Status = WorkshopRegistration.Status
TRANSITION_ACTIONS = {f"tutoria_requests.{name}": name for name in TRANSITIONS}
# Audit-log actions that come with exactly one save of the request (one history row).
SAVING_ACTIONS = {"wagtail.create", "tutoria_requests.assign_tutor", *TRANSITION_ACTIONS}
DECISIONS = {"tutoria_requests.approve", "tutoria_requests.deny"}


def workshops_within_capacity():
    """No workshop confirms more than its capacity; nobody waits while a seat is free; no
    session has more people present than the workshop's capacity."""
    violations = []
    workshops = {
        page.pk: page for page in get_page_model().objects.type(GroupWorkshopPageMixin).specific()
    }
    counts = collections.defaultdict(collections.Counter)
    for row in (
        WorkshopRegistration.objects.values("workshop_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[row["workshop_id"]][row["status"]] = row["count"]
    for pk, statuses in sorted(counts.items()):
        workshop = workshops.get(pk)
        if workshop is None:
            violations.append(f"registrations for page {pk}, which is not a workshop")
            continue
        confirmed = statuses[Status.CONFIRMED]
        if confirmed > workshop.capacity:
            violations.append(
                f"workshop {pk} ({workshop.title}): {confirmed} confirmed, capacity "
                f"{workshop.capacity}"
            )
        if statuses[Status.WAITLISTED] and confirmed < workshop.capacity:
            violations.append(
                f"workshop {pk} ({workshop.title}): {statuses[Status.WAITLISTED]} waiting "
                f"while {workshop.capacity - confirmed} seats are free"
            )
        if statuses[Status.WAITLISTED] and not workshop.waiting_list_enabled:
            violations.append(
                f"workshop {pk} ({workshop.title}) has no waiting list but "
                f"{statuses[Status.WAITLISTED]} are waiting"
            )
    present = (
        Attendance.objects.filter(present=True)
        .values("session_id", "session__page_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in present:
        workshop = workshops.get(row["session__page_id"])
        if workshop is not None and row["count"] > workshop.capacity:
            violations.append(
                f"session {row['session_id']} of workshop {workshop.pk}: {row['count']} present, "
                f"capacity {workshop.capacity}"
            )
    duplicates = (
        WorkshopRegistration.objects.filter(status__in=WorkshopRegistration.ACTIVE_STATUSES)
        .values("workshop_id", "student_number")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by()
    )
    for row in duplicates:
        violations.append(
            f"workshop {row['workshop_id']}: student {row['student_number']} registered "
            f"{row['count']} times"
        )
    return violations


def _limit(site_id, name, cache):
    """The limit ``name`` of the rule set of the institution ``site_id`` (None: no limit)."""
    from wagtail.models import Site

    if site_id not in cache:
        site = Site.objects.filter(pk=site_id).first() if site_id else None
        cache[site_id] = site_rule_set(site)
    rule_set = cache[site_id]
    return getattr(rule_set, name) if rule_set is not None else None


def classes_within_limit():
    """No individual class over its rule set's maximum (UFOPA: 4 students); one class per
    component and its
    equivalents per term; each approved individual-class request is in exactly one class,
    and a class holds only approved (or later) requests."""
    violations = []
    rule_sets = {}
    for individual_class in IndividualClass.objects.annotate(students=Count("requests")).filter(
        students__gt=1
    ):
        limit = _limit(individual_class.site_id, "max_students_per_class", rule_sets)
        if limit is not None and individual_class.students > limit:
            violations.append(
                f"individual class {individual_class.pk}: {individual_class.students} "
                f"students, at most {limit}"
            )
    classes = list(IndividualClass.objects.values("pk", "term_id", "component_id"))
    through = CurricularComponent.equivalents.through
    equivalent = set(
        through.objects.values_list("from_curricularcomponent_id", "to_curricularcomponent_id")
    )
    for index, first in enumerate(classes):
        for second in classes[index + 1 :]:
            if first["term_id"] == second["term_id"] and (
                first["component_id"] == second["component_id"]
                or (first["component_id"], second["component_id"]) in equivalent
            ):
                violations.append(
                    f"individual classes {first['pk']} and {second['pk']}: the same or "
                    f"equivalent components in term {first['term_id']}"
                )
    taken = (RequestState.APPROVED, RequestState.IN_PROGRESS, RequestState.CLOSED)
    # A withdrawn request may have been in a class before: not checked.
    not_taken = (
        RequestState.DRAFT,
        RequestState.SUBMITTED,
        RequestState.UNDER_REVIEW,
        RequestState.DENIED,
    )
    for request in (
        TutoringRequest.objects.filter(
            kind=RequestKind.INDIVIDUAL_CLASS, state__in=taken + not_taken
        )
        .annotate(classes=Count("individual_classes"))
        .values("pk", "state", "classes")
    ):
        expected = 1 if request["state"] in taken else 0
        if request["classes"] != expected:
            violations.append(
                f"request {request['pk']} ({request['state']}) is in {request['classes']} "
                f"individual classes, expected {expected}"
            )
    return violations


def students_within_term_limit():
    """No student has more active individual-class requests in a term than allowed, nor two
    for the same component."""
    violations = []
    rule_sets = {}
    active = TutoringRequest.objects.filter(
        kind=RequestKind.INDIVIDUAL_CLASS, state__in=ACTIVE_STATES
    )
    for row in (
        active.values("site_id", "student_id", "term_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by()
    ):
        limit = _limit(row["site_id"], "max_requests_per_term", rule_sets)
        if limit is not None and row["count"] > limit:
            violations.append(
                f"student {row['student_id']}: {row['count']} active individual-class "
                f"requests in term {row['term_id']}, at most {limit}"
            )
    for row in (
        active.values("student_id", "term_id", "component_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by()
    ):
        violations.append(
            f"student {row['student_id']}: {row['count']} active requests for component "
            f"{row['component_id']} in term {row['term_id']}"
        )
    return violations


def _audit_entries():
    # Requests log to their own model (RequestLogEntry), so that Wagtail's site history
    # report follows permissions.py.
    entries = collections.defaultdict(list)
    for entry in (
        RequestLogEntry.objects.all()
        .order_by("timestamp", "pk")
        .values("object_id", "action", "data")
    ):
        entries[int(entry["object_id"])].append(entry)
    return entries


def one_history_row_per_transition():
    """Each request's field history (simple-history) has exactly one row per save the audit
    log records (creation, each transition, each tutor assignment), in the same order of
    states; at most one decision per request."""
    violations = []
    histories = collections.defaultdict(list)
    for row in TutoringRequest.history.order_by("history_id").values("id", "history_type", "state"):
        histories[row["id"]].append(row)
    entries = _audit_entries()
    states = dict(TutoringRequest.objects.values_list("pk", "state"))
    for pk in sorted(set(histories) | set(entries) | set(states)):
        history = histories.get(pk, [])
        logged = [entry for entry in entries.get(pk, []) if entry["action"] in SAVING_ACTIONS]
        if len(history) != len(logged):
            violations.append(
                f"request {pk}: {len(history)} history rows for {len(logged)} logged changes "
                f"({', '.join(entry['action'] for entry in logged) or 'none'})"
            )
            continue
        if history and (
            history[0]["history_type"] != "+" or logged[0]["action"] != "wagtail.create"
        ):
            violations.append(f"request {pk}: its history does not start with its creation")
            continue
        for row, entry in zip(history, logged, strict=True):
            if entry["action"] in TRANSITION_ACTIONS and row["state"] != (entry["data"] or {}).get(
                "to"
            ):
                violations.append(
                    f"request {pk}: history row in state {row['state']} where the audit log "
                    f"records {entry['action']} to {(entry['data'] or {}).get('to')}"
                )
                break
        if pk in states and history and history[-1]["state"] != states[pk]:
            violations.append(
                f"request {pk}: state {states[pk]} but its last history row says "
                f"{history[-1]['state']}"
            )
        decisions = sum(entry["action"] in DECISIONS for entry in logged)
        if decisions > 1:
            violations.append(f"request {pk}: decided {decisions} times")
    return violations


def accepted_actions_stored(events):
    """Every sign-up, request and transition the server accepted (302) is stored."""
    violations = []
    signups = events.get("signup", [])
    stored = {
        (row["workshop_id"], row["student_number"]): row["status"]
        for row in WorkshopRegistration.objects.filter(
            workshop_id__in={event["workshop"] for event in signups},
            status__in=(Status.PENDING, *WorkshopRegistration.ACTIVE_STATUSES),
        )
        .order_by("created_at", "pk")
        .values("workshop_id", "student_number", "status")
    }
    for event in signups:
        status = stored.get((event["workshop"], normalise_student_number(event["number"])))
        # A waiting student may have been promoted since; a confirmed one stays confirmed.
        # The public form answers "requested": a pending sign-up (or one confirmed since).
        allowed = {event["status"], Status.CONFIRMED}
        if event["status"] == "requested":
            allowed |= {Status.PENDING, Status.WAITLISTED}
        if status not in allowed:
            violations.append(
                f"sign-up of {event['number']} to workshop {event['workshop']} answered "
                f"{event['status']}, stored as {status or 'nothing'}"
            )
    created = {event["request"] for event in events.get("created", [])}
    existing = set(TutoringRequest.objects.filter(pk__in=created).values_list("pk", flat=True))
    for pk in sorted(created - existing):
        violations.append(f"request {pk} was answered as created but is not stored")
    entries = _audit_entries()
    answered = collections.Counter(
        (event["request"], event["action"]) for event in events.get("transition", [])
    )
    for (pk, action), count in sorted(answered.items()):
        logged = sum(
            entry["action"] == f"tutoria_requests.{action}" for entry in entries.get(pk, [])
        )
        if logged < count:
            violations.append(
                f"request {pk}: {action} answered as done {count} time(s), stored {logged}"
            )
    return violations


CHECKS = {
    "no workshop over capacity": workshops_within_capacity,
    "no individual class over 4 students (one per equivalent components)": classes_within_limit,
    "no student over the per-term request limit": students_within_term_limit,
    "one history row per transition": one_history_row_per_transition,
}


def check_all(events=None):
    """{invariant: [violations]} (an empty list when it holds)."""
    results = {name: check() for name, check in CHECKS.items()}
    results["every accepted action stored"] = accepted_actions_stored(events or {})
    return results


# -- several nodes: the task worker's exports and e-mails ----------------------------------------


def exports_completed_once(events):
    """Every export the admin answered as started (a job page) was built exactly once: its
    job is done with its workbook in the storage, each job answered to one request only,
    and its task ran once (``run_job`` claims the job: a second run would find it taken)."""
    from django_tasks_db.models import DBTaskResult

    from tutoria_cms.accreditation.models import ExportJob

    violations = []
    answered = collections.Counter(event["job"] for event in events.get("export", []))
    for pk, count in sorted(answered.items()):
        if count > 1:
            violations.append(f"export job {pk} answered to {count} requests")
    jobs = {job.pk: job for job in ExportJob.objects.filter(pk__in=answered)}
    runs = collections.Counter()
    for row in DBTaskResult.objects.filter(
        task_path__endswith=".run_export_job", status="SUCCESSFUL"
    ).values_list("args_kwargs", flat=True):
        args = (row or {}).get("args") or [None]
        runs[args[0]] += 1
    files = collections.Counter()
    for pk in sorted(answered):
        job = jobs.get(pk)
        if job is None:
            violations.append(f"export job {pk} was answered but is not stored")
            continue
        if job.status != ExportJob.Status.DONE:
            violations.append(f"export job {pk} is {job.status} {job.error[:120]}".rstrip())
            continue
        if not job.file or not job.file.storage.exists(job.file.name):
            violations.append(f"export job {pk} is done without its workbook")
        else:
            files[job.file.name] += 1
        if runs[pk] != 1:
            violations.append(f"export job {pk}: its task ran {runs[pk]} times")
    for name, count in files.items():
        if count > 1:
            violations.append(f"workbook {name} belongs to {count} jobs")
    return violations


def batch_address(address, batch):
    """Whether ``address`` is one the run ``batch`` writes to (bench.load.fixtures and the
    locust users): its students (``ld<batch>00001@``), those who sign up (``s<batch>00001@``,
    ``e<batch>001@``) and the seats taken beforehand (``p<batch>0-0001@``)."""
    import re

    batch = re.escape(batch.lower())
    return bool(
        re.match(
            rf"^(ld{batch}\d+|s{batch}\d{{5}}|e{batch}\d{{3}}|p{batch}\d+-\d+)@", address.lower()
        )
    )


def compare_mail(expected, received):
    """Per address, the e-mails the database and the answers say were sent (a number, or
    (at least, at most) where sending again was asked for) against those the SMTP server
    received: a sentence for each address where they differ."""
    violations = []
    for address in sorted(set(expected) | set(received)):
        low, high = expected.get(address, (0, 0))
        got = received.get(address, 0)
        if got > high:
            violations.append(f"{address}: at most {high} sent, {got} received (duplicated)")
        elif got < low:
            violations.append(f"{address}: {low} sent, {got} received (lost)")
    return violations


def emails_sent_once(batch, workshops, received, events=None):
    """Every e-mail of the run ``batch`` was sent exactly once: the decision and news notices
    of its students' requests (``Notification``) and the sign-up e-mails of its ``workshops``
    (``WorkshopRegistration.confirmation_sent_at``), against ``received`` (a Counter of
    recipients at the SMTP sink). None is left unsent or half-sent (claimed, not sent).

    A sign-up asked for again while pending sends its link again (``request_signup``): a
    registration asked for k times (the events' "requested" answers) gets 1 to k e-mails
    (two asks before the worker sent the first one share it)."""
    from tutoria_cms.requests.models import Notification

    violations = []
    low, high = collections.Counter(), collections.Counter()
    for status, address, pk in Notification.objects.filter(
        request__student__student_number__startswith=f"LD{batch.upper()}"
    ).values_list("status", "request__student__email", "pk"):
        if status == Notification.Status.SENT:
            low[address.lower()] += 1
            high[address.lower()] += 1
        else:
            violations.append(f"notification {pk} to {address} is {status}")
    asked = collections.Counter(
        (event["workshop"], normalise_student_number(event["number"]))
        for event in (events or {}).get("signup", [])
    )
    for workshop, number, email, sent_at, pk in WorkshopRegistration.objects.filter(
        workshop_id__in=workshops,
        status__in=(Status.PENDING, *WorkshopRegistration.ACTIVE_STATUSES),
    ).values_list("workshop_id", "student_number", "email", "confirmation_sent_at", "pk"):
        if sent_at is None:
            violations.append(f"the e-mail of registration {pk} ({email}) was never sent")
            continue
        low[email.lower()] += 1
        high[email.lower()] += max(1, asked[(workshop, number)])
    expected = {address: (low[address], high[address]) for address in low}
    received = {
        address: count for address, count in received.items() if batch_address(address, batch)
    }
    return violations + compare_mail(expected, received)
