import re

import pytest
from django.core import mail
from django.test import Client

from tests import factories

MX_HOST = "localhost"
BR_HOST = "tutorias.exemplo.edu.br"
PASSWORD = "A-long-student-passphrase-42"


@pytest.fixture
def institutions(db):
    """The Mexican site (es, localhost, default) and the Brazilian one (pt-BR)."""
    from wagtail.models import Site

    factories.build_site("es", MX_HOST, title="Universidad de Ejemplo", default=True)
    factories.build_site("pt-br", BR_HOST, title="Universidade Exemplo")
    return Site.objects.get(hostname=MX_HOST), Site.objects.get(hostname=BR_HOST)


def client_for(host):
    return Client(HTTP_HOST=host)


def signed_in(user, host=MX_HOST):
    """A client of the site at ``host`` with ``user`` signed in."""
    client = client_for(host)
    client.force_login(user)
    return client


def confirmation_path(message):
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_up(client, email, **extra):
    mail.outbox.clear()
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


# The browser tests' fixtures and hook (Debian's chromium through Playwright, the live server
# serving one request at a time): tests/e2e/conftest.py.
from tests.e2e.conftest import (  # noqa: E402, F401
    browser,
    browsing,
    page,
    pytest_runtest_makereport,
    site,
    unavailable,
)
