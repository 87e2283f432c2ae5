"""The institutions' single sign-on, from configuration (settings or the environment).

``STUDENT_SSO_PROVIDERS`` is a JSON list, one object per institution::

    [{"id": "uexample", "name": "Universidad de Ejemplo", "hostname": "tutorias.example.mx",
      "server_url": "https://login.example.mx", "client_id": "...", "secret": "...",
      "student_claim": "student_number"}]

``student_claim`` names the claim that identifies the student record: ``student_number``
(default) or ``email`` (then ``email_verified`` must be true). ``providers_setting`` turns the
list into allauth's ``SOCIALACCOUNT_PROVIDERS``.
"""

import json

REQUIRED = ("id", "name", "hostname", "server_url", "client_id", "secret")


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


def providers_setting(raw):
    """allauth's SOCIALACCOUNT_PROVIDERS from the JSON text of STUDENT_SSO_PROVIDERS."""
    entries = json.loads(raw) if raw and raw.strip() else []
    return {"openid_connect": {"APPS": [openid_connect_app(entry) for entry in entries]}}
