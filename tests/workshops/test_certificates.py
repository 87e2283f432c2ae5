"""Workshop attendance certificates (#16, item 3): issued by coordination from a verified
registration with attendance, idempotent while the attendance holds, a PDF rendered offline
by WeasyPrint, and a public verification page per institution, rate-limited."""

import re
import zlib
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.workshops import certificates
from tutoria_cms.workshops.models import (
    Attendance,
    Certificate,
    WorkshopRegistration,
    WorkshopSession,
)


@pytest.fixture
def workshop(programme):
    """Two past sessions (10:00-12:00 and 10:00-11:30) and one to come."""
    return factories.build_workshop(
        programme,
        title="Técnicas de estudio",
        sessions=[
            factories.session_data(days=-3),
            factories.session_data(days=-2, end="11:30"),
            factories.session_data(days=5),
        ],
    )


@pytest.fixture
def registrations(workshop):
    factories.add_registrations(workshop, 1)  # A000000: verified
    factories.add_registrations(workshop, 1, start=1, verified=False)  # A000001
    return {r.student_number: r for r in WorkshopRegistration.objects.all()}


def attend(registration, *sessions, present=True):
    for session in sessions:
        Attendance.objects.update_or_create(
            session=session, registration=registration, defaults={"present": present}
        )


@pytest.fixture
def attended(workshop, registrations):
    """A000000 attended both past sessions (3.5 hours); A000001 (unverified) the first."""
    first, second, _future = workshop.ordered_sessions
    attend(registrations["A000000"], first, second)
    attend(registrations["A000001"], first)
    return registrations["A000000"]


def client_for(user, **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **extra)
    client.force_login(user)
    return client


def document_text(certificate):
    """Every text the laid-out certificate shows (WeasyPrint's boxes)."""
    texts = []

    def walk(box):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            texts.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in certificates.render_document(certificate).pages:
        walk(page._page_box)
    return " ".join(texts)


def pdf_streams(pdf):
    """The PDF's bytes with each compressed stream inflated (metadata, link annotations)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


# Who issues ----------------------------------------------------------------------------------


def test_coordination_holds_the_permission_and_no_other_role(db):
    holders = set(
        Group.objects.filter(permissions__codename="issue_certificate").values_list(
            "name", flat=True
        )
    )
    assert holders == {roles.COORDINATION}


# Issuing -----------------------------------------------------------------------------------


def test_issue_freezes_the_facts_of_a_verified_registration(attended, workshop, coordinator):
    certificate, created = certificates.issue_workshop_certificate(attended, coordinator)
    assert created
    assert certificate.holder_name == "Alumno 0"
    assert certificate.student_number == "A000000"
    assert certificate.workshop_title == "Técnicas de estudio"
    assert certificate.hours == Decimal("3.50")
    assert certificate.sessions == 2
    first, second, _future = workshop.ordered_sessions
    assert (certificate.first_session_date, certificate.last_session_date) == (
        first.date,
        second.date,
    )
    assert certificate.site.hostname == "localhost"
    assert certificate.language == "es"  # the institution's language
    assert certificate.issued_by == coordinator
    assert re.fullmatch(r"[A-Z2-7]{16}", certificate.code)
    assert certificate.history.first().history_user == coordinator
    # Frozen: a later change to the registration does not change the certificate.
    WorkshopRegistration.objects.filter(pk=attended.pk).update(full_name="Otro Nombre")
    certificate.refresh_from_db()
    assert certificate.holder_name == "Alumno 0"


def test_codes_are_random(attended, coordinator, registrations):
    codes = {certificates.issue_workshop_certificate(attended, coordinator)[0].code}
    codes |= {Certificate(registration=attended).code for _ in range(50)}
    assert len(codes) == 51


def test_only_verified_registrations_with_attendance(attended, registrations, coordinator):
    with pytest.raises(certificates.CertificateError):
        certificates.issue_workshop_certificate(registrations["A000001"], coordinator)
    Attendance.objects.filter(registration=attended).update(present=False)
    with pytest.raises(certificates.CertificateError):
        certificates.issue_workshop_certificate(attended, coordinator)
    assert not Certificate.objects.exists()


def test_issuing_again_returns_the_same_until_attendance_changes(attended, workshop, coordinator):
    first, created = certificates.issue_workshop_certificate(attended, coordinator)
    again, created_again = certificates.issue_workshop_certificate(attended, coordinator)
    assert created and not created_again
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    # Attendance corrected: the old certificate is revoked and a new one states the new facts.
    attend(attended, workshop.ordered_sessions[1], present=False)
    new, created_new = certificates.issue_workshop_certificate(attended, coordinator)
    assert created_new and new.pk != first.pk and new.code != first.code
    assert (new.hours, new.sessions) == (Decimal("2.00"), 1)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert certificates.current_certificate(attended) == new


# The admin ---------------------------------------------------------------------------------


def test_coordination_issues_from_the_admin_and_downloads_the_pdf(attended, coordinator):
    client = client_for(coordinator)
    url = reverse("workshop_registrations:certificate", args=[attended.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "3.50 hours" in page.content.decode()
    response = client.post(url, {"next": ""})
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop_registrations:inspect", args=[attended.pk])
    inspect = client.get(response["Location"]).content.decode()
    download = reverse("workshop_registrations:certificate_download", args=[certificate.pk])
    assert download in inspect
    assert certificate.grouped_code in inspect
    # Twice: the same certificate.
    client.post(url, {"next": ""})
    assert Certificate.objects.count() == 1
    pdf = client.get(download)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.code}.pdf"'
    )
    assert pdf.content.startswith(b"%PDF")


def test_the_row_menu_offers_it_only_for_verified_registrations(attended, coordinator):
    listing = client_for(coordinator).get(reverse("workshop_registrations:index")).content
    issue = reverse("workshop_registrations:certificate", args=[attended.pk])
    unverified = WorkshopRegistration.objects.get(student_number="A000001")
    assert issue.encode() in listing
    assert reverse("workshop_registrations:certificate", args=[unverified.pk]).encode() not in (
        listing
    )


def test_the_admin_refuses_unverified_and_other_roles(attended, registrations, coordinator):
    unverified = registrations["A000001"]
    client = client_for(coordinator)
    response = client.post(
        reverse("workshop_registrations:certificate", args=[unverified.pk]), {"next": ""}
    )
    assert response.status_code == 302
    assert not Certificate.objects.exists()
    communications = factories.UserFactory(username="comms", groups=[roles.COMMUNICATIONS])
    refused = client_for(communications).post(
        reverse("workshop_registrations:certificate", args=[attended.pk]), {"next": ""}
    )
    factories.assert_refused(refused)
    assert not Certificate.objects.exists()
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    download = reverse("workshop_registrations:certificate_download", args=[certificate.pk])
    factories.assert_refused(client_for(communications).get(download))


def test_another_institutions_coordination_cannot_download(attended, coordinator, br_home):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    other = factories.UserFactory(
        username="coord-br", groups=[roles.COORDINATION], sites=[br_home.get_site()]
    )
    download = reverse("workshop_registrations:certificate_download", args=[certificate.pk])
    assert client_for(other).get(download).status_code == 404
    issue = reverse("workshop_registrations:certificate", args=[attended.pk])
    assert client_for(other).get(issue).status_code == 404


def test_a_revoked_certificate_is_not_downloaded(attended, coordinator):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    Certificate.objects.update(revoked_at=certificate.issued_at)
    download = reverse("workshop_registrations:certificate_download", args=[certificate.pk])
    assert client_for(coordinator).get(download).status_code == 404


# The PDF -----------------------------------------------------------------------------------


def test_the_pdf_states_the_facts_in_the_institutions_language(attended, coordinator):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    pdf = certificates.render_pdf(certificate)
    assert pdf.startswith(b"%PDF")
    inflated = pdf_streams(pdf)
    url = f"http://localhost/certificates/verify/{certificate.code}/"
    assert certificate.code.encode() in inflated  # the document's subject
    assert url.encode() in inflated  # the link
    text = document_text(certificate)
    joined = "".join(text.split())  # a long URL is broken across lines
    assert url in joined
    for fact in (
        "Universidad de Ejemplo",
        "Alumno 0",
        "A000000",
        "Técnicas de estudio",
        "3,5",
        certificate.grouped_code,
    ):
        assert fact in text, fact
    assert "Constancia de asistencia" in text
    assert "núm." in text


def test_a_brazilian_certificate_is_in_portuguese(br_workshop, coordinator):
    session = WorkshopSession.objects.create(page=br_workshop, **factories.session_data(days=-1))
    factories.add_registrations(br_workshop, 1)
    registration = WorkshopRegistration.objects.get()
    attend(registration, session)
    certificate, _created = certificates.issue_workshop_certificate(registration, coordinator)
    assert certificate.language == "pt-br"
    text = document_text(certificate)
    assert "Declaração de participação" in text
    assert "http://127.0.0.1/certificates/verify/" in "".join(text.split())


def test_the_pdf_fetches_nothing(attended, coordinator, monkeypatch):
    """Images and stylesheets on the network (or the server's files) are never fetched."""
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    fetched = []
    fetcher = certificates.offline_url_fetcher()
    for url in ("http://example.org/logo.png", "https://example.org/a.css", "file:///etc/passwd"):
        try:
            fetcher(url)
        except ValueError:
            continue
        fetched.append(url)
    assert fetched == []
    html = certificates.render_html(certificate).replace(
        "</body>", '<img src="http://192.0.2.1/logo.png"></body>'
    )
    monkeypatch.setattr(certificates, "render_html", lambda c: html)
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    assert certificates.render_pdf(certificate).startswith(b"%PDF")


# The public verification page --------------------------------------------------------------


def verify(code, client=None, **extra):
    client = client or Client()
    return client.get(reverse("tutoria_certificate_verify", args=[code]), **extra)


NOT_FOUND = "no longer valid"


def test_a_valid_certificate_shows_its_facts(attended, coordinator):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    response = verify(certificate.code)
    text = response.content.decode()
    assert response.status_code == 200
    for fact in ("Alumno 0", "Técnicas de estudio", "3,5", "Universidad de Ejemplo"):
        assert fact in text, fact
    assert "Constancia válida" in text
    assert '<meta name="robots" content="noindex' in text
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # The student number and e-mail are not shown.
    assert "A000000" not in text and "alumno0@example.edu" not in text
    # Typed in the form, lower case with spaces: the same answer.
    typed = certificate.grouped_code.lower().replace("-", " ")
    form = Client().get(reverse("tutoria_certificate_verify_form"), {"code": typed})
    assert form.status_code == 200 and "Alumno 0" in form.content.decode()


def test_unknown_changed_and_revoked_codes_get_the_same_answer(attended, coordinator):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    changed = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    answers = [verify("ABCDEFGHIJKLMNOP"), verify(changed), verify("not-a-code")]
    Certificate.objects.update(revoked_at=certificate.issued_at)
    answers.append(verify(certificate.code))
    bodies = set()
    for response in answers:
        assert response.status_code == 404
        text = response.content.decode()
        assert "ya no es válida" in text
        assert "Alumno 0" not in text and "Técnicas de estudio" not in text
        bodies.add(re.sub(r'(value|nonce)="[^"]*"', "", text))  # the form's token, the CSP nonce
    assert len(bodies) == 1


def test_another_institutions_site_does_not_know_the_code(attended, coordinator, br_home):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    assert verify(certificate.code).status_code == 200
    response = verify(certificate.code, HTTP_HOST="127.0.0.1")
    assert response.status_code == 404
    assert "Alumno 0" not in response.content.decode()
    assert "não é mais válida" in response.content.decode()


def rate_limit(limit):
    return override_settings(
        TUTORIA_CMS={**settings.TUTORIA_CMS, "CERTIFICATE_VERIFY_RATE_PER_ADDRESS": limit}
    )


@rate_limit(3)
def test_lookups_are_rate_limited_per_address(attended, coordinator):
    certificate, _created = certificates.issue_workshop_certificate(attended, coordinator)
    for code in ("AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCC"):
        assert verify(code).status_code == 404
    limited = verify(certificate.code)
    assert limited.status_code == 429
    assert "Alumno 0" not in limited.content.decode()
    # Another address still gets its answer.
    assert verify(certificate.code, REMOTE_ADDR="192.0.2.9").status_code == 200


def test_the_form_page_without_a_code_counts_nothing(db, mx_home):
    with rate_limit(1):
        for _ in range(3):
            response = Client().get(reverse("tutoria_certificate_verify_form"))
            assert response.status_code == 200
        assert "Verificar una constancia" in response.content.decode()
