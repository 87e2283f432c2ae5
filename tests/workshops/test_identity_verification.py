"""Staff verify a registration's identity in person (#15): registrations made before sign-ups
were confirmed by e-mail, or by students without an e-mail address on their record, can then
count as the student's; and what an unverified sign-up typed is not given to the student whose
number it carries."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests import factories
from tutoria_cms.core import roles
from tutoria_cms.workshops import services
from tutoria_cms.workshops.models import WorkshopRegistration
from tutoria_cms.workshops.subject import subject_data

Status = WorkshopRegistration.Status


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])


@pytest.fixture
def workshop(programme):
    workshop = factories.build_workshop(programme, title="Técnicas de estudio", capacity=5)
    factories.add_registrations(workshop, 2, verified=False)  # A000000, A000001
    return workshop


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def registration(number):
    return WorkshopRegistration.objects.get(student_number=number)


def test_coordination_holds_the_permission_and_communications_does_not(db):
    from django.contrib.auth.models import Group

    codenames = {
        name: set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        for name in (roles.COORDINATION, roles.COMMUNICATIONS, roles.QUALITY)
    }
    assert "verify_workshopregistration" in codenames[roles.COORDINATION]
    assert "verify_workshopregistration" not in codenames[roles.COMMUNICATIONS]
    assert "verify_workshopregistration" not in codenames[roles.QUALITY]


def test_service_links_the_registration_and_takes_the_records_name(workshop, coordinator):
    factories.make_student("A000001", full_name="Ana Registrada")
    verified = services.verify_identity(registration("A000001"), coordinator)
    verified.refresh_from_db()
    assert verified.identity_verified_at is not None
    assert verified.identity_verified_by == coordinator
    assert verified.full_name == "Ana Registrada"
    assert verified.history.first().history_user == coordinator


def test_service_refuses_a_number_missing_from_the_institutions_records(workshop, coordinator):
    factories.make_student("A999999")  # the institution has records, but not this number
    with pytest.raises(services.IdentityError) as caught:
        services.verify_identity(registration("A000001"), coordinator)
    assert caught.value.code == "unknown_number"
    assert registration("A000001").identity_verified_at is None


def test_service_without_records_takes_the_staffs_word(workshop, coordinator):
    verified = services.verify_identity(registration("A000000"), coordinator)
    assert verified.identity_verified and verified.full_name == "Alumno 0"


def test_service_refuses_twice_and_cancelled(workshop, coordinator):
    services.verify_identity(registration("A000000"), coordinator)
    with pytest.raises(services.IdentityError):
        services.verify_identity(registration("A000000"), coordinator)
    services.cancel(registration("A000001"), coordinator)
    with pytest.raises(services.IdentityError):
        services.verify_identity(registration("A000001"), coordinator)


def test_screen_asks_for_the_check_then_verifies(workshop, coordinator):
    target = registration("A000000")
    client = client_for(coordinator)
    listing = client.get(reverse("workshop_registrations:index")).content.decode()
    url = reverse("workshop_registrations:verify", args=[target.pk])
    assert url in listing and "Not verified" in listing

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert "Verificar identidad" in page.content.decode()

    refused = client.post(url, {})
    assert refused.status_code == 200  # the box was not ticked: nothing happens
    assert "Tick the box" in refused.content.decode()
    assert registration("A000000").identity_verified_at is None

    done = client.post(url, {"checked": "on"})
    assert done.status_code == 302
    assert registration("A000000").identity_verified_by == coordinator
    listing = client.get(reverse("workshop_registrations:index")).content.decode()
    assert url not in listing  # verified: the action is gone


def test_screen_refuses_other_roles(workshop, db):
    communications = factories.UserFactory(username="com", groups=[roles.COMMUNICATIONS])
    target = registration("A000000")
    url = reverse("workshop_registrations:verify", args=[target.pk])
    response = client_for(communications).post(url, {"checked": "on"})
    assert response.status_code in (302, 403)
    assert registration("A000000").identity_verified_at is None


def test_subject_access_withholds_what_an_unverified_sign_up_typed(workshop, coordinator):
    services.verify_identity(registration("A000001"), coordinator)
    unverified = subject_data("A000000")[0].rows[0]
    assert "Alumno 0" not in unverified and "alumno0@example.edu" not in unverified
    assert unverified[0] == "Técnicas de estudio"  # the registration itself is listed
    verified = subject_data("A000001")[0].rows[0]
    assert "Alumno 1" in verified and "alumno1@example.edu" in verified


def test_subject_access_workbook_withholds_it_too(client, workshop, db):
    officer = factories.UserFactory(username="dpo", groups=[roles.QUALITY])
    officer.user_permissions.add(Permission.objects.get(codename="export_identified"))
    client.force_login(officer)
    response = client.post(
        reverse("tutoria_accreditation:subject_access"),
        {"student_number": "A000000", "purpose": "Subject access request number 12 of 2026"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Workshop registrations"].iter_rows(values_only=True))
    assert rows[1][1] == "Withheld: identity not verified"
    assert "alumno0@example.edu" not in str(rows)
