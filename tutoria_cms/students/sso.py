"""The institutions' single sign-on, from configuration (settings or the environment).

``STUDENT_SSO_PROVIDERS`` is a JSON list, one object per institution::

    [{"id": "uexample", "name": "Universidad de Ejemplo", "hostname": "tutorias.example.mx",
      "server_url": "https://login.example.mx", "client_id": "...", "secret": "...",
      "student_claim": "student_number"}]

``student_claim`` names the claim that identifies the student record: ``student_number``
(default) or ``email`` (then ``email_verified`` must be true). ``providers_setting`` turns the
list into allauth's ``SOCIALACCOUNT_PROVIDERS``.

An institution that signs in by SAML 2.0 instead (``"protocol": "saml"``; allauth's SAML
provider, the ``saml`` extra: ``pip install tutoria-cms[saml]``) gives its IdP::

    {"id": "uejemplo", "protocol": "saml", "name": "Universidad de Ejemplo",
     "hostname": "tutorias.example.mx", "idp_entity_id": "https://idp.example.mx/metadata",
     "idp_sso_url": "https://idp.example.mx/sso", "idp_x509cert": "MIIC...",
     "attribute_mapping": {"student_number": "urn:oid:1.3.6.1.4.1.25178.1.2.14"}}

The IdP must sign its assertions; ``attribute_mapping`` names, for ``student_number`` (and
``email``, ``email_verified``), the SAML attribute that carries it (the default maps
``uid`` and ``email`` to the usual OIDs). The service provider's metadata is served at
``/accounts/saml/<id>/metadata/``.
"""

import json

REQUIRED = ("id", "name", "hostname", "server_url", "client_id", "secret")
SAML_REQUIRED = ("id", "name", "hostname", "idp_entity_id", "idp_sso_url", "idp_x509cert")
SAML_DEFAULT_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "urn:oid:0.9.2342.19200300.100.1.1"],
    "email": ["urn:oid:0.9.2342.19200300.100.1.3"],
}


def openid_connect_app(entry):
    missing = [key for key in REQUIRED if not entry.get(key)]
    if missing:
        raise ValueError(f"STUDENT_SSO_PROVIDERS: {entry.get('id')!r} lacks {missing}")
    return {
        "provider_id": entry["id"],
        "name": entry["name"],
        "client_id": entry["client_id"],
        "secret": entry["secret"],
        "settings": {
            "server_url": entry["server_url"],
            "hostname": entry["hostname"],
            "student_claim": entry.get("student_claim", "student_number"),
            "oauth_pkce_enabled": True,
        },
    }


def saml_app(entry):
    missing = [key for key in SAML_REQUIRED if not entry.get(key)]
    if missing:
        raise ValueError(f"STUDENT_SSO_PROVIDERS: {entry.get('id')!r} lacks {missing}")
    claim = entry.get("student_claim", "student_number")
    mapping = {**SAML_DEFAULT_MAPPING, **entry.get("attribute_mapping", {})}
    if claim not in mapping:
        raise ValueError(
            f"STUDENT_SSO_PROVIDERS: {entry['id']!r}: attribute_mapping names no attribute "
            f"for its student_claim {claim!r}"
        )
    return {
        # allauth names a SAML app by its client_id (the organisation's slug in the URLs).
        "client_id": entry["id"],
        "name": entry["name"],
        "settings": {
            "hostname": entry["hostname"],
            "student_claim": claim,
            "attribute_mapping": mapping,
            "idp": {
                "entity_id": entry["idp_entity_id"],
                "sso_url": entry["idp_sso_url"],
                "x509cert": entry["idp_x509cert"],
            },
            # Assertions must be signed by the IdP's key; python3-saml checks the response's
            # destination, audience, times and that it answers a request of ours.
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "allow_single_label_domains": entry.get("allow_single_label_domains", False),
            },
        },
    }


def providers_setting(raw):
    """allauth's SOCIALACCOUNT_PROVIDERS from the JSON text of STUDENT_SSO_PROVIDERS."""
    entries = json.loads(raw) if raw and raw.strip() else []
    for entry in entries:
        if entry.get("protocol", "oidc") not in ("oidc", "saml"):
            raise ValueError(
                f"STUDENT_SSO_PROVIDERS: {entry.get('id')!r} has protocol "
                f"{entry.get('protocol')!r} (oidc or saml)"
            )
    setting = {
        "openid_connect": {
            "APPS": [openid_connect_app(e) for e in entries if e.get("protocol", "oidc") == "oidc"]
        }
    }
    saml = [saml_app(entry) for entry in entries if entry.get("protocol") == "saml"]
    if saml:
        setting["saml"] = {"APPS": saml}
    return setting
