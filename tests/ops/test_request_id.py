"""``X-Request-ID``: taken from the load balancer when well formed, made otherwise, sent back,
and on every log record written while the request is served."""

import logging
import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from tutoria_cms.core.request_id import (
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
)

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_first_middleware():
    assert settings.MIDDLEWARE[0] == "tutoria_cms.core.request_id.RequestIdMiddleware"


def test_made_when_missing(client):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "given",
    [
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "Root:1-abc.def_9",
    ],
)
def test_taken_from_the_load_balancer(client, given):
    assert client.get("/health/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given",
    [
        "short",  # fewer than 8 characters
        "x" * 129,  # more than 128
        "abc def ghi",  # a space
        "abcdefgh\r\nSet-Cookie: a=b",  # a header injection
        "<script>alert(1)</script>",
        "-startswithdash",
        "",
    ],
)
def test_malformed_ids_are_replaced(client, given):
    answered = client.get("/health/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert GENERATED.fullmatch(answered)


def test_on_every_record_of_the_request_and_only_there():
    seen = []

    def view(request):
        record = logging.LogRecord("tutoria_cms.test", logging.INFO, __file__, 1, "m", (), None)
        RequestIdFilter().filter(record)
        seen.append((request.request_id, record.request_id, current_request_id()))
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-12345678")
    response = RequestIdMiddleware(view)(request)
    assert seen == [("req-12345678",) * 3]
    assert response["X-Request-ID"] == "req-12345678"
    # After the response: no request.
    assert current_request_id() == "-"


def test_the_id_is_forgotten_when_the_view_fails():
    def view(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-failing1"))
    assert current_request_id() == "-"
