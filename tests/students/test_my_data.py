"""The student area's "My data": what the institution holds about the signed-in student, their
own record only (the same student number in another institution is another student), staff's
confidential texts withheld, as a page and as an .xlsx download."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook
from wagtail import hooks

from tests import factories
from tutoria_cms.core.evidence import SUBJECT_DATA_HOOK, SubjectSheet
from tutoria_cms.core.models import InstitutionSettings
from tutoria_cms.requests.models import Referral, RequestKind, TutoringSession  # noqa: I001
from tutoria_cms.workshops.models import WorkshopRegistration

from .conftest import BR_HOST, MX_HOST, client_for, signed_in

TODAY = timezone.localdate()


def url(page, tail=""):
    return page.relative_url(page.get_site()) + tail


def translated(text, language):
    with translation.override(language):
        return escape(translation.gettext(text))


def seed(site, record, root, tag):
    """A support request (with what the student confided, a session's private notes and a
    referral) and a verified workshop registration of ``record`` in ``site``."""
    from tutoria_cms.requests import services

    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=record,
        user=root,
        site=site,
        reasons=["emotional"],
        description=f"OWN-WORDS-{tag}",
    )
    TutoringSession.objects.create(
        request=request,
        date=TODAY,
        modality="video",
        duration_minutes=30,
        private_notes=f"SESSION-PRIVATE-{tag}",
    )
    Referral.objects.create(
        request=request,
        service=factories.referral_service(site, f"Service-{tag}"),
        reason=f"REFERRAL-REASON-{tag}",
        outcome_notes=f"OUTCOME-{tag}",
    )
    index = factories.build_programme_index(site.root_page, title=f"Programas {tag}")
    programme = factories.build_programme(index, title=f"Programa {tag}")
    workshop = factories.build_workshop(programme, title=f"Workshop-{tag}")
    now = timezone.now()
    WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=record.student_number,
        full_name=record.full_name,
        email=record.email,
        consent=True,
        consent_at=now,
        status="confirmed",
        language="es",
        identity_verified_at=now,
    )
    return request


@pytest.fixture
def world(institutions):
    mx, br = institutions
    root = get_user_model().objects.create_superuser("root", "root@example.edu", "x-root-pass-1")
    w = type("World", (), {})()
    w.mx, w.br = mx, br
    w.mx_area = factories.build_student_area(mx.root_page, title="Mi espacio")
    w.br_area = factories.build_student_area(br.root_page, title="Minha área")
    # The same number in both institutions: two students.
    w.mx_record = factories.make_student("S100", site=mx, full_name="Valeria Gómez")
    w.br_record = factories.make_student(
        "S100", site=br, full_name="Outra Pessoa", email="s100@exemplo.edu.br"
    )
    w.mx_student = factories.make_student_user(w.mx_record)
    w.br_student = factories.make_student_user(w.br_record)
    w.other_record = factories.make_student("S200", site=mx, full_name="Ernesto Otro")
    w.other_student = factories.make_student_user(w.other_record)
    w.mx_request = seed(mx, w.mx_record, root, "MX")
    seed(br, w.br_record, root, "BR")
    seed(mx, w.other_record, root, "OTHER")
    settings_row = InstitutionSettings.for_site(mx)
    settings_row.contact = "Oficina de Tutorías\ntutorias@ejemplo.edu"
    settings_row.data_controller = "Universidad de Ejemplo, Av. Central 1"
    settings_row.save()
    return w


def test_the_page_shows_the_students_own_data_and_how_to_correct_it(world):
    response = signed_in(world.mx_student).get(url(world.mx_area, "data/"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Valeria Gómez" in body and "Workshop-MX" in body
    assert 'class="tutoria-table-scroll"' in body
    # What the student confided is theirs; what staff wrote stays withheld.
    assert "OWN-WORDS-MX" in body
    for staff_text in ("SESSION-PRIVATE-MX", "REFERRAL-REASON-MX", "OUTCOME-MX", "Service-MX"):
        assert staff_text not in body
    assert translated("[withheld: confidential]", "es") in body
    # Nobody else's data: not the other student's, not the same number's elsewhere.
    for foreign in ("Ernesto Otro", "OWN-WORDS-OTHER", "Workshop-OTHER", "Outra Pessoa"):
        assert foreign not in body
    for foreign in ("OWN-WORDS-BR", "Workshop-BR"):
        assert foreign not in body
    # How to ask for a correction: the institution's contact and data controller.
    assert "tutorias@ejemplo.edu" in body and "Av. Central 1" in body
    assert translated("How to ask for a correction", "es") in body


def test_the_same_number_in_another_institution_gets_only_its_own_record(world):
    # The Brazilian site's id is the higher: "the first record with that number" would be the
    # Mexican one.
    assert world.br.pk > world.mx.pk
    body = signed_in(world.br_student, BR_HOST).get(url(world.br_area, "data/")).content.decode()
    assert "Outra Pessoa" in body and "OWN-WORDS-BR" in body and "Workshop-BR" in body
    for foreign in ("Valeria Gómez", "OWN-WORDS-MX", "Workshop-MX", "tutorias@ejemplo.edu"):
        assert foreign not in body


def test_the_download_is_the_students_own_workbook(world):
    response = signed_in(world.mx_student).get(url(world.mx_area, "data/download/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert {"S100", "Valeria Gómez", "OWN-WORDS-MX", "Workshop-MX"} <= cells
    for foreign in (
        "Outra Pessoa",
        "Ernesto Otro",
        "OWN-WORDS-BR",
        "OWN-WORDS-OTHER",
        "Workshop-BR",
        "SESSION-PRIVATE-MX",
        "REFERRAL-REASON-MX",
        "OUTCOME-MX",
    ):
        assert foreign not in cells
    assert len(book.sheetnames) >= 5


def test_staff_other_institution_and_anonymous_are_refused(world):
    staff = factories.build_tutor_user("tutor1")
    for tail in ("data/", "data/download/"):
        path = url(world.mx_area, tail)
        assert signed_in(staff).get(path).status_code == 403
        assert signed_in(world.br_student).get(path).status_code == 403
        response = client_for(MX_HOST).get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_hook_that_does_not_answer_for_a_record_is_not_asked(world):
    """A hook that could answer for the number in every institution stays out."""

    def careless(student_number, user, **kwargs):
        return [SubjectSheet("CARELESS", ("Number",), [(student_number,)], order=1)]

    with hooks.register_temporarily(SUBJECT_DATA_HOOK, careless):
        body = signed_in(world.mx_student).get(url(world.mx_area, "data/")).content.decode()
    assert "CARELESS" not in body and "Valeria Gómez" in body


def test_the_hooks_answer_for_the_record_given(world):
    """Given ``record``, each app answers about that record (not the first with its number),
    the student's own words in, staff's texts out; the staff workbook's callers, without
    ``record``, keep withholding both when not confidential."""
    from tutoria_cms.academics.subject import subject_data as academics
    from tutoria_cms.requests.subject import subject_data as requests

    (sheet, *_rest) = academics("S100", None, record=world.br_record)
    assert [row[1] for row in sheet.rows] == ["Outra Pessoa"]
    sheets = {
        str(s.title): s for s in requests("S100", None, confidential=False, record=world.br_record)
    }
    (row,) = list(sheets["Confidential details"].rows)
    assert "OWN-WORDS-BR" in row
    (row,) = list(sheets["Tutoring sessions"].rows)
    assert "SESSION-PRIVATE-BR" not in row
    root = get_user_model().objects.get(username="root")
    sheets = {str(s.title): s for s in requests("S100", root, site=world.mx, confidential=False)}
    (row,) = list(sheets["Confidential details"].rows)
    assert "OWN-WORDS-MX" not in row


def test_the_overview_lists_my_data(world):
    body = signed_in(world.mx_student).get(url(world.mx_area)).content.decode()
    assert url(world.mx_area, "data/") in body
    assert translated("My data", "es") in body
