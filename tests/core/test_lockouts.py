"""Sign-in lockout (django-axes): failures per username and address, the translated lockout
page in Wagtail's sign-in chrome, and the superuser's unlock in Settings › Login lockouts."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def sign_in(client, username, password, address="203.0.113.7", **headers):
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def messages(response):
    """The texts of the page's main content (what it says), without tokens."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="tutora", groups=["Tutors"])


def test_fifty_wrong_passwords_then_the_right_one_is_refused(client, staff):
    for _attempt in range(50):
        response = sign_in(client, "tutora", "wrong-password")
        assert "_auth_user_id" not in client.session
    response = sign_in(client, "tutora", factories.PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Too many failed sign-in attempts" in response.content
    # Wagtail's sign-in chrome, not axes' bare page.
    assert b'class="login' in response.content or b"login" in response.content


def test_below_the_limit_the_right_password_signs_in_and_resets(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "tutora", "wrong-password")
    response = sign_in(client, "tutora", factories.PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert not AccessAttempt.objects.filter(username="tutora").exists()


def test_lockout_is_per_username_and_address(client, staff):
    """An attacker locking one username from one address locks out neither the person from
    elsewhere nor other people from that address."""
    other = factories.UserFactory(username="orientadora")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "tutora", "wrong-password", address="198.51.100.66")
    assert sign_in(client, "tutora", factories.PASSWORD, address="198.51.100.66").status_code == 429
    assert (
        sign_in(client, "orientadora", factories.PASSWORD, address="198.51.100.66").status_code
        == 302
    )
    assert client.session["_auth_user_id"] == str(other.pk)
    client.logout()
    assert sign_in(client, "tutora", factories.PASSWORD, address="192.0.2.10").status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_lockout_page_does_not_tell_whether_the_account_exists(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        existing = sign_in(client, "tutora", "wrong-password")
        missing = sign_in(client, "nobody-here", "wrong-password")
    assert existing.status_code == missing.status_code == 429
    assert messages(existing) == messages(missing)
    assert b"tutora" not in existing.content


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pt-BR", "Muitas tentativas de entrada sem sucesso"),
        ("es", "Demasiados intentos fallidos de inicio de sesión"),
    ],
)
def test_lockout_page_in_the_admin_language(client, staff, language, text):
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, "tutora", "wrong-password", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    assert text in response.content.decode()
    assert "Too many failed" not in response.content.decode()


def test_superuser_unlocks_through_the_admin_then_the_user_signs_in(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "tutora", "wrong-password")
    assert sign_in(client, "tutora", factories.PASSWORD).status_code == 429

    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    admin_client = client.__class__()
    admin_client.force_login(admin)
    index = admin_client.get(reverse("tutoria_lockouts:index"))
    assert index.status_code == 200
    assert "tutora" in index.content.decode()
    attempt = AccessAttempt.objects.get(username="tutora")
    unlock_url = reverse("tutoria_lockouts:unlock", args=[attempt.pk])
    assert unlock_url in index.content.decode()
    assert admin_client.get(unlock_url).status_code == 200
    response = admin_client.post(unlock_url)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="tutora").exists()
    # Wagtail's audit log (Reports › Site history) says who lifted it.
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.get(action="tutoria.sign_in_unlocked")
    assert entry.user == admin and entry.label.startswith("tutora · ")
    history = admin_client.get(
        reverse("wagtailadmin_reports:site_history"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Sign-in lockout lifted by a superuser" in history.content.decode()

    assert sign_in(client, "tutora", factories.PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_only_superusers_see_and_lift_lockouts(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "tutora", "wrong-password")
    attempt = AccessAttempt.objects.get(username="tutora")
    coordinator = factories.UserFactory(username="coord", groups=["Tutoring coordination"])
    client.force_login(coordinator)
    index = client.get(reverse("tutoria_lockouts:index"))
    assert index.status_code in (302, 403)
    response = client.post(reverse("tutoria_lockouts:unlock", args=[attempt.pk]))
    assert response.status_code in (302, 403)
    assert AccessAttempt.objects.filter(username="tutora").exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("tutoria_lockouts:index") not in home.content.decode()


@pytest.mark.parametrize(
    "language, count, other",
    [
        ("es", "1 bloqueo de inicio de sesión", "1 access attempt"),
        ("pt-br", "1 bloqueio de entrada", "1 access attempt"),
    ],
)
def test_the_lockouts_listing_counts_its_rows_in_the_admins_language(
    client, staff, language, count, other
):
    """django-axes's model names have no Spanish or Portuguese: the listing names its rows."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "tutora", "wrong-password")
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    admin_client = client.__class__(HTTP_ACCEPT_LANGUAGE=language)
    admin_client.force_login(admin)
    text = re.sub(r"\s+", " ", admin_client.get(reverse("tutoria_lockouts:index")).content.decode())
    assert count in text and other not in text
