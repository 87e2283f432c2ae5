"""The client's address behind the load balancer (sites/settings/production.py).

Behind ``LOGIN_PROXY_COUNT`` reverse proxies, each appending the address it saw to
``X-Forwarded-For``, ``REMOTE_ADDR`` is the load balancer's for every request: the public
sign-up form's rate limit per address (``tutoria_cms.workshops.ratelimit``) would then count
every visitor together. This middleware sets ``REMOTE_ADDR`` to the address the outermost
trusted proxy saw (the ``LOGIN_PROXY_COUNT``-th from the right, as django-axes reads it);
addresses further left were written by the client and are never trusted. A header with fewer
addresses, or a value that is not an address, leaves ``REMOTE_ADDR`` as it was.
"""

import ipaddress

from django.conf import settings


def forwarded_client(header, proxy_count):
    hops = [hop.strip() for hop in (header or "").split(",") if hop.strip()]
    if proxy_count < 1 or len(hops) < proxy_count:
        return None
    candidate = hops[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxy_count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))

    def __call__(self, request):
        client = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR"), self.proxy_count)
        if client:
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
