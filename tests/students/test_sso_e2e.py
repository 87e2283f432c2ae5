"""Institutional sign-in, end to end, against a real certified OpenID provider.

panva's oidc-provider (npm, tests/students/oidc: ``npm ci --prefix tests/students/oidc``) runs
on loopback as a subprocess; the student clicks "Sign in with <institution>" on the Mexican
site (live server, Debian's chromium), signs in at the provider, consents, and comes back
signed in and linked to the record the provider's ``student_number`` claim names. No mock.
Without node or the provider's node_modules the test is skipped, and fails in CI.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests import factories
from tutoria_cms.students.models import LinkMethod, StudentAccount
from tutoria_cms.students.sso import providers_setting

from .conftest import unavailable

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OIDC_DIR = Path(__file__).parent / "oidc"
PROVIDER_ID = "uejemplo"
CLIENT_ID = "tutoria-test-client"
CLIENT_SECRET = "tutoria-test-secret-that-is-long-enough-0123456789"  # noqa: S105
ACCOUNT = {
    "sub": "a01234567",
    "email": "ana.sso@alumnos.ejemplo.mx",
    "email_verified": True,
    "student_number": "2022042",
    "name": "Ana SSO",
}


@pytest.fixture
def oidc_provider(live_server):
    node = shutil.which("node")
    if node is None:
        unavailable("no node executable (apt-get install nodejs)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        unavailable("the OpenID provider is not installed (npm ci --prefix tests/students/oidc)")
    env = {
        **os.environ,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/",
        "ACCOUNT": json.dumps(ACCOUNT),
    }
    process = subprocess.Popen(
        [node, "server.mjs"],
        cwd=OIDC_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("listening "), line
        yield line.removeprefix("listening ")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_student_signs_in_with_the_institutions_provider(site, oidc_provider, page, settings):
    from wagtail.models import Site

    mexican = Site.objects.get(root_page=site)
    record = factories.make_student(
        ACCOUNT["student_number"], email="otra@ejemplo.mx", site=mexican
    )
    # The Brazilian institution has a record with the same number and address: not linked.
    factories.build_site("pt-br", "tutorias.exemplo.edu.br", title="Universidade Exemplo")
    brazilian = Site.objects.get(hostname="tutorias.exemplo.edu.br")
    other = factories.make_student(
        ACCOUNT["student_number"], email=ACCOUNT["email"], site=brazilian
    )
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(
        json.dumps(
            [
                {
                    "id": PROVIDER_ID,
                    "name": "Universidad de Ejemplo",
                    "hostname": "localhost",
                    "server_url": oidc_provider,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "student_claim": "student_number",
                }
            ]
        )
    )

    page.goto("/")
    page.get_by_role("link", name="Iniciar sesión", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_role("link", name="Iniciar sesión con Universidad de Ejemplo").click()
    # allauth asks before leaving the site (a POST, so no link can sign anybody in).
    page.locator("main form").get_by_role("button").click()

    # The provider's own interaction pages: sign in, then consent.
    page.wait_for_url(f"{oidc_provider}/**")
    page.locator("input[name=login]").fill(ACCOUNT["sub"])
    page.locator("input[name=password]").fill("any password: development interactions")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/accounts/profile/")
    text = page.locator("main").inner_text()
    assert "2022042" in text and "Universidad de Ejemplo" in text, text

    user = get_user_model().objects.get(email=ACCOUNT["email"])
    account = StudentAccount.objects.get(user=user)
    assert account.record == record
    assert account.method == LinkMethod.SSO
    assert account.evidence == f"{PROVIDER_ID}:{ACCOUNT['sub']}"
    assert not StudentAccount.objects.filter(record=other).exists()
    assert not user.is_staff and not user.groups.exists()
