"""Quality office journeys: indicators, evidence workbooks, evidence records, subject access."""

import datetime

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests import factories
from tests.e2e.journeys.conftest import es
from tutoria_cms.academics.models import Term
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.workshops import services as workshop_services
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def evidence(site):
    """A term around today and a workshop held in it: two sessions, 3 students, 4 of 6 present."""
    today = timezone.localdate()
    Term.objects.create(
        code="2026-2",
        name="Otoño 2026",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=60),
        kind="regular",
    )
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


@pytest.fixture
def calidad(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


def download(page, link_or_button, tmp_path):
    with page.expect_download() as info:
        link_or_button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_quality_officer_reads_the_indicators_of_a_term(evidence, calidad, sign_in):
    page = sign_in("calidad")

    page.get_by_role("link", name=es("Indicators"), exact=True).click()
    page.get_by_label(es("Institution")).select_option(label="Universidad de Ejemplo (localhost)")
    page.get_by_label(es("Term"), exact=True).select_option(label="2026-2 · Otoño 2026")
    page.get_by_role("button", name=es("Show")).click()

    for indicator, value in (
        (es("Published programmes"), "1"),
        (es("Workshops held"), "1"),
        (es("Workshop sessions"), "2"),
    ):
        row = page.get_by_role("row", name=indicator, exact=False).first
        assert row.get_by_role("cell").first.inner_text().strip() == value, indicator


def test_quality_officer_exports_and_downloads_a_workbook(evidence, calidad, sign_in, tmp_path):
    page = sign_in("calidad")

    page.get_by_role("link", name=es("Evidence workbooks")).click()
    page.get_by_label(es("Institution")).select_option(label="Universidad de Ejemplo (localhost)")
    page.get_by_label(es("Term"), exact=True).select_option(label="2026-2 · Otoño 2026")
    page.get_by_role("button", name=es("Build the workbook")).click()

    page.get_by_text(es("Done", context="export job"), exact=True).wait_for()
    path = download(page, page.get_by_role("link", name=es("Download the workbook")), tmp_path)
    book = openpyxl.load_workbook(path)
    header, *rows = book[es("Workshop attendance")].iter_rows(values_only=True)
    assert len(rows) == 6
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.requested_by.username == "calidad"
    assert job.filters["term"] == "2026-2"


def test_quality_officer_browses_evidence_records_and_downloads_a_listing(
    evidence, calidad, sign_in, tmp_path
):
    page = sign_in("calidad")

    page.get_by_role("button", name=es("Evidence records")).click()
    page.get_by_role("link", name=es("Workshop registrations")).click()
    # Three registrations, under pseudonyms: the names are not shown to the quality office.
    # (the same title is also an option of the collapsed workshop filter: wait for a row)
    page.get_by_role("row", name="Taller de estilos de aprendizaje").first.wait_for()
    assert page.get_by_role("row", name="Taller de estilos de aprendizaje").count() == 3
    assert "Alumno 1" not in page.content() and "A000001" not in page.content()
    link = page.get_by_role("link", name=es("Download this listing (.xlsx)"))
    book = openpyxl.load_workbook(download(page, link, tmp_path))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3  # the header, then the three registrations
    from tutoria_cms.contrib.modeladmin.models import ListingExport

    assert ListingExport.objects.get().user.username == "calidad"  # the download is logged


def test_quality_officer_runs_a_subject_access_export(evidence, calidad, sign_in, tmp_path):
    calidad.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="tutoria_accreditation", codename="export_identified"
        )
    )
    page = sign_in("calidad")

    page.get_by_role("button", name=es("Reports")).click()
    page.get_by_role("link", name=es("Subject access")).click()
    page.get_by_role("textbox", name=es("Student number")).fill("A000001")
    page.get_by_role("textbox", name=es("Purpose")).fill("Solicitud de acceso del alumno")
    button = page.get_by_role("button", name=es("Download the workbook"))
    book = openpyxl.load_workbook(download(page, button, tmp_path))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Alumno 1" in cells and "Alumno 2" not in cells
    job = ExportJob.objects.get(identified=True)
    assert job.requested_by.username == "calidad" and "A000001" not in str(job.filters)
    assert job.purpose == "Solicitud de acceso del alumno"
