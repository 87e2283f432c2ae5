"""The quality office exports an evidence workbook in a real browser and downloads it."""

import datetime

import openpyxl
import pytest
from django.utils import timezone

from tests import factories
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.workshops import services as workshop_services
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def held_workshop(site):
    """A workshop with two sessions held last week: 3 confirmed students, 4 of 6 present."""
    programme = factories.build_programme(factories.build_programme_index(site))
    workshop = factories.build_workshop(
        programme,
        title="Taller de estilos de aprendizaje",
        sessions=[factories.session_data(days=-8), factories.session_data(days=-6)],
    )
    factories.add_registrations(workshop, 3)
    registrations = list(WorkshopRegistration.objects.filter(workshop_id=workshop.pk))
    recorder = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    first, second = workshop.ordered_sessions
    workshop_services.record_attendance(first, {r.pk: True for r in registrations}, recorder)
    workshop_services.record_attendance(
        second, {r.pk: index == 0 for index, r in enumerate(registrations)}, recorder
    )
    return workshop


def test_quality_officer_exports_and_downloads_a_workbook(site, held_workshop, login, tmp_path):
    factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    today = timezone.localdate()
    page = login("calidad")

    page.get_by_role("link", name="Evidence workbooks").click()
    page.wait_for_url("**/admin/evidence/")
    page.get_by_label("Institution").select_option(value="localhost")
    page.get_by_label("From", exact=True).fill((today - datetime.timedelta(days=30)).isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Build the workbook").click()

    # The job page: done (the test task backend runs the export at once), with the download.
    job = ExportJob.objects.get()
    page.wait_for_url(f"**/jobs/{job.pk}/")
    assert page.locator("[data-status]").get_attribute("data-status") == "done"
    assert page.locator("[data-status]").inner_text() == "Done"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the workbook").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    assert "Workshop attendance" in book.sheetnames and "Provenance" in book.sheetnames
    header, *attendance = book["Workshop attendance"].iter_rows(values_only=True)
    assert len(attendance) == 6
    present = [row[header.index("Present")] for row in attendance]
    assert present.count(True) == 4 and present.count(False) == 2
    students = {row[header.index("Student")] for row in attendance}
    assert len(students) == 3 and all(student.startswith("S-") for student in students)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.requested_by.username == "calidad"
    assert job.filters["site"] == "localhost" and job.row_counts["Workshop attendance"] == 6
