"""Pseudonymous student identifiers for exports: a keyed HMAC (DESIGN.md section 4).

``Pseudonymiser()(student_number)`` gives ``"S-"`` plus 12 base32 characters (60 bits of
HMAC-SHA256). The same number always gives the same pseudonym under the same key, so rows of
one export (and of exports made with the same key) can be linked without revealing who the
student is; without the key the mapping cannot be reversed or recomputed.

The key is ``TUTORIA_CMS["PSEUDONYMISATION_KEY"]``; when it is empty, a key derived from
``SECRET_KEY`` (an HMAC of it with a fixed label, never the secret key itself). The key never
leaves the server: a workbook may show :attr:`Pseudonymiser.key_id`, a fingerprint that tells
whether two workbooks used the same key and reveals nothing about it.
"""

import hmac

from django.conf import settings

from .conf import tutoria_settings

PREFIX = "S-"
LENGTH = 12  # base32 characters: 60 bits
_DERIVATION_LABEL = b"tutoria-cms pseudonymisation key v1"
_KEY_ID_LABEL = b"tutoria-cms key id"
# RFC 4648 base32, two characters (10 bits) per lookup: 6 lookups give the 12 characters
# (the first 60 bits of the digest), the same as base64.b32encode but several times faster.
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]


def configured_key():
    """The pseudonymisation key (bytes) and where it comes from: "setting" or "secret_key"."""
    key = tutoria_settings.PSEUDONYMISATION_KEY
    if key:
        return (key.encode() if isinstance(key, str) else bytes(key)), "setting"
    secret = settings.SECRET_KEY.encode()
    return hmac.digest(secret, _DERIVATION_LABEL, "sha256"), "secret_key"


def normalise(identifier):
    """Student numbers are compared without surrounding spaces and case."""
    return str(identifier).strip().upper()


class Pseudonymiser:
    def __init__(self, key=None, prefix=PREFIX, length=LENGTH):
        if not 1 <= length <= LENGTH:
            raise ValueError(f"length must be between 1 and {LENGTH}")
        if key is None:
            key, self.key_source = configured_key()
        else:
            self.key_source = "explicit"
        self._key = key.encode() if isinstance(key, str) else bytes(key)
        self.prefix = prefix
        self.length = length

    def __call__(self, identifier):
        if identifier is None or identifier == "":
            return ""
        digest = hmac.digest(self._key, normalise(identifier).encode(), "sha256")
        bits = int.from_bytes(digest[:8], "big") >> 4  # the first 60 bits
        pairs = _PAIRS
        text = (
            pairs[bits >> 50]
            + pairs[(bits >> 40) & 1023]
            + pairs[(bits >> 30) & 1023]
            + pairs[(bits >> 20) & 1023]
            + pairs[(bits >> 10) & 1023]
            + pairs[bits & 1023]
        )
        return self.prefix + text[: self.length]

    @property
    def key_id(self):
        """A fingerprint of the key (8 hex characters), safe to print in a workbook."""
        return hmac.digest(self._key, _KEY_ID_LABEL, "sha256").hex()[:8]

    def __repr__(self):  # never show the key
        return f"<Pseudonymiser key_id={self.key_id}>"
