"""Admin views: permissions of each role, the background export, progress and download."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.accreditation.conftest import range_filters
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site


def client_for(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tutora", groups=[roles.TUTORS])


@pytest.fixture
def done_job(quality, scenario):
    client = client_for(quality)
    response = client.post(reverse("tutoria_accreditation:export"), range_filters())
    assert response.status_code == 302, response.content[:2000]
    return ExportJob.objects.get()


EXPORT = reverse("tutoria_accreditation:export")
INDICATORS = reverse("tutoria_accreditation:indicators")


@pytest.mark.parametrize(
    ("role", "export", "indicators"),
    [
        (roles.QUALITY, 200, 200),
        (roles.COORDINATION, 403, 200),
        (roles.TUTORS, 403, 403),
        (roles.COMMUNICATIONS, 403, 403),
        (roles.BOARD, 403, 403),
        (roles.ORIENTATION, 403, 403),
    ],
)
def test_role_matrix(db, role, export, indicators):
    user = factories.UserFactory(username="u", groups=[role])
    client = client_for(user)
    assert client.get(EXPORT).status_code in ({export} | ({302} if export == 403 else set()))
    assert client.get(INDICATORS).status_code in (
        {indicators} | ({302} if indicators == 403 else set())
    )


def test_anonymous_is_sent_to_login(db):
    assert Client().get(EXPORT).status_code == 302
    assert Client().get(INDICATORS).status_code == 302


def test_quality_office_exports_in_the_background_and_downloads(quality, done_job):
    assert done_job.status == ExportJob.Status.DONE
    assert done_job.requested_by == quality and not done_job.identified
    assert done_job.filters["site"] == "localhost"
    assert done_job.row_counts["Workshop attendance"] == 5
    assert done_job.progress == 100 and done_job.task_id
    client = client_for(quality)
    page = client.get(reverse("tutoria_accreditation:job", args=[done_job.pk]))
    assert page.status_code == 200
    assert b'http-equiv="refresh"' not in page.content
    download_url = reverse("tutoria_accreditation:download", args=[done_job.pk])
    assert download_url.encode() in page.content
    response = client.get(download_url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    students = [r[5] for r in book.worksheets[4].iter_rows(min_row=2, values_only=True)]
    assert students and all(s.startswith("S-") for s in students)
    listing = client.get(EXPORT)
    assert reverse("tutoria_accreditation:job", args=[done_job.pk]).encode() in listing.content


def test_others_cannot_see_or_download(done_job, tutor, coordinator):
    for user in (tutor, coordinator):
        client = client_for(user)
        for name in ("job", "download"):
            response = client.get(reverse(f"tutoria_accreditation:{name}", args=[done_job.pk]))
            assert response.status_code in (302, 403)


def test_an_exporter_without_view_permission_sees_only_own_jobs(done_job, db):
    other = factories.UserFactory(username="otra")
    other.user_permissions.add(
        Permission.objects.get(codename="export_evidence"),
        Permission.objects.get(codename="access_admin"),
    )
    client = client_for(other)
    assert client.get(EXPORT).status_code == 200
    response = client.get(reverse("tutoria_accreditation:job", args=[done_job.pk]))
    assert response.status_code in (302, 403)  # Wagtail redirects a refusal to the dashboard


def test_identified_export_and_download_need_the_permission(quality, scenario):
    client = client_for(quality)
    page = client.get(EXPORT)
    assert b'name="identified"' not in page.content
    # Forcing the field does nothing without the permission.
    client.post(EXPORT, range_filters(identified="on"))
    assert not ExportJob.objects.get().identified
    quality.user_permissions.add(Permission.objects.get(codename="export_identified"))
    client = client_for(quality)
    assert b'name="identified"' in client.get(EXPORT).content
    client.post(EXPORT, range_filters(identified="on"))
    job = ExportJob.objects.get(identified=True)
    assert job.status == ExportJob.Status.DONE
    download = reverse("tutoria_accreditation:download", args=[job.pk])
    assert client.get(download).status_code == 200
    quality.user_permissions.remove(Permission.objects.get(codename="export_identified"))
    assert client_for(quality).get(download).status_code in (302, 403)


def test_the_workbook_is_in_the_language_of_the_admin(quality, scenario):
    client_for(quality, language="pt-br").post(EXPORT, range_filters())
    job = ExportJob.objects.get()
    assert job.language == "pt-br"
    assert "Frequência nas oficinas" in job.row_counts
    book = openpyxl.load_workbook(job.file.open("rb"))
    assert book.sheetnames[0] == "Resumo" and book.sheetnames[-1] == "Procedência"


def test_bad_filters_show_an_error(quality, db):
    response = client_for(quality).post(
        EXPORT, {"site": "localhost", "date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert response.status_code == 200
    assert b"ends before it starts" in response.content
    assert not ExportJob.objects.exists()


def test_a_running_job_page_refreshes_itself(quality, db):
    job = ExportJob.objects.create(
        site=default_site(),
        requested_by=quality,
        status=ExportJob.Status.RUNNING,
        progress=40,
        rows_done=400,
    )
    page = client_for(quality).get(reverse("tutoria_accreditation:job", args=[job.pk]))
    assert b'<meta http-equiv="refresh" content="2">' in page.content
    assert b'<progress id="job-progress" max="100" value="40">' in page.content


def test_a_failed_job_is_recorded(quality, scenario, monkeypatch):
    from tutoria_cms.accreditation import services

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "build_workbook", boom)
    client_for(quality).post(EXPORT, range_filters())
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error


def test_indicators_page_has_accessible_charts(coordinator, scenario, tutors):
    response = client_for(coordinator).get(INDICATORS, {"site": "localhost"})
    content = response.content.decode()
    assert response.status_code == 200
    # Requests by state, reasons by category, sessions by attention type and modality,
    # failure/lag/dropout; then the other counts, hours and percentages.
    assert content.count('class="tutoria-bar-chart"') == 7
    for title in (
        "Requests by state",
        "Reasons by category",
        "Sessions by attention type and modality",
        "Failure, lag and dropout: tutored and other students",
        "Counts",
        "Hours",
        "Percentages",
    ):
        assert f'-title">{title}</title>' in content
    assert 'role="img"' in content and "<title id=" in content and "<desc id=" in content
    assert 'data-indicator="workshop_hours"' in content
    assert "Export the evidence workbook" not in content  # coordinators do not export


def test_home_panel_for_quality_and_coordination_not_tutors(quality, coordinator, tutor, scenario):
    home = reverse("wagtailadmin_home")
    for user in (quality, coordinator):
        content = client_for(user).get(home).content.decode()
        assert "Tutoring indicators" in content
        assert 'data-indicator="workshops_held"' in content
    tutor_page = client_for(tutor).get(home)
    assert b"Tutoring indicators" not in tutor_page.content


def test_an_export_by_term_is_built(quality, term):
    """The job stores the term alone (not also its dates), so the task can rebuild it."""
    client = client_for(quality)
    response = client.post(
        reverse("tutoria_accreditation:export"), {"site": "localhost", "term": term.code}
    )
    assert response.status_code == 302, response.content[:2000]
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.filters["term"] == term.code
    assert job.filters["date_from"] == job.filters["date_to"] == ""
    assert job.filename().endswith(f"-{term.code}-{job.pk}.xlsx")
