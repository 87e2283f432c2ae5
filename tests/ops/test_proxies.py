"""Behind the load balancer, the sign-up rate limit counts each visitor's address, not the load
balancer's (sites/proxies.py, LOGIN_PROXY_COUNT)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from sites.proxies import ForwardedForMiddleware, forwarded_client


@pytest.mark.parametrize(
    ("header", "count", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        # The client wrote the first address itself: never trusted.
        ("198.51.100.66, 203.0.113.7", 1, "203.0.113.7"),
        ("198.51.100.66, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        ("2001:db8::1", 1, "2001:db8::1"),
        ("", 1, None),
        ("203.0.113.7", 2, None),  # fewer hops than proxies
        ("not-an-address", 1, None),
        ("203.0.113.7", 0, None),
    ],
)
def test_forwarded_client(header, count, expected):
    assert forwarded_client(header, count) == expected


def run(count, **meta):
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    with override_settings(TRUSTED_PROXY_COUNT=count):
        ForwardedForMiddleware(view)(RequestFactory().get("/", **meta))
    return seen["address"]


def test_the_middleware_sets_remote_addr_only_behind_proxies():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66, 203.0.113.7"}
    assert run(1, **meta) == "203.0.113.7"
    assert run(0, **meta) == "10.0.0.2"
    assert run(1, REMOTE_ADDR="10.0.0.2") == "10.0.0.2"
