"""Two-step verification (django-otp TOTP): set up from the account, asked after the
password, wrong codes refused, and required of confidential roles when the setting says so."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
HOME = "/admin/"
SETUP = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"


def code(device, steps_ahead=0):
    """The code the app shows (``steps_ahead`` periods later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, username, password=factories.PASSWORD):
    return client.post(
        LOGIN, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


def enrol(client):
    page = client.get(SETUP, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    secret = html.split('id="two-factor-secret">')[1].split("<")[0].replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    response = client.post(SETUP, {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="coordinadora", groups=["Tutoring coordination"])


def test_account_menu_offers_two_step_verification(client, staff):
    client.force_login(staff)
    account = client.get(reverse("wagtailadmin_account"), HTTP_ACCEPT_LANGUAGE="en")
    assert SETUP in account.content.decode()
    assert "Two-step verification" in account.content.decode()


def test_enrolled_staff_must_give_the_code_after_the_password(client, staff):
    assert sign_in(client, "coordinadora").status_code == 302
    device = enrol(client)
    client.logout()

    response = sign_in(client, "coordinadora")
    assert response.status_code == 302
    # Signed in with the password only: the admin answers nothing but the code page.
    for url in (HOME, reverse("wagtailadmin_explore_root"), reverse("wagtailadmin_account")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    page = client.get(VERIFY, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "authenticator app" in page.content.decode()

    response = client.post(VERIFY, {"code": code(device, steps_ahead=1), "next": HOME})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_wrong_code_is_refused(client, staff):
    sign_in(client, "coordinadora")
    device = enrol(client)
    client.logout()
    sign_in(client, "coordinadora")
    right = code(device, steps_ahead=1)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post(VERIFY, {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": "not-a-code"}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Esse código não é válido" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_public_site_treats_a_pending_sign_in_as_signed_out(client, staff):
    sign_in(client, "coordinadora")
    enrol(client)
    client.logout()
    sign_in(client, "coordinadora")
    response = client.get("/")
    assert response.wsgi_request.user.is_anonymous


def test_turning_it_off_needs_a_current_code(client, staff):
    sign_in(client, "coordinadora")
    device = enrol(client)
    response = client.post(SETUP, {"code": "000000" if code(device, 1) != "000000" else "111111"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    # django-otp makes the next try wait after a wrong code: not this test's subject.
    TOTPDevice.objects.filter(user=staff).update(throttling_failure_count=0)
    response = client.post(SETUP, {"code": code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    client.logout()
    sign_in(client, "coordinadora")
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("role", ["Tutors", "Orientation service"])
def test_confidential_role_without_device_is_sent_to_set_up_when_required(client, settings, role):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": True}
    user = factories.UserFactory(username="tutora", groups=[role])
    sign_in(client, "tutora")
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    page = client.get(SETUP, HTTP_ACCEPT_LANGUAGE="es")
    assert "confidenciales" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"code": code(device)})
    assert client.get(HOME).status_code == 200


def test_confidential_role_is_not_sent_to_set_up_when_not_required(client, settings):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": False}
    factories.UserFactory(username="tutora", groups=["Tutors"])
    sign_in(client, "tutora")
    assert client.get(HOME).status_code == 200


def test_other_roles_are_not_sent_to_set_up(client, settings, staff):
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": True}
    sign_in(client, "coordinadora")
    assert client.get(HOME).status_code == 200


def test_superusers_are_sent_to_set_up_when_required(client, settings):
    """They unlock sign-ins and turn off others' verification: the same rule as the
    confidential roles."""
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL": True}
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in(client, "root")
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_superuser_turns_off_a_lost_phones_verification_and_it_is_logged(client, staff):
    from wagtail.models import ModelLogEntry

    sign_in(client, "coordinadora")
    enrol(client)
    other = factories.UserFactory(username="otra", groups=["Tutoring coordination"])
    TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    admin = client.__class__(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(root)

    index = admin.get(reverse("tutoria_two_factor_devices:index")).content.decode()
    assert "coordinadora" in index and "otra" in index
    # The count names the rows (django-otp's "TOTP device" is not translated).
    assert "2 authenticator apps" in " ".join(index.split())
    spanish = admin.get(reverse("tutoria_two_factor_devices:index"), HTTP_ACCEPT_LANGUAGE="es")
    assert "2 aplicaciones de autenticación" in " ".join(spanish.content.decode().split())
    device = TOTPDevice.objects.get(user=staff)
    url = reverse("tutoria_two_factor_devices:turn_off", args=[device.pk])
    assert url in index
    assert "coordinadora" in admin.get(url).content.decode()
    assert admin.post(url).status_code == 302

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert TOTPDevice.objects.filter(user=other).exists()  # only that person's
    entry = ModelLogEntry.objects.get(action="tutoria.two_factor_turned_off")
    assert entry.user == root and entry.object_id == str(staff.pk)
    # The next sign-in needs the password only.
    client.logout()
    sign_in(client, "coordinadora")
    assert client.get(HOME).status_code == 200


def test_only_superusers_turn_off_someone_elses_verification(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    intruder = factories.UserFactory(username="otra", groups=["Tutoring coordination"])
    client.force_login(intruder)
    url = reverse("tutoria_two_factor_devices:turn_off", args=[device.pk])
    assert client.post(url).status_code in (302, 403)
    assert client.get(reverse("tutoria_two_factor_devices:index")).status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=staff).exists()
