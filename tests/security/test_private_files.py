"""Private files (#13): uploads and evidence workbooks in the private storage (tested with
Django's InMemoryStorage, so that no code assumes a path), stored under their real type,
served only as attachments after a permission check, and deleted after their retention."""

import datetime
import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests import factories
from tutoria_cms.academics.models import Term
from tutoria_cms.academics.services import UPLOAD_DIR
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.core.storage import PRIVATE_STORAGE_ALIAS, private_storage

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/tutoria/academics/import/"
MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture(autouse=True)
def fresh_private_storage(settings):
    """A new, empty in-memory private storage for each test (override_settings STORAGES)."""
    settings.STORAGES = {**settings.STORAGES, PRIVATE_STORAGE_ALIAS: MEMORY}
    storage = private_storage()
    assert isinstance(storages[PRIVATE_STORAGE_ALIAS], InMemoryStorage)
    assert storage.listdir("")[0] == []
    return storage


def terms_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Terms"
    sheet.append(["code", "name", "starts_on", "ends_on", "kind"])
    sheet.append(["2026-1", "S1", "2026-02-02", "2026-06-30", "regular"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored_uploads(storage):
    return storage.listdir(UPLOAD_DIR)[1]


@pytest.mark.parametrize("name", ["records.html", "records.svg", "records.xlsx", "RECORDS"])
def test_a_workbook_is_stored_as_xlsx_whatever_its_name(client, coordinator, name, settings):
    client.force_login(coordinator)
    data = terms_workbook()
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data, "text/html")})
    assert response.status_code == 200, response.content[:500]
    token = response.context["token"]
    storage = private_storage()
    (stored,) = stored_uploads(storage)
    assert stored == f"{token}.xlsx"
    assert storage.open(f"{UPLOAD_DIR}/{stored}").read() == data
    # Not in the public (default) storage, and no URL serves it.
    assert not storages["default"].exists(f"{UPLOAD_DIR}/{stored}")
    for suffix in (".html", ".svg"):
        assert not any(n.endswith(suffix) for n in stored_uploads(storage))
    # Confirming imports it and deletes the stored upload.
    response = client.post(IMPORT_URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Term.objects.get().code == "2026-1"
    assert stored_uploads(storage) == []


def test_a_csv_is_stored_as_csv(client, coordinator):
    client.force_login(coordinator)
    data = b"code,name,starts_on,ends_on,kind\n2026-1,S1,2026-02-02,2026-06-30,regular\n"
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("terms.csv", data)})
    assert response.status_code == 200
    assert stored_uploads(private_storage()) == [f"{response.context['token']}.csv"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("records.xlsx", b"<html><script>alert(1)</script></html>", "no es un libro .xlsx"),
        ("records.xlsx", b"PK\x03\x04 not a zip at all", "no es un libro .xlsx"),
        ("records.html", b"<html><script>alert(1)</script></html>", "Tipo de archivo no"),
        ("records.svg", b"<svg onload='alert(1)'/>", "Tipo de archivo no"),
    ],
)
def test_invalid_files_are_refused_before_anything_is_stored(
    client, coordinator, name, data, message
):
    client.force_login(coordinator)
    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert message in response.text
    assert not response.context.get("token")
    assert private_storage().listdir("") == ([], [])  # nothing stored


def test_the_refusal_is_translated(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("records.xlsx", b"PK\x03\x04 broken")},
        HTTP_ACCEPT_LANGUAGE="pt-BR",
    )
    assert "não é uma pasta de trabalho .xlsx válida" in response.text


def test_an_expired_preview_asks_for_the_file_again(client, coordinator):
    client.force_login(coordinator)
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("terms.xlsx", terms_workbook())})
    token = response.context["token"]
    call_command("purge_tutoria_files", "--preview-hours", "0", stdout=io.StringIO())
    response = client.post(
        IMPORT_URL, {"confirm": "1", "token": token}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The preview has expired" in response.text
    assert Term.objects.count() == 0


# Evidence workbooks ------------------------------------------------------------------------


def done_job(user, content=b"PK\x03\x04 workbook", **kwargs):
    job = ExportJob.objects.create(
        requested_by=user, status=ExportJob.Status.DONE, finished_at=timezone.now(), **kwargs
    )
    job.file.save("evidence.html", ContentFile(content), save=True)
    return job


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


def test_export_files_are_private_and_named_xlsx(quality):
    job = done_job(quality)
    assert job.file.name.endswith(".xlsx") and ".html" not in job.file.name
    assert job.file.storage._wrapped is storages[PRIVATE_STORAGE_ALIAS]
    assert private_storage().exists(job.file.name)
    assert not storages["default"].exists(job.file.name)


def test_download_is_an_attachment_with_the_right_headers(quality):
    job = done_job(quality)
    client = Client()
    client.force_login(quality)
    response = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"PK\x03\x04 workbook"


def test_download_needs_login_and_permission(quality):
    job = done_job(quality)
    url = reverse("tutoria_accreditation:download", args=[job.pk])
    response = Client().get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    for role in (roles.TUTORS, roles.COORDINATION, roles.COMMUNICATIONS, roles.ORIENTATION):
        client = Client()
        client.force_login(factories.UserFactory(username=f"u-{role}", groups=[role]))
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert not hasattr(response, "streaming_content")


def test_identified_download_needs_the_identified_permission(quality):
    job = done_job(quality, identified=True)
    client = Client()
    client.force_login(quality)
    response = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
    assert response.status_code in (302, 403)


def test_download_of_another_institution_is_refused(quality, mx_home, br_home):
    from wagtail.models import Site

    job = done_job(quality, site=Site.objects.get(root_page=br_home))
    mx_only = factories.UserFactory(
        username="mx", groups=[roles.QUALITY], sites=[Site.objects.get(root_page=mx_home)]
    )
    client = Client()
    client.force_login(mx_only)
    response = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
    assert response.status_code == 404  # another institution's job is not found


def test_a_purged_workbook_is_not_found(quality):
    job = done_job(quality)
    private_storage().delete(job.file.name)
    client = Client()
    client.force_login(quality)
    response = client.get(reverse("tutoria_accreditation:download", args=[job.pk]))
    assert response.status_code == 404


# Retention -----------------------------------------------------------------------------------


MEMORY_NOW = "django.core.files.storage.memory.now"  # InMemoryStorage's modification times


def test_retention_deletes_old_previews_and_exports_and_keeps_recent_ones(quality, settings):
    settings.TUTORIA_CMS = {
        **settings.TUTORIA_CMS,
        "IMPORT_PREVIEW_HOURS": 24,
        "EXPORT_FILE_DAYS": 30,
    }
    storage = private_storage()
    now = timezone.now()
    with mock.patch(MEMORY_NOW, return_value=now - datetime.timedelta(hours=25)):
        storage.save(f"{UPLOAD_DIR}/old.xlsx", ContentFile(b"old"))
    with mock.patch(MEMORY_NOW, return_value=now - datetime.timedelta(hours=23)):
        storage.save(f"{UPLOAD_DIR}/recent.xlsx", ContentFile(b"recent"))
    old_job = done_job(quality)
    ExportJob.objects.filter(pk=old_job.pk).update(finished_at=now - datetime.timedelta(days=31))
    recent_job = done_job(quality)
    ExportJob.objects.filter(pk=recent_job.pk).update(finished_at=now - datetime.timedelta(days=29))
    old_name = old_job.file.name

    out = io.StringIO()
    call_command("purge_tutoria_files", "--dry-run", stdout=out)
    assert "1 unconfirmed uploads" in out.getvalue() and "1 evidence workbooks" in out.getvalue()
    assert storage.exists(f"{UPLOAD_DIR}/old.xlsx") and storage.exists(old_name)

    call_command("purge_tutoria_files", stdout=io.StringIO())
    assert stored_uploads(storage) == ["recent.xlsx"]
    assert not storage.exists(old_name)
    old_job.refresh_from_db()
    recent_job.refresh_from_db()
    assert not old_job.file and old_job.status == ExportJob.Status.DONE  # the log stays
    assert recent_job.file and storage.exists(recent_job.file.name)


def test_retention_settings_are_checked(settings):
    from tutoria_cms.core.checks import check_tutoria_settings

    settings.TUTORIA_CMS = {"IMPORT_PREVIEW_HOURS": 0, "EXPORT_FILE_DAYS": "30"}
    ids = [error.id for error in check_tutoria_settings()]
    assert ids.count("tutoria_core.E003") == 2


def test_a_missing_private_storage_is_a_system_error():
    from tutoria_cms.core.checks import check_private_storage

    with override_settings(STORAGES={"default": MEMORY}):
        assert [error.id for error in check_private_storage()] == ["tutoria_core.E004"]
    assert check_private_storage() == []
