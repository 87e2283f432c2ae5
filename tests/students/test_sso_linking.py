"""SSO linking rules, on allauth's own SocialLogin objects (the browser run: test_sso_e2e)."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.test import RequestFactory

from tests import factories
from tutoria_cms.students.linking import link_by_sso
from tutoria_cms.students.models import StudentAccount
from tutoria_cms.students.sso import providers_setting

from .conftest import BR_HOST, MX_HOST

pytestmark = pytest.mark.django_db


def configure(settings, claim):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(
        json.dumps(
            [
                {
                    "id": "uejemplo",
                    "name": "Universidad de Ejemplo",
                    "hostname": MX_HOST,
                    "server_url": "https://login.ejemplo.mx",
                    "client_id": "client",
                    "secret": "secret",
                    "student_claim": claim,
                }
            ]
        )
    )


def sign_in(host, claims):
    user = factories.UserFactory(username=f"sso-{claims['sub']}")
    account = SocialAccount(
        provider="uejemplo", uid=claims["sub"], extra_data={"userinfo": claims}, user=user
    )
    request = RequestFactory().get("/", HTTP_HOST=host)
    return user, link_by_sso(user, SocialLogin(account=account, user=user), request)


def test_student_number_claim_links_this_institutions_record(institutions, settings):
    mx, br = institutions
    configure(settings, "student_number")
    record = factories.make_student("S1", email="x@example.mx", site=mx)
    factories.make_student("S1", email="x@example.mx", site=br)
    user, account = sign_in(MX_HOST, {"sub": "a", "student_number": "S1"})
    assert account.record == record and account.evidence == "uejemplo:a"


def test_email_claim_needs_email_verified(institutions, settings):
    mx, _ = institutions
    configure(settings, "email")
    record = factories.make_student("S2", email="Y@example.mx", site=mx)
    _user, account = sign_in(MX_HOST, {"sub": "b", "email": "y@example.mx"})
    assert account is None
    _user, account = sign_in(MX_HOST, {"sub": "c", "email": "y@example.mx", "email_verified": True})
    assert account.record == record


def test_the_provider_links_nothing_on_another_institutions_site(institutions, settings):
    _mx, br = institutions
    configure(settings, "student_number")
    factories.make_student("S3", email="z@example.br", site=br)
    _user, account = sign_in(BR_HOST, {"sub": "d", "student_number": "S3"})
    assert account is None
    assert not StudentAccount.objects.exists()
