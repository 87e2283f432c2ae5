"""Local student accounts: sign-up, verification e-mail, confirmation, linking."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests import factories
from tutoria_cms.students.models import LinkMethod, StudentAccount

from .conftest import BR_HOST, MX_HOST, PASSWORD, client_for, confirmation_path, sign_up

pytestmark = pytest.mark.django_db


def confirm(client):
    assert len(mail.outbox) == 1
    path = confirmation_path(mail.outbox[0])
    response = client.post(path)
    assert response.status_code == 302
    return response


def test_sign_up_confirm_links_the_record_of_this_site_only(institutions):
    mx, br = institutions
    record = factories.make_student("2021001", email="Ana.Lopez@Example.mx", site=mx)
    other = factories.make_student("9001", email="ana.lopez@example.mx", site=br)
    client = client_for(MX_HOST)
    sign_up(client, "ana.lopez@example.mx")
    user = get_user_model().objects.get(email="ana.lopez@example.mx")
    assert not StudentAccount.objects.filter(user=user).exists()  # not before confirmation
    confirm(client)
    account = StudentAccount.objects.get(user=user)
    assert account.record == record
    assert account.method == LinkMethod.VERIFIED_EMAIL
    assert account.evidence == "ana.lopez@example.mx"
    assert account.linked_at is not None
    assert not StudentAccount.objects.filter(record=other).exists()
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser and not user.groups.exists()

    client.post("/accounts/login/", {"login": "ana.lopez@example.mx", "password": PASSWORD})
    response = client.get("/accounts/profile/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "2021001" in text and "Universidad de Ejemplo" in text


def test_unverified_address_is_not_linked(institutions):
    mx, _ = institutions
    factories.make_student("2021002", email="beto@example.mx", site=mx)
    client = client_for(MX_HOST)
    sign_up(client, "beto@example.mx")
    user = get_user_model().objects.get(email="beto@example.mx")
    # Mandatory verification: signing in only sends the e-mail again.
    response = client.post("/accounts/login/", {"login": "beto@example.mx", "password": PASSWORD})
    assert "/accounts/confirm-email/" in response["Location"]
    assert not StudentAccount.objects.filter(user=user).exists()


def test_no_record_with_the_address_leaves_the_account_unlinked(institutions):
    mx, br = institutions
    factories.make_student("9002", email="carla@example.br", site=br)
    client = client_for(MX_HOST)
    sign_up(client, "carla@example.br")
    response = confirm(client)
    user = get_user_model().objects.get(email="carla@example.br")
    assert not StudentAccount.objects.filter(user=user).exists()
    client.post("/accounts/login/", {"login": "carla@example.br", "password": PASSWORD})
    text = client.get("/accounts/profile/").content.decode()
    # The site is Mexican: the message is in Spanish.
    assert "Ningún registro de alumno de esta institución tiene esta dirección" in text
    assert response.status_code == 302


def test_a_typed_student_number_is_never_a_linking_input(institutions):
    mx, _ = institutions
    record = factories.make_student("2021003", email="dora@example.mx", site=mx)
    client = client_for(MX_HOST)
    # The number of the record, typed in every name a form could read it from.
    sign_up(
        client,
        "dora.personal@example.org",
        student_number=record.student_number,
        number=record.student_number,
        record=record.pk,
    )
    confirm(client)
    user = get_user_model().objects.get(email="dora.personal@example.org")
    assert not StudentAccount.objects.filter(user=user).exists()
    assert not StudentAccount.objects.filter(record=record).exists()


def test_a_record_already_linked_is_not_linked_again(institutions):
    mx, _ = institutions
    factories.make_student("2021004", email="eva@example.mx", site=mx)
    first = client_for(MX_HOST)
    sign_up(first, "eva@example.mx")
    confirm(first)
    assert StudentAccount.objects.count() == 1
    # ACCOUNT_UNIQUE_EMAIL: the same address cannot make a second account.
    second = client_for(MX_HOST)
    second.post(
        "/accounts/signup/",
        {"email": "EVA@example.mx", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert get_user_model().objects.filter(email__iexact="eva@example.mx").count() == 1
    assert StudentAccount.objects.count() == 1


def test_a_student_cannot_open_the_admin(institutions):
    mx, _ = institutions
    factories.make_student("2021005", email="fer@example.mx", site=mx)
    client = client_for(MX_HOST)
    sign_up(client, "fer@example.mx")
    confirm(client)
    client.post("/accounts/login/", {"login": "fer@example.mx", "password": PASSWORD})
    assert client.get("/accounts/profile/").status_code == 200  # signed in
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/pages/").status_code in (302, 403)


def test_my_area_needs_sign_in(institutions):
    response = client_for(MX_HOST).get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_header_offers_sign_in_then_my_area(institutions):
    mx, _ = institutions
    client = client_for(MX_HOST)
    text = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in text
    factories.make_student("2021006", email="gil@example.mx", site=mx)
    sign_up(client, "gil@example.mx")
    confirm(client)
    client.post("/accounts/login/", {"login": "gil@example.mx", "password": PASSWORD})
    text = client.get("/").content.decode()
    assert 'href="/accounts/profile/"' in text and 'href="/accounts/logout/"' in text


def test_sign_in_pages_in_each_sites_language(institutions):
    mx_page = client_for(MX_HOST).get("/accounts/login/").content.decode()
    br_page = client_for(BR_HOST).get("/accounts/login/").content.decode()
    assert '<html lang="es">' in mx_page and "Iniciar sesión" in mx_page
    assert '<html lang="pt-br">' in br_page and "Entrar" in br_page
    # In the site's theme: the public base template's header and footer.
    for text in (mx_page, br_page):
        assert 'class="site-header"' in text and 'class="site-footer"' in text


def test_failed_student_sign_ins_are_locked_out_by_address(institutions, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = client_for(MX_HOST)
    for _ in range(2):
        client.post("/accounts/login/", {"login": "h@example.mx", "password": "wrong"})
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="h@example.mx").exists()
    # Another address from the same place is not locked out by them.
    assert not AccessAttempt.objects.filter(username__isnull=True).exists()


def test_the_account_is_in_the_students_subject_access_data(institutions):
    from tutoria_cms.students.subject import subject_data

    mx, _ = institutions
    factories.make_student("2021007", email="ines@example.mx", site=mx)
    client = client_for(MX_HOST)
    sign_up(client, "ines@example.mx")
    confirm(client)
    (sheet,) = subject_data("2021007")
    ((email, method, evidence, linked_at, notices),) = list(sheet.rows)
    assert email == evidence == "ines@example.mx"
    assert linked_at == StudentAccount.objects.get().linked_at
    assert notices == "sí"  # the Mexican site speaks Spanish
