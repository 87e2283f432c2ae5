"""A SAML 2.0 identity provider on loopback, for the end-to-end test of institutional sign-in
by SAML (tests/students/test_saml_e2e.py). Built on pysaml2's ``Server`` (the IdP side of a
well-kept SAML library; signing by xmlsec1), never a mock of the service provider's checks.
Test only: its sign-in page accepts the one configured account with any password.

    python -m tests.students.saml_idp

Environment: ``IDP_CERT`` and ``IDP_KEY`` (files: the IdP's signing certificate and key),
``SP_METADATA`` (a file: the service provider's metadata, as allauth publishes it; read at
the first sign-in) and
``ACCOUNT``, a JSON object: ``{"uid": ..., "attributes": {"mail": [...], ...}}`` (attribute
names as pysaml2's URI attribute map knows them). Listens on 127.0.0.1 on a free port and
prints ``listening <base URL>`` when ready; the IdP's entity id is ``<base URL>/metadata``
and its single sign-on service (HTTP-Redirect binding) ``<base URL>/sso``.
"""

import html
import json
import os
import shutil
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import AUTHN_PASSWORD, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

ACCOUNT = json.loads(os.environ.get("ACCOUNT", "{}"))


def make_server(base):
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                    "sign_response": True,
                    "sign_assertion": True,
                }
            },
            "key_file": os.environ["IDP_KEY"],
            "cert_file": os.environ["IDP_CERT"],
            "metadata": {"local": [os.environ["SP_METADATA"]]},
            "xmlsec_binary": shutil.which("xmlsec1"),
            # python3-saml refuses SHA-1 signatures (pysaml2's default).
            "signing_algorithm": SIG_RSA_SHA256,
            "digest_algorithm": DIGEST_SHA256,
        }
    )
    return Server(config=config)


class Handler(BaseHTTPRequestHandler):
    base = ""
    _idp = None

    @property
    def idp(self):
        # Made at the first sign-in: the service provider's metadata names the test server's
        # port, known only once this IdP's own address is configured there.
        if Handler._idp is None:
            Handler._idp = make_server(self.base)
        return Handler._idp

    def log_message(self, *args):  # quiet: the test reads stdout
        pass

    def answer(self, body, status=200):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path != "/sso":
            return self.answer("not found", 404)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        # The institution's sign-in page: the request travels in hidden fields.
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
            for key, value in query.items()
            if key in ("SAMLRequest", "RelayState")
        )
        return self.answer(
            "<!DOCTYPE html><html lang='en'><title>Test IdP</title><main>"
            "<h1>Institutional sign-in</h1><form method='post' action='/login'>"
            "<label>User <input name='user'></label>"
            "<label>Password <input name='password' type='password'></label>"
            f"{hidden}<button type='submit'>Sign in</button></form></main></html>"
        )

    def do_POST(self):
        if self.path != "/login":
            return self.answer("not found", 404)
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if form.get("user") != ACCOUNT.get("uid"):
            return self.answer("unknown user", 403)
        request = self.idp.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        response_args = self.idp.response_args(request.message, [BINDING_HTTP_POST])
        response = self.idp.create_authn_response(
            identity=ACCOUNT.get("attributes", {}),
            userid=ACCOUNT["uid"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=ACCOUNT["uid"]),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.idp.config.entityid},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **response_args,
        )
        http_args = self.idp.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            response_args["destination"],
            form.get("RelayState", ""),
            response=True,
        )
        return self.answer(http_args["data"])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    Handler.base = base
    print(f"listening {base}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
