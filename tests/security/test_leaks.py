"""Sensitive-data leak sweep: seeded secrets appear only where their readers may read them.

The world (``leak_world.py``) is seeded through the real services. Then, for each role, the
admin is crawled from its dashboard and from every argument-free admin URL of the resolver
(listings, reports, site history, search...), following every link, redirect and listing
export; the public sites are crawled too. Secrets a role may not read must appear on none
of its pages; secrets it may read must appear somewhere (the control: the seeding and the
crawl worked). Then e-mails, audit-log and history labels, the search index and the
exports without the identified permission are searched the same way, and the student area
is crawled as two students with accounts.
"""

import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests import factories
from tests.security import crawler
from tests.security.leak_world import (
    BIRTH_DATES,
    CONFIDENTIAL,
    DISCLOSURE,
    MENTOR_NOTES,
    PAIR_TEXTS,
    REFERRAL_REASON,
    REFERRAL_SERVICE,
    SEN_MARKERS,
    SESSION_NOTES,
    SHARED_NOTES,
    build_leak_world,
)

pytestmark = pytest.mark.django_db

# Never in any e-mail, label, history reason, index, workbook or public page.
NEVER_SHOWN = (*CONFIDENTIAL, MENTOR_NOTES, *BIRTH_DATES)
SEARCHABLE = (*CONFIDENTIAL, MENTOR_NOTES, *PAIR_TEXTS)
# One secret of each kind, searched for in every listing a role can search.
SEARCH_PROBES = (DISCLOSURE, SESSION_NOTES, REFERRAL_REASON, MENTOR_NOTES, SHARED_NOTES)
ADMIN_ROLES = [
    "mentee",
    "communications",
    "moderators",
    "assigned_tutor",
    "other_tutor",
    "mentor",
    "coordination",
    "board",
    "orientation",
    "quality",
    "quality_identified",
    "superuser",
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back at its end: each
    test runs in a savepoint of it (as the security world of conftest.py does), so what a
    test changes is gone for the next. The work its building queues on commit (e-mails, the
    search index) runs as it is queued; the e-mails it sent are kept in ``world.emails``."""
    with django_db_blocker.unblock(), translation.override("en"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            home = factories.build_site(
                "es", "localhost", title="Universidad de Ejemplo", default=True
            )
            index = factories.build_programme_index(home)
            mail.outbox = []
            with TestCase.captureOnCommitCallbacks(execute=True):
                built = build_leak_world(index, factories.build_programme(index))
            built.home = home
            built.emails = list(mail.outbox)  # each test starts with an empty outbox
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    if user is not None:
        client.force_login(user)
    return client


def assert_not_found(found, where):
    assert not found, f"{where}: " + "; ".join(
        f"{secret!r} in {urls[:5]}" for secret, urls in found.items()
    )


# The scanner itself ---------------------------------------------------------------------------


def test_the_scanner_finds_secrets_in_pages_and_workbooks():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["x", f"prefix {DISCLOSURE.lower()} suffix"])
    buffer = io.BytesIO()
    book.save(buffer)
    pages = {
        "/a/": crawler.Page("/a/", 200, crawler.workbook_text(buffer.getvalue()), "xlsx"),
        "/b/": crawler.Page("/b/", 200, "<p>nothing</p>", "text/html"),
    }
    assert crawler.find(pages, [DISCLOSURE, MENTOR_NOTES]) == {DISCLOSURE: ["/a/"]}


# Searching for a secret must not find the object holding it ---------------------------------


def search_urls(pages):
    """Pages with a search box (``name="q"``)."""
    return sorted(
        url
        for url, page in pages.items()
        if page.kind == "text/html" and 'name="q"' in page.text and "?" not in url
    )


def linked_urls(text, query, prefix):
    return {url for url in crawler.urls_in(text) if url.startswith(prefix) and query not in url}


# What a search that finds nothing is searched with.
NONSENSE = "QQ-NOTHING-XXXXXXXXXXXXXX"


def search_results(client, url, query, prefix):
    """(status, the URLs under ``prefix`` it links to) of searching ``url`` for ``query``."""
    response = client.get(url, {"q": query})
    return response.status_code, linked_urls(response.content.decode(), query, prefix)


def assert_search_finds_nothing(client, url, secrets, prefix="/admin/"):
    """Searching ``url`` for each of ``secrets`` links to exactly what searching for
    nonsense links to, and shows none of them (besides the query echoed back)."""
    if not secrets:
        return
    miss = search_results(client, url, NONSENSE, prefix)
    for secret in secrets:
        hit = client.get(url, {"q": secret})
        assert hit.status_code == miss[0], (url, secret)
        hit_text = hit.content.decode()
        assert secret.lower() not in hit_text.replace(secret, "").lower()
        hit_links = linked_urls(hit_text, secret, prefix)
        assert hit_links == miss[1], (url, secret, hit_links ^ miss[1])


# The admin, role by role ---------------------------------------------------------------------


def admin_start_urls(world):
    urls = crawler.parameterless_admin_urls()
    request, pair = world.support_request, world.pair
    urls += [
        reverse("wagtailadmin_home"),
        reverse("tutoria_requests:inspect", args=[request.pk]),
        reverse("tutoria_requests:history", args=[request.pk]),
        reverse("tutoria_requests:inspect", args=[world.class_request.pk]),
        reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk]),
    ]
    return urls


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_pages_show_secrets_only_to_their_readers(world, role):
    client = client_for(world.users[role])
    pages = crawler.crawl(client, admin_start_urls(world))
    hidden = world.secrets_hidden_from(role)
    assert_not_found(crawler.find(pages, hidden), f"{role} reads")
    readable = world.secrets_readable_by(role)
    found = crawler.find(pages, readable)
    # The control: whatever this role may read, it does find (SEN markers: any one of them).
    missing = [s for s in readable if s not in found and s not in SEN_MARKERS]
    assert not missing, f"{role} should read {missing} somewhere"
    if any(marker in readable for marker in SEN_MARKERS):
        assert any(marker in found for marker in SEN_MARKERS), role
    # Searching a listing (or the admin search) for a hidden secret finds nothing holding it.
    listings = search_urls(pages) + [reverse("wagtailadmin_pages:search")]
    assert len(listings) >= 2, listings
    probes = [secret for secret in SEARCH_PROBES if secret in hidden]
    for url in listings:
        assert_search_finds_nothing(client, url, probes)


@pytest.mark.parametrize("role", ["anonymous", "assigned_tutor", "superuser"])
def test_public_sites_show_no_secret(world, role):
    from wagtail.models import Page

    user = None if role == "anonymous" else world.users[role]
    client = client_for(user)
    live = [page.url for page in Page.objects.live().specific() if page.url]
    pages = crawler.crawl(client, ["/", *live, "/search/"], prefix="/")
    assert len([page for page in pages.values() if page.status == 200]) >= 6
    hidden = [*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS]
    assert_not_found(crawler.find(pages, hidden), f"public site as {role}")
    for url in ["/search/", *search_urls(pages)]:
        assert_search_finds_nothing(client, url, SEARCHABLE, prefix="/")


# E-mails --------------------------------------------------------------------------------------


def test_no_email_carries_a_secret(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_tutoria_notifications")
        call_command("mentoring_reminders")
        call_command("partnership_warnings")
    sent = [*world.emails, *mail.outbox]
    assert sent, "the decision e-mail and the mentoring guidelines were sent"
    for message in sent:
        parts = [message.subject, message.body, *message.to, *message.cc, *message.bcc]
        parts += [content for content, _mime in getattr(message, "alternatives", [])]
        text = "\n".join(str(part) for part in parts).lower()
        for secret in (*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS):
            assert secret.lower() not in text, (secret, message.subject)


# Audit log and history labels ---------------------------------------------------------------


def test_audit_log_and_history_labels_carry_no_secret(world):
    from simple_history.models import registered_models
    from wagtail.models import ModelLogEntry, PageLogEntry

    from tutoria_cms.requests.models import RequestLogEntry

    texts = []
    # Requests log to their own model (RequestLogEntry); other records to Wagtail's.
    assert RequestLogEntry.objects.exists() and PageLogEntry.objects.exists()
    for model in (ModelLogEntry, PageLogEntry, RequestLogEntry):
        for entry in model.objects.all():
            texts += [
                entry.label,
                json.dumps(entry.data, default=str),
                str(entry.message),
                str(entry),
                entry.content_type.name,
            ]
    history_rows = 0
    for model in registered_models.values():
        if not hasattr(model, "history"):
            continue  # a tracked many-to-many's through model: its rows hold two ids
        for row in model.history.all():
            history_rows += 1
            texts += [str(row), str(row.history_change_reason or "")]
    assert history_rows > 20
    text = "\n".join(texts).lower()
    for secret in (*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS):
        assert secret.lower() not in text, secret


# The search index -------------------------------------------------------------------------------


def test_the_search_index_holds_no_secret(world):
    from wagtail.search.backends import get_search_backend
    from wagtail.search.index import get_indexed_models
    from wagtail.search.models import IndexEntry

    backend = get_search_backend()
    for model in get_indexed_models():
        for secret in SEARCHABLE + BIRTH_DATES:
            assert not list(backend.search(secret, model)), (model, secret)
    entries = list(IndexEntry.objects.values_list("title", "body", "autocomplete"))
    assert entries, "pages are indexed"
    text = "\n".join(" ".join(filter(None, entry)) for entry in entries).lower()
    for secret in (*SEARCHABLE, *BIRTH_DATES, *SEN_MARKERS):
        assert secret.lower() not in text, secret


# Exports --------------------------------------------------------------------------------------


def cells(data):
    book = load_workbook(io.BytesIO(data), read_only=True)
    values = []
    for sheet in book.worksheets:
        values.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            values.extend(str(value) for value in row if value is not None)
    book.close()
    return values


def assert_no_secret_in_cells(values, secrets, where):
    for value in values:
        lowered = value.lower()
        for secret in secrets:
            assert secret.lower() not in lowered, (where, secret, value[:200])


@pytest.mark.parametrize("identified", [False, True])
def test_evidence_workbooks_hold_no_secret(world, identified, tmp_path):
    user = world.users["quality_identified" if identified else "quality"]
    path = tmp_path / "evidence.xlsx"
    args = ["--output", str(path), "--user", user.username]
    if identified:
        args.append("--identified")
    call_command("export_evidence", *args)
    values = cells(path.read_bytes())
    assert len(values) > 100
    assert_no_secret_in_cells(values, (*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS), "workbook")
    numbers = {world.support_request.student.student_number, world.sen_student.student_number}
    assert bool(numbers & set(values)) is identified


def test_the_admin_evidence_export_holds_no_secret(world):
    from tutoria_cms.accreditation.models import ExportJob
    from tutoria_cms.core.institutions import sites_for

    client = client_for(world.users["quality"])
    for site in sites_for(world.users["quality"], "tutoria_accreditation.export_evidence"):
        # An export is about one institution: every one the quality office may export.
        response = client.post(reverse("tutoria_accreditation:export"), {"site": site.hostname})
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200  # the job's page
        job = ExportJob.objects.latest("pk")
        assert job.status == ExportJob.Status.DONE and not job.identified
        assert job.site_id == site.pk
        file = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
        values = cells(b"".join(file.streaming_content))
        assert_no_secret_in_cells(values, (*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS), "admin export")


def test_evidence_browser_listing_exports_hold_no_secret(world):
    from django.apps import apps

    assert apps.is_installed("tutoria_cms.contrib.modeladmin")
    for role in ("quality", "quality_identified", "superuser"):
        client = client_for(world.users[role])
        exported = 0
        for url in crawler.parameterless_admin_urls():
            if not url.startswith("/admin/evidence/") or url.endswith(("create/", "/evidence/")):
                continue
            response = client.get(url, {"export": "xlsx"})
            if response.status_code != 200 or "spreadsheetml" not in response["Content-Type"]:
                continue
            exported += 1
            data = b"".join(response.streaming_content) if response.streaming else response.content
            assert_no_secret_in_cells(
                cells(data), (*NEVER_SHOWN, *PAIR_TEXTS, *SEN_MARKERS), f"{role} {url}"
            )
        assert exported >= 6, role


PURPOSE = "Solicitud de acceso de la persona titular"


@pytest.mark.parametrize(
    "role", [r for r in ADMIN_ROLES if r not in ("quality_identified", "superuser")]
)
def test_subject_access_is_refused_without_the_identified_permission(world, role):
    client = client_for(world.users[role])
    number = world.support_request.student.student_number
    url = reverse("tutoria_accreditation:subject_access")
    factories.assert_refused(client.get(url))
    response = client.post(url, {"student_number": number, "purpose": PURPOSE})
    factories.assert_refused(response)
    assert DISCLOSURE.encode() not in response.content


def test_subject_access_with_the_permission_holds_the_confidential_details(world, tmp_path):
    """The control of the test above: the workbook is identified by nature."""
    client = client_for(world.users["quality_identified"])
    response = client.post(
        reverse("tutoria_accreditation:subject_access"),
        {"student_number": world.support_request.student.student_number, "purpose": PURPOSE},
    )
    assert response.status_code == 200
    values = "\n".join(cells(response.content))
    assert DISCLOSURE in values and REFERRAL_REASON in values


def test_subject_access_command_needs_the_permission(world, tmp_path):
    from django.core.management.base import CommandError

    number = world.support_request.student.student_number
    with pytest.raises(CommandError):
        call_command(
            "export_subject_data",
            number,
            "--output",
            str(tmp_path / "s.xlsx"),
            "--user",
            world.users["quality"].username,
            "--purpose",
            PURPOSE,
        )
    assert not (tmp_path / "s.xlsx").exists() or DISCLOSURE not in "\n".join(
        cells((tmp_path / "s.xlsx").read_bytes())
    )


# The student area -----------------------------------------------------------------------------


@pytest.fixture
def student_area(world):
    """The institution's student area and two students with accounts: A, whose support request
    was tutored (private session notes) and referred (reason, service, outcome notes), and B,
    the mentee of the pair (shared notes, goal and feedback; the mentor's private notes)."""
    area = factories.build_student_area(world.home)
    students = {
        "student_a": factories.make_student_user(world.support_request.student),
        "student_b": factories.make_student_user(world.pair.mentee.student),
    }
    return area, students


def crawl_area(area, user):
    client = client_for(user)
    prefix = area.url
    pages = crawler.crawl(client, [prefix], prefix=prefix)
    return client, pages


# What each student reads of the secrets: their own records only. B, the mentee, reads the
# pair's shared texts; A reads where they were referred (their referral's service: they go
# there), never what staff wrote. Their own words and record (A's disclosure, the special
# educational need field) only in "My data", the subject-access copy of their record.
STUDENT_READS = {
    "student_a": {"/": {REFERRAL_SERVICE}, "data/": {DISCLOSURE}},
    "student_b": {"/": set(PAIR_TEXTS), "data/": set()},
}


@pytest.mark.parametrize("role", ["student_a", "student_b"])
def test_the_student_area_shows_each_student_only_their_own(world, student_area, role):
    from tutoria_cms.students.area import sections

    area, students = student_area
    client, pages = crawl_area(area, students[role])
    fetched = {url for url, page in pages.items() if page.status == 200}
    # Control: every section was reached, and the crawl went past the section pages.
    for section in sections():
        assert f"{area.url}{section.slug}/" in fetched, (section.slug, sorted(fetched))
    assert len(fetched) > len(sections()) + 1
    my_data = {url: page for url, page in pages.items() if url.startswith(f"{area.url}data/")}
    elsewhere = {url: page for url, page in pages.items() if url not in my_data}
    readable, own = STUDENT_READS[role]["/"], STUDENT_READS[role]["data/"]
    for secret in readable | own:  # the control: what they may read, they do
        assert crawler.find(pages, [secret]), f"{secret} not shown to {role}"
    other = "student_b" if role == "student_a" else "student_a"
    hidden = [*NEVER_SHOWN, MENTOR_NOTES, REFERRAL_SERVICE, *PAIR_TEXTS, *SEN_MARKERS]
    hidden.append(students[other].student_account.record.full_name)  # nor the other student
    hidden_here = [secret for secret in hidden if secret not in readable]
    assert_not_found(crawler.find(elsewhere, hidden_here), f"student area as {role}")
    hidden_in_data = [s for s in hidden_here if s not in own and s not in SEN_MARKERS]
    assert_not_found(crawler.find(my_data, hidden_in_data), f"My data as {role}")


def test_a_student_cannot_open_another_students_pages_by_their_address(world, student_area):
    """Every page of A's area with an id in its address is not found for B."""
    import re

    area, students = student_area
    _client, pages = crawl_area(area, students["student_a"])
    with_ids = [
        url for url, page in pages.items() if page.status == 200 and re.search(r"/\d+/", url)
    ]
    assert with_ids, "A's area has pages of their own records (requests, sessions...)"
    other = client_for(students["student_b"])
    for url in with_ids:
        assert other.get(url).status_code == 404, url
