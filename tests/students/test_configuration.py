"""The students app's system checks, the SSO configuration and which site offers which SSO."""

import json

import pytest

from tutoria_cms.students import checks
from tutoria_cms.students.sso import providers_setting

from .conftest import BR_HOST, MX_HOST, client_for

MX_SSO = {
    "id": "uejemplo",
    "name": "Universidad de Ejemplo",
    "hostname": MX_HOST,
    "server_url": "https://login.ejemplo.mx",
    "client_id": "client",
    "secret": "secret",
}


def ids(errors):
    return sorted(error.id for error in errors)


def test_the_example_settings_pass_the_checks():
    assert checks.check_allauth_configuration() == []
    assert checks.check_required_apps() == []


def test_missing_backend_middleware_or_mandatory_verification_are_errors(settings):
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "allauth.account.middleware.AccountMiddleware"
    ]
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    assert ids(checks.check_allauth_configuration()) == [
        "tutoria_students.E011",
        "tutoria_students.E011",
        "tutoria_students.E012",
    ]


def test_axes_still_checks_first(settings):
    assert settings.AUTHENTICATION_BACKENDS[:2] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


def test_providers_setting_from_the_environment_text():
    assert providers_setting("") == {"openid_connect": {"APPS": []}}
    (app,) = providers_setting(json.dumps([MX_SSO]))["openid_connect"]["APPS"]
    assert app["provider_id"] == "uejemplo" and app["client_id"] == "client"
    assert app["settings"]["hostname"] == MX_HOST
    assert app["settings"]["student_claim"] == "student_number"
    with pytest.raises(ValueError):
        providers_setting(json.dumps([{**MX_SSO, "hostname": ""}]))


def test_each_site_offers_its_own_institutions_sign_in_only(institutions, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(json.dumps([MX_SSO]))
    mx_page = client_for(MX_HOST).get("/accounts/login/").content.decode()
    br_page = client_for(BR_HOST).get("/accounts/login/").content.decode()
    assert "Iniciar sesión con Universidad de Ejemplo" in mx_page
    assert "/accounts/oidc/uejemplo/login/" in mx_page
    assert "uejemplo" not in br_page and "Universidad de Ejemplo" not in br_page
    # Nor can the other site's sign-in be started by its URL.
    response = client_for(BR_HOST).get("/accounts/oidc/uejemplo/login/")
    assert response.status_code == 404


BR_SAML = {
    "id": "uexemplo",
    "protocol": "saml",
    "name": "Universidade Exemplo",
    "hostname": BR_HOST,
    "idp_entity_id": "https://idp.exemplo.edu.br/metadata",
    "idp_sso_url": "https://idp.exemplo.edu.br/sso",
    "idp_x509cert": "MIIC-test-certificate",
    "attribute_mapping": {"student_number": "urn:oid:1.3.6.1.4.1.25178.1.2.14"},
}


def test_saml_providers_from_the_environment_text():
    setting = providers_setting(json.dumps([MX_SSO, BR_SAML]))
    assert [app["provider_id"] for app in setting["openid_connect"]["APPS"]] == ["uejemplo"]
    (app,) = setting["saml"]["APPS"]
    assert app["client_id"] == "uexemplo" and app["name"] == "Universidade Exemplo"
    assert app["settings"]["hostname"] == BR_HOST
    assert app["settings"]["idp"] == {
        "entity_id": "https://idp.exemplo.edu.br/metadata",
        "sso_url": "https://idp.exemplo.edu.br/sso",
        "x509cert": "MIIC-test-certificate",
    }
    mapping = app["settings"]["attribute_mapping"]
    assert mapping["student_number"] == "urn:oid:1.3.6.1.4.1.25178.1.2.14"
    assert "urn:oid:0.9.2342.19200300.100.1.3" in mapping["email"]  # the default's
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert app["settings"]["advanced"]["strict"] is True
    with pytest.raises(ValueError, match="idp_x509cert"):
        providers_setting(json.dumps([{**BR_SAML, "idp_x509cert": ""}]))
    with pytest.raises(ValueError, match="student_claim"):
        providers_setting(json.dumps([{**BR_SAML, "attribute_mapping": {}}]))
    with pytest.raises(ValueError, match="protocol"):
        providers_setting(json.dumps([{**BR_SAML, "protocol": "cas"}]))


def test_each_site_offers_its_own_institutions_saml_sign_in_only(institutions, settings):
    settings.SOCIALACCOUNT_PROVIDERS = providers_setting(json.dumps([BR_SAML]))
    br_page = client_for(BR_HOST).get("/accounts/login/").content.decode()
    mx_page = client_for(MX_HOST).get("/accounts/login/").content.decode()
    assert "Universidade Exemplo" in br_page and "/accounts/saml/uexemplo/login/" in br_page
    assert "uexemplo" not in mx_page
    assert client_for(MX_HOST).get("/accounts/saml/uexemplo/login/").status_code == 404
    # The Brazilian site's "Continue" page lets its form lead to the IdP (CSP form-action).
    response = client_for(BR_HOST).get("/accounts/saml/uexemplo/login/")
    assert response.status_code == 200
    assert "https://idp.exemplo.edu.br" in response["Content-Security-Policy"]


def test_saml_claims_follow_the_attribute_mapping():
    from tutoria_cms.students.linking import saml_claims

    attributes = {
        "urn:oid:1.3.6.1.4.1.25178.1.2.14": ["2022042", "other"],
        "urn:oid:0.9.2342.19200300.100.1.3": [],
    }
    mapping = {
        "student_number": "urn:oid:1.3.6.1.4.1.25178.1.2.14",
        "email": ["urn:oid:0.9.2342.19200300.100.1.3", "mail"],
    }
    assert saml_claims(attributes, mapping) == {"student_number": "2022042"}
