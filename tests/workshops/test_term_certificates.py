"""Certificates of the tutoring a student received in a term (#16 item 3, constancia de
tutoría / declaração de tutoria): the hours per kind of activity frozen as issued, the same
verification page as workshop certificates, downloaded by the student from "My tutoring"
(their own only)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.requests.test_student_tutoring import (  # noqa: F401
    NOTES,
    OTHER_NOTES,
    institutions,
    section,
    signed_in,
    today,
    world,
)
from tests.students.conftest import BR_HOST, MX_HOST, client_for
from tests.workshops.test_certificates import document_text
from tutoria_cms.academics.models import Term
from tutoria_cms.requests.models import TutoringSession
from tutoria_cms.workshops import certificates
from tutoria_cms.workshops.models import Attendance, Certificate, WorkshopRegistration

pytestmark = pytest.mark.django_db

RECEIVED = certificates.RECEIVED


@pytest.fixture
def valeria(world):  # noqa: F811
    """Valeria's record, with a workshop session attended (2 hours) in this term."""
    record = world["valeria"].student_account.record
    index = factories.build_programme_index(record.site.root_page)
    workshop = factories.build_workshop(
        factories.build_programme(index),
        title="Técnicas de estudio",
        sessions=[factories.session_data(days=-3)],
    )
    registration = WorkshopRegistration.objects.create(
        workshop_id=workshop.pk,
        student_number=record.student_number,
        full_name=record.full_name,
        email=record.email,
        consent=True,
        status="confirmed",
        identity_verified_at=timezone.now(),
    )
    Attendance.objects.create(
        session=workshop.ordered_sessions[0], registration=registration, present=True
    )
    return record


def this_term():
    return Term.objects.get(code="T-NOW")


def test_the_hours_of_each_kind_of_activity_are_frozen(valeria):
    term = this_term()
    certificate, created = certificates.issue_term_certificate(RECEIVED, valeria, term, None)
    assert created
    assert certificate.kind == Certificate.Kind.TUTORING_RECEIVED
    assert (certificate.record, certificate.term, certificate.registration) == (valeria, term, None)
    assert certificate.holder_name == "Valeria Gómez"
    assert certificate.term_name == "Este periodo"
    assert certificate.language == "es"
    # 1.5 h of tutoring, 2 h of an individual class, 1 h of a group session, 2 h of a workshop;
    # not the 10 h session of the previous term, nor Bruno's.
    assert {line["key"]: (line["hours"], line["sessions"]) for line in certificate.lines} == {
        "tutoring_sessions": ("1.50", 1),
        "class_sessions": ("2.00", 1),
        "group_sessions": ("1.00", 1),
        "workshops": ("2.00", 1),
    }
    assert certificate.hours == Decimal("6.50")
    assert certificate.sessions == 4
    # The labels are frozen in the institution's language.
    assert "Sesiones de tutoría individual" in [line["label"] for line in certificate.lines]
    # Again: the same certificate; after a new session, a new one and the old code revoked.
    again, created_again = certificates.issue_term_certificate(RECEIVED, valeria, term, None)
    assert not created_again and again.pk == certificate.pk
    TutoringSession.objects.create(
        request=TutoringSession.objects.filter(request__student=valeria).first().request,
        date=today(-1),
        modality="video",
        duration_minutes=30,
    )
    new, created_new = certificates.issue_term_certificate(RECEIVED, valeria, term, None)
    assert created_new and new.code != certificate.code
    assert new.hours == Decimal("7.00")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


def test_nothing_to_certify_is_refused(valeria):
    empty = Term.objects.create(
        site=valeria.site, code="T-EMPTY", name="Vacío", starts_on=today(-800), ends_on=today(-700)
    )
    with pytest.raises(certificates.CertificateError):
        certificates.issue_term_certificate(RECEIVED, valeria, empty, None)
    assert not Certificate.objects.exists()


def test_the_student_downloads_their_own_term_certificate(valeria, world):  # noqa: F811
    client = signed_in(world["valeria"])
    body = client.get(section(world)).content.decode()
    term = this_term()
    old = Term.objects.get(code="T-OLD")
    link = section(world) + f"certificate/{term.pk}/"
    assert link in body and section(world) + f"certificate/{old.pk}/" in body
    assert "Descargar mi constancia de tutoría de Este periodo" in body
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    certificate = Certificate.objects.get()
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # Made once for the record and the term, reused afterwards.
    client.get(link)
    assert Certificate.objects.get().pk == certificate.pk
    assert certificate.record == valeria and certificate.issued_by == world["valeria"]


def test_other_institutions_terms_and_empty_terms_are_not_found(valeria, world):  # noqa: F811
    client = signed_in(world["valeria"])
    br = Term.objects.create(
        site=world["ana"].student_account.record.site,
        code="BR-NOW",
        name="Agora",
        starts_on=today(-60),
        ends_on=today(60),
    )
    empty = Term.objects.create(
        site=valeria.site, code="T-EMPTY", name="Vacío", starts_on=today(-800), ends_on=today(-700)
    )
    for term in (br, empty):
        assert client.get(section(world) + f"certificate/{term.pk}/").status_code == 404
    assert not Certificate.objects.exists()
    # Bruno gets his own hours, never Valeria's.
    bruno = signed_in(world["bruno"])
    assert bruno.get(section(world) + f"certificate/{this_term().pk}/").status_code == 200
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Bruno Díaz"
    # His 50-minute session and the 45-minute group session he attended.
    assert certificate.hours == Decimal("1.58")
    # Staff and the other institution's student are refused by the page.
    ana = signed_in(world["ana"], host=BR_HOST)
    assert ana.get(section(world) + f"certificate/{this_term().pk}/").status_code in (403, 404)


def test_the_verification_page_shows_only_the_certificates_facts(valeria):
    certificate, _ = certificates.issue_term_certificate(RECEIVED, valeria, this_term(), None)
    page = client_for(MX_HOST).get(reverse("tutoria_certificate_verify", args=[certificate.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Valeria Gómez" in body and "Este periodo" in body
    assert "6,50" in body and "Sesiones de tutoría individual" in body
    assert NOTES not in body and "MX001" not in body
    # Revoked, another institution's site, or unknown: the same answer.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    answers = set()
    asked = ((MX_HOST, certificate.code), (BR_HOST, certificate.code), (MX_HOST, "A" * 16))
    for host, code in asked:
        response = client_for(host).get(reverse("tutoria_certificate_verify", args=[code]))
        assert response.status_code == 404
        body = response.content.decode()
        assert "Valeria" not in body
        answers.add(re.search(r'class="tutoria-error" role="alert">([^<]*)<', body).group(1))
    assert len(answers) == 2  # the same text, in Spanish and in Portuguese


def test_the_pdf_states_the_hours_per_activity(valeria):
    certificate, _ = certificates.issue_term_certificate(RECEIVED, valeria, this_term(), None)
    text = document_text(certificate)
    assert "Constancia de tutoría" in text
    assert "Valeria Gómez" in text and "Este periodo" in text
    assert "Sesiones de clases individuales" in text or "clase individual" in text.lower()
    assert "6,5" in text
    assert certificate.grouped_code in text


# A tutor's term certificate, issued by coordination ---------------------------------------------


def hugo():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="tutor2")


def test_a_tutors_hours_per_kind_in_a_term(world):  # noqa: F811
    certificate, created = certificates.issue_term_certificate(
        certificates.GIVEN, hugo(), this_term(), None
    )
    assert created and certificate.kind == Certificate.Kind.TUTORING_GIVEN
    assert certificate.tutor == hugo() and certificate.record is None
    assert certificate.holder_name == "Hugo Sol"
    # His individual class (2 h) and his group's two sessions (1 h and 45 min).
    assert {line["key"]: (line["hours"], line["sessions"]) for line in certificate.lines} == {
        "class_sessions": ("2.00", 1),
        "group_sessions": ("1.75", 2),
    }
    assert certificate.hours == Decimal("3.75")
    text = document_text(certificate)
    assert "Hugo Sol" in text and "impartió" in text


def test_coordination_issues_a_tutors_certificate_and_lists_every_certificate(
    world,  # noqa: F811
    valeria,
    coordinator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    from django.contrib.auth.models import Group

    from tutoria_cms.core import roles

    hugo().groups.add(Group.objects.get(name=roles.TUTORS))
    certificates.issue_term_certificate(RECEIVED, valeria, this_term(), None, notify=False)
    client = client_for(MX_HOST)
    client.force_login(coordinator)
    url = reverse("tutoria_certificates:issue_given")
    form = client.get(url)
    assert form.status_code == 200 and "Hugo Sol" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"tutor": hugo().pk, "term": this_term().pk})
    assert response.status_code == 302
    given = Certificate.objects.get(kind=Certificate.Kind.TUTORING_GIVEN)
    assert [m.to for m in mailoutbox] == [[hugo().email]]
    listing = client.get(reverse("tutoria_certificates:index")).content.decode()
    assert given.grouped_code in listing
    assert Certificate.objects.get(kind=Certificate.Kind.TUTORING_RECEIVED).grouped_code in listing
    download = reverse("workshop_registrations:certificate_download", args=[given.pk])
    assert download in listing
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A term without any of his sessions: refused in the form, nothing issued.
    empty = Term.objects.create(
        site=this_term().site,
        code="T-EMPTY",
        name="Vacío",
        starts_on=today(-800),
        ends_on=today(-700),
    )
    refused = client.post(url, {"tutor": hugo().pk, "term": empty.pk})
    assert refused.status_code == 200
    assert Certificate.objects.filter(kind=Certificate.Kind.TUTORING_GIVEN).count() == 1


def test_a_students_term_certificates_are_in_their_subject_access_data(valeria, world):  # noqa: F811
    from tutoria_cms.workshops.subject import subject_data

    certificate, _ = certificates.issue_term_certificate(RECEIVED, valeria, this_term(), None)
    certificates.issue_term_certificate(certificates.GIVEN, hugo(), this_term(), None)
    sheets = {str(sheet.title): sheet for sheet in subject_data(None, record=valeria)}
    rows = list(sheets["Certificates"].rows)
    assert [row[-1] for row in rows] == [certificate.code]  # not the tutor's
    bruno = world["bruno"].student_account.record
    assert all(
        certificate.code not in [row[-1] for row in sheet.rows]
        for sheet in subject_data(None, record=bruno)
    )
