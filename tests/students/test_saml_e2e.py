"""Institutional sign-in by SAML 2.0, end to end (issue #16 item 1): allauth's SAML provider
(python3-saml) on the Mexican site, against a real IdP on loopback (pysaml2's ``Server``,
tests/students/saml_idp.py, signing with xmlsec1). The student clicks "Sign in with
<institution>", signs in at the IdP, and comes back signed in and linked to the record the
assertion's student number names; an assertion signed by another key is refused. No mock.
Without python3-saml, pysaml2 or xmlsec1 the test is skipped, and fails in CI.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from importlib.util import find_spec

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

ORGANISATION = "uejemplo"
STUDENT_NUMBER_OID = "urn:oid:1.3.6.1.4.1.25178.1.2.14"  # schacPersonalUniqueCode
ACCOUNT = {
    "uid": "a01234567",
    "attributes": {
        "uid": ["a01234567"],
        "mail": ["ana.saml@alumnos.ejemplo.mx"],
        "schacPersonalUniqueCode": ["2022042"],
        "displayName": ["Ana SAML"],
    },
}


def key_and_certificate(directory, name):
    """A self-signed RSA certificate and its key (PEM files), and the certificate's body."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file = directory / f"{name}.key"
    cert_file = directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    body = "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)
    return key_file, cert_file, body


@pytest.fixture
def saml_idp(tmp_path):
    for module, why in (
        ("onelogin", "python3-saml is not installed (pip install tutoria-cms[saml])"),
        ("saml2", "pysaml2 is not installed (the dev extra)"),
    ):
        if find_spec(module) is None:
            unavailable(why)
    if shutil.which("xmlsec1") is None:
        unavailable("no xmlsec1 executable (apt-get install xmlsec1)")
    key_file, cert_file, body = key_and_certificate(tmp_path, "idp")
    metadata = tmp_path / "sp-metadata.xml"
    env = {
        **os.environ,
        "IDP_KEY": str(key_file),
        "IDP_CERT": str(cert_file),
        "SP_METADATA": str(metadata),
        "ACCOUNT": json.dumps(ACCOUNT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.students.saml_idp"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("listening "), (line, process.stderr.read())
        yield {"url": line.removeprefix("listening "), "cert": body, "metadata": metadata}
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(settings, idp, certificate):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(
        json.dumps(
            [
                {
                    "id": ORGANISATION,
                    "protocol": "saml",
                    "name": "Universidad de Ejemplo",
                    "hostname": "localhost",
                    "idp_entity_id": f"{idp['url']}/metadata",
                    "idp_sso_url": f"{idp['url']}/sso",
                    "idp_x509cert": certificate,
                    "attribute_mapping": {"student_number": STUDENT_NUMBER_OID},
                    # The test server's host, "localhost", has a single label.
                    "allow_single_label_domains": True,
                }
            ]
        )
    )


def publish_sp_metadata(live_server, idp):
    """The IdP trusts the service provider's metadata, as an institution's IdP is told it."""
    url = f"{live_server.url}/accounts/saml/{ORGANISATION}/metadata/"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (the test server)
        idp["metadata"].write_bytes(answer.read())


def sign_in(page, idp):
    page.goto("/")
    page.get_by_role("link", name="Iniciar sesión", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_role("link", name="Iniciar sesión con Universidad de Ejemplo").click()
    # allauth asks before leaving the site (a POST, so no link can sign anybody in).
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url(f"{idp['url']}/sso**")
    page.get_by_label("User").fill(ACCOUNT["uid"])
    page.get_by_label("Password").fill("any password: a test IdP")
    page.get_by_role("button", name="Sign in").click()


def test_student_signs_in_with_the_institutions_saml_idp(
    site, saml_idp, page, settings, live_server
):
    from wagtail.models import Site

    mexican = Site.objects.get(root_page=site)
    record = factories.make_student("2022042", email="otra@ejemplo.mx", site=mexican)
    configure(settings, saml_idp, saml_idp["cert"])
    publish_sp_metadata(live_server, saml_idp)

    sign_in(page, saml_idp)

    page.wait_for_url("**/accounts/profile/")
    text = page.locator("main").inner_text()
    assert "2022042" in text and "Universidad de Ejemplo" in text, text
    user = get_user_model().objects.get(email="ana.saml@alumnos.ejemplo.mx")
    account = StudentAccount.objects.get(user=user)
    assert account.record == record
    assert account.method == LinkMethod.SSO
    assert account.evidence == f"{ORGANISATION}:{ACCOUNT['uid']}"
    assert not user.is_staff and not user.groups.exists()


def test_an_assertion_signed_by_another_key_is_refused(
    site, saml_idp, page, settings, live_server, tmp_path
):
    from wagtail.models import Site

    factories.make_student("2022042", site=Site.objects.get(root_page=site))
    _key, _cert, other = key_and_certificate(tmp_path, "impostor")
    configure(settings, saml_idp, other)  # the site trusts another IdP key
    publish_sp_metadata(live_server, saml_idp)

    sign_in(page, saml_idp)

    page.wait_for_url("**/accounts/saml/uejemplo/acs/finish/")  # allauth's failure page
    assert "/accounts/profile/" not in page.url
    assert not get_user_model().objects.filter(email="ana.saml@alumnos.ejemplo.mx").exists()
    assert not StudentAccount.objects.exists()
