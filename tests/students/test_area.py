"""The student area page: who gets in, what it shows, and that its sections plug in."""

import pytest
from django.urls import path
from wagtail import hooks

from tests import factories
from tutoria_cms.students.area import SECTION_HOOK, Section, sections
from tutoria_cms.students.models import StudentAreaPage, area_page_for

from .conftest import BR_HOST, MX_HOST, client_for, signed_in


@pytest.fixture
def areas(institutions):
    mx, br = institutions
    return (
        factories.build_student_area(mx.root_page, title="Mi espacio"),
        factories.build_student_area(br.root_page, title="Minha área"),
    )


@pytest.fixture
def mx_student(institutions):
    record = factories.make_student("MX001", site=institutions[0], full_name="Valeria Gómez")
    return factories.make_student_user(record)


def url(page):
    return page.relative_url(page.get_site())


def test_anonymous_visitors_are_sent_to_sign_in_and_back(areas):
    response = client_for(MX_HOST).get(url(areas[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert url(areas[0]) in response["Location"]


def test_the_student_of_the_institution_sees_the_overview(areas, mx_student):
    response = signed_in(mx_student).get(url(areas[0]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Valeria Gómez" in body and "MX001" in body
    assert 'name="robots" content="noindex"' in body
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_student_of_another_institution_is_told_where_their_area_is(areas, mx_student):
    response = signed_in(mx_student, BR_HOST).get(url(areas[1]))
    assert response.status_code == 403
    assert "Universidad de Ejemplo" in response.content.decode()
    assert "Valeria" not in response.content.decode()


def test_staff_without_a_student_record_are_refused(areas, institutions):
    staff = factories.build_tutor_user("tutor1")
    response = signed_in(staff).get(url(areas[0]))
    assert response.status_code == 403
    assert "no está vinculada a ningún registro de alumno" in response.content.decode()


def test_after_signing_in_a_student_lands_on_their_sites_area(areas, mx_student):
    response = signed_in(mx_student).get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].endswith(url(areas[0]))
    assert area_page_for(areas[0].get_site()).pk == areas[0].pk


def test_without_an_area_page_the_profile_page_says_so(institutions, mx_student):
    response = signed_in(mx_student).get("/accounts/profile/")
    assert response.status_code == 200
    assert "aún no tiene espacio del alumno" in response.content.decode()


def test_the_area_is_left_out_of_the_sitemap(areas):
    assert areas[0].get_sitemap_urls() == []


def test_the_area_is_in_each_sites_language(areas, institutions):
    record = factories.make_student("BR001", site=institutions[1], full_name="Ana Souza")
    response = signed_in(factories.make_student_user(record), BR_HOST).get(url(areas[1]))
    assert "Sair" in response.content.decode()  # "Sign out"


def test_an_apps_section_is_routed_listed_and_summarised(areas, mx_student):
    def view(page, request):
        return page.render_section(request, "probe", "tutoria_cms/students/area_section.html", {})

    summarised = []

    def summary(request):
        summarised.append(request.path)
        return f"records of {request.student.student_number}"

    def probe():
        return Section(
            slug="probe",
            label="Probe section",
            urls=[path("", view, name="probe")],
            summary=summary,
        )

    with hooks.register_temporarily(SECTION_HOOK, probe):
        StudentAreaPage.__dict__.get("_routablepage_urlresolver") and delattr(
            StudentAreaPage, "_routablepage_urlresolver"
        )
        try:
            assert "probe" in [s.slug for s in sections()]
            client = signed_in(mx_student)
            overview = client.get(url(areas[0])).content.decode()
            assert "Probe section" in overview and "records of MX001" in overview
            response = client.get(url(areas[0]) + "probe/")
            assert response.status_code == 200
            assert 'aria-current="page">Probe section' in response.content.decode()
            # Summaries are the overview's: a section's page does not work them out.
            assert summarised == [url(areas[0])]
            assert client_for(MX_HOST).get(url(areas[0]) + "probe/").status_code == 302
        finally:
            if "_routablepage_urlresolver" in StudentAreaPage.__dict__:
                delattr(StudentAreaPage, "_routablepage_urlresolver")


def test_the_institution_settings_version_the_privacy_notice(institutions):
    from tutoria_cms.core.models import InstitutionSettings

    settings_row = InstitutionSettings.for_site(institutions[0])
    assert settings_row.privacy_notice_version == 0
    settings_row.privacy_notice = "<p>First notice</p>"
    settings_row.save()
    settings_row.contact = "Av. 1"
    settings_row.save()
    assert settings_row.privacy_notice_version == 1
    settings_row.privacy_notice = "<p>Second notice</p>"
    settings_row.save()
    assert settings_row.privacy_notice_version == 2
    assert settings_row.privacy_notice_text(1) == "<p>First notice</p>"
    assert settings_row.privacy_notice_text(2) == "<p>Second notice</p>"
    assert settings_row.privacy_notice_text(7) == ""
