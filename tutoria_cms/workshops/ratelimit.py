"""Rate limits of the public sign-up form and of the certificate verification page, in
Django's cache (fixed windows).

Each sign-up attempt (every POST of the form, valid or not) counts against the client's
address and against the workshop; beyond ``SIGNUP_RATE_PER_ADDRESS`` or
``SIGNUP_RATE_PER_WORKSHOP`` attempts in a window of ``SIGNUP_RATE_WINDOW`` seconds the form
is refused with a translated message (what was typed is kept). The address is
``REMOTE_ADDR``: behind a proxy, the proxy (or a middleware) must set it to the client's.
Cache keys hold a hash of the address, not the address. With several processes, the cache
must be shared (Redis, Memcached, database cache): a local-memory cache counts per process.

Each look-up of a certificate code (the verification page with a code, or its form with one)
counts against the client's address; beyond ``CERTIFICATE_VERIFY_RATE_PER_ADDRESS`` in a
window of ``CERTIFICATE_VERIFY_RATE_WINDOW`` seconds the page answers 429 without looking.
"""

import hashlib

from django.core.cache import cache

from tutoria_cms.core.conf import tutoria_settings

PREFIX = "tutoria:workshops:signup"
VERIFY_PREFIX = "tutoria:workshops:certificate-verify"


def client_address(request):
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key, limit, window):
    """Count one attempt under ``key``; whether it is within ``limit``."""
    if not limit:
        return True
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def _address_key(request):
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]


def allow_signup_attempt(request, workshop):
    """Count a sign-up attempt; False when the address or the workshop is over its limit."""
    window = max(int(tutoria_settings.SIGNUP_RATE_WINDOW), 1)
    address = _address_key(request)
    by_address = _hit(
        f"{PREFIX}:address:{address}", tutoria_settings.SIGNUP_RATE_PER_ADDRESS, window
    )
    by_workshop = _hit(
        f"{PREFIX}:workshop:{workshop.pk}", tutoria_settings.SIGNUP_RATE_PER_WORKSHOP, window
    )
    return by_address and by_workshop


def allow_certificate_lookup(request):
    """Count a look-up of a certificate code; False when the address is over its limit."""
    window = max(int(tutoria_settings.CERTIFICATE_VERIFY_RATE_WINDOW), 1)
    return _hit(
        f"{VERIFY_PREFIX}:address:{_address_key(request)}",
        tutoria_settings.CERTIFICATE_VERIFY_RATE_PER_ADDRESS,
        window,
    )
