"""The leak sweep across institutions (issue #13): both institutions of the security world
(conftest.py) hold confidential texts, students and files of their own; each role of each
institution (and anonymous visitors on each institution's host) crawls everything it can
reach, files included, and reads nothing of the other institution.

The crawl starts from every argument-free admin URL, the dashboard, the reader's own
objects, the documents (their serve URLs ``/documents/<id>/<name>`` and storage URLs), the
admin document API and chooser, and the evidence export downloads, its own and the other
institution's (the URL may be known: it must still give nothing); it follows every link.

The staff read the admin in their institution's language (Spanish at A, Brazilian
Portuguese at B), and every page of ours they reach must read in it (readability.py: no
Python reprs, action codes or English labels; the superuser's pages: test_readable.py): one
crawl per role and institution for both sweeps.

Then: an upload preview of academic records says nothing of the other institution's
students, and the e-mails sent by one institution's actions go to its own people only.
"""

import contextlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.security import crawler

from .conftest import ROLES, others_data
from .readability import assert_readable, our_pages, use_admin_language

pytestmark = pytest.mark.django_db

OTHER = {"a": "b", "b": "a"}


@pytest.fixture(scope="module", autouse=True)
def documents_on_disk(tmp_path_factory):
    """Wagtail serves documents from a local path when the storage has one, and the tests'
    InMemoryStorage claims one it does not have (every document would be "not found"): a
    real folder for this module, set before its world is built (autouse comes first)."""
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("documents")},
        },
    }
    with override_settings(STORAGES=storages):
        yield


FILES = ("/documents/", "/media/")
ADMIN_ROLES = [role for role in ROLES if role != "anonymous"]
# The admin language of each institution's staff.
LANGUAGE = {"a": "es", "b": "pt-br"}


def client_for(world, role, institution):
    """A client on ``institution``'s host, logged in as its ``role`` (or anonymous)."""
    own = world.institutions[institution]
    client = Client(HTTP_HOST=own.spec["hostname"], HTTP_ACCEPT_LANGUAGE="es")
    user = world.superuser if role == "superuser" else own.users.get(role)
    if user is not None:
        client.force_login(user)
    return client


def file_urls(world):
    """Every document's serve URL (and storage URL, if any), and every export download."""
    from wagtail.documents import get_document_model

    urls = []
    for document in get_document_model().objects.all():
        urls.append(document.url)
        # A storage URL, where the storage has one (the private storage has none).
        with contextlib.suppress(NotImplementedError):
            urls.append(document.file.url)
    for institution in world.institutions.values():
        urls.append(reverse("tutoria_accreditation:download", args=[institution.job.pk]))
    return urls


def object_urls(own):
    return [
        reverse("wagtailadmin_home"),
        reverse("tutoria_requests:inspect", args=[own.request_a.pk]),
        reverse("tutoria_requests:inspect", args=[own.draft_request.pk]),
        reverse("tutoria_requests:disclosure", args=[own.request_a.pk]),
        reverse("tutoria_mentoring_pairs:inspect", args=[own.pair_a.pk]),
        reverse("tutoria_reports:inspect", args=[own.report_a.pk]),
        reverse("tutoria_agreements:inspect", args=[own.agreement.pk]),
        reverse("tutoria_agreements:inspect", args=[own.agreement_2.pk]),
        reverse("tutoria_accreditation:job", args=[own.job.pk]),
        reverse("tutoria_tutors:profile_matrix", args=[own.profile_a.pk]),
        reverse("wagtailadmin_pages:edit", args=[own.profile_a.pk]),
        "/admin/api/main/documents/",
        "/admin/api/main/documents/?format=json",
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtaildocs_chooser:choose_results"),
    ]


def sweep(world, role, institution):
    own = world.institutions[institution]
    client = client_for(world, role, institution)
    start = [*crawler.parameterless_admin_urls(), *object_urls(own), *file_urls(world)]
    hosts = ("testserver", own.spec["hostname"])
    return crawler.crawl(client, start, also=FILES, hosts=hosts)


def assert_not_found(found, where):
    assert not found, f"{where}: " + "; ".join(
        f"{data!r} in {urls[:5]}" for data, urls in sorted(found.items())
    )


@pytest.mark.parametrize("institution", ["a", "b"])
@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_staff_read_nothing_of_the_other_institution_in_their_language(world, role, institution):
    own = world.institutions[institution]
    user = own.users[role]
    if role != "student":  # students have no admin
        use_admin_language(user, LANGUAGE[institution])
    pages = sweep(world, role, institution)
    assert_not_found(
        crawler.find(pages, others_data(world, institution)), f"{role} of {institution} reads"
    )
    found = crawler.find(pages, [*own.secrets, own.file_text, *own.personal])
    # The control: the crawl reached this institution's own data where the role may read it.
    readable = [secret for secret, readers in own.secrets.items() if role in readers]
    assert set(readable) <= set(found), (role, set(readable) - set(found))
    if role == "coordination":
        assert own.student_a.full_name in found and own.file_text in found
    if role != "student":
        ours = our_pages(pages)
        assert len(ours) >= 2, (role, sorted(ours))
        names = {account.get_username() for account in own.users.values() if account}
        assert_readable(ours, LANGUAGE[institution], names)


def test_superusers_read_both_institutions(world):
    """The control of the sweep: the other institution's data is reachable (a superuser, who
    administers the install, reads both institutions' registrations and files), so the
    sweep above can find it."""
    client = client_for(world, "superuser", "a")
    listing = client.get(reverse("workshop_registrations:index")).content.decode()
    for institution in world.institutions.values():
        assert institution.spec["people"]["registrant"][1] in listing
        response = client.get(institution.deliverable.url)
        assert response.status_code == 200, institution.deliverable.url
        assert institution.file_text in crawler.response_text(response)[0]


@pytest.mark.parametrize("institution", ["a", "b"])
def test_anonymous_visitors_read_nothing_of_either(world, institution):
    client = client_for(world, "anonymous", institution)
    live = []
    own = world.institutions[institution]
    for page in own.home.get_descendants(inclusive=True).live().specific():
        live.append(page.relative_url(own.site))
    start = ["/", *live, "/search/?q=Taller", *file_urls(world)]
    pages = crawler.crawl(
        client, start, prefix="/", also=FILES, hosts=("testserver", own.spec["hostname"])
    )
    assert len([page for page in pages.values() if page.status == 200]) >= 6
    everything = [*others_data(world, "a"), *others_data(world, "b")]
    assert_not_found(crawler.find(pages, everything), f"anonymous on {institution}'s site")


# Academic records: an upload preview -------------------------------------------------------

IMPORT = "/admin/tutoria/academics/import/"


def preview(client, number):
    data = (
        "student_number,name,completed_hours,curriculum_hours\n"
        f"{number},Estudiante Nuevo,100,3000\n"
    ).encode()
    response = client.post(IMPORT, {"file": SimpleUploadedFile("students.csv", data)})
    assert response.status_code == 200, response.status_code
    return response


@pytest.mark.parametrize("institution", ["a", "b"])
def test_an_upload_preview_knows_nothing_of_the_other_institutions_students(world, institution):
    """A student number of the other institution is a new student here: the preview says
    what it says of a number nobody has, and shows nothing of the other's student."""
    other = world.institutions[OTHER[institution]]
    client = client_for(world, "coordination", institution)
    theirs = preview(client, other.student_a.student_number)
    nobodys = preview(client, "ZZ0000000")
    assert theirs.context["preview"] == nobodys.context["preview"]
    text = theirs.content.decode()
    assert other.student_a.full_name not in text and other.student_a.email not in text
    # The control: the same preview with one of this institution's numbers updates it.
    own = world.institutions[institution]
    assert (
        preview(client, own.student_a.student_number).context["preview"]
        != (nobodys.context["preview"])
    )


# E-mails --------------------------------------------------------------------------------------


def addresses_of(world, institution):
    """The e-mail addresses of ``institution``'s people: staff and students."""
    from tutoria_cms.academics.models import StudentRecord
    from tutoria_cms.workshops.models import WorkshopRegistration

    own = world.institutions[institution]
    found = {user.email.lower() for user in own.users.values() if user is not None}
    found |= {
        email.lower()
        for email in StudentRecord.objects.filter(site=own.site).values_list("email", flat=True)
    }
    pages = own.home.get_descendants().values_list("pk", flat=True)
    found |= {
        email.lower()
        for email in WorkshopRegistration.objects.filter(workshop_id__in=pages).values_list(
            "email", flat=True
        )
    }
    return found


def act_as_institution_a(world):
    """Actions of institution A's staff that send e-mails (requests, workshops)."""
    from tutoria_cms.requests import services as requests
    from tutoria_cms.workshops import services as workshops

    users = world.users
    requests.transition(world.request_b, "close", users["coordination"], reason="")
    requests.transition(world.draft_request, "submit", users["coordination"], reason="")
    workshops.cancel(world.registration_2, users["coordination"])
    workshops.register(
        world.workshop,
        student_number="N0001",
        full_name="Nuevo Registrante",
        email="nuevo@example.edu",
        consent=True,
        language="es",
    )


def test_emails_of_one_institution_go_to_its_own_people(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        act_as_institution_a(world)
    by_a = list(mail.outbox)
    b_addresses = addresses_of(world, "b")
    for message in by_a:
        recipients = {address.lower() for address in (*message.to, *message.cc, *message.bcc)}
        assert not recipients & b_addresses, (message.subject, recipients & b_addresses)
    # The scheduled e-mails: each goes to one institution's people and says nothing of the
    # other's.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_tutoria_notifications")
        call_command("mentoring_reminders")
        call_command("partnership_warnings")
    assert mail.outbox, "e-mails were sent"
    addresses = {key: addresses_of(world, key) for key in ("a", "b")}
    for message in mail.outbox:
        recipients = {address.lower() for address in (*message.to, *message.cc, *message.bcc)}
        parts = [message.subject, message.body, *message.to, *message.cc, *message.bcc]
        parts += [content for content, _mime in getattr(message, "alternatives", [])]
        text = "\n".join(str(part) for part in parts)
        for institution in ("a", "b"):
            if recipients & addresses[institution]:
                assert not recipients & addresses[OTHER[institution]], message.subject
                leaked = [data for data in others_data(world, institution) if data in text]
                assert not leaked, (message.subject, leaked)
