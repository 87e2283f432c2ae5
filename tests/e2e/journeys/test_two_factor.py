"""Staff journey: turn on two-step verification from the account menu, then sign in again
with the password and a code from the authenticator app."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests import factories
from tests.e2e.journeys.conftest import es, exactly, new_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def app_code(secret, steps_ahead=0):
    """What an authenticator app shows for ``secret`` (the key as the page shows it)."""
    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + steps_ahead * totp.step
    return f"{totp.token():06d}"


def test_staff_turns_on_two_step_verification_and_signs_in_with_a_code(site, sign_in, browsing):
    user = factories.UserFactory(
        username="coordinadora",
        first_name="Lucía",
        last_name="Ramos",
        groups=["Tutoring coordination"],
    )
    page = sign_in("coordinadora")

    page.get_by_role("link", name=es("Account"), exact=True).first.click()
    page.get_by_role("tab", name=es("More actions")).click()
    page.get_by_role("link", name=es("Two-step verification")).click()
    page.get_by_role("heading", name=es("Two-step verification")).first.wait_for()
    assert page.locator(".tutoria-qr svg").is_visible()  # the QR code to scan
    secret = page.locator("#two-factor-secret").inner_text()  # or the key, typed by hand
    page.get_by_label(exactly(es("Code from your authenticator app"))).fill(app_code(secret))
    page.get_by_role("button", name=es("Turn on two-step verification")).click()
    page.get_by_text(
        es("Two-step verification is on: signing in will ask for a code from your app.")
    ).wait_for()

    # Another day, another browser: the password, then the code.
    again = new_page(browsing)
    again.goto("/admin/login/")
    again.locator("#id_username").fill("coordinadora")
    again.locator("#id_password").fill(factories.PASSWORD)
    again.get_by_role("button", name=es("Sign in")).click()
    again.wait_for_url("**/admin/two-factor/verify/**")
    again.get_by_text(
        es("Open your authenticator app and enter the code it shows for this site.")
    ).wait_for()
    again.get_by_label(exactly(es("Code from your authenticator app"))).fill(
        app_code(secret, steps_ahead=1)  # a code is accepted once: the app's next one
    )
    again.get_by_role("button", name=es("Verify")).click()
    again.wait_for_url("**/admin/")
    again.get_by_text(user.get_full_name()).first.wait_for()  # the dashboard greets them
