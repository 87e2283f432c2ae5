"""Production logs: one JSON object a line (LOG_FORMAT=json) or text, with the request's id."""

import io
import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

from sites.settings.ops import logging_config
from tutoria_cms.core.request_id import RequestIdMiddleware


def console_handler(config):
    """The console handler of ``config``, built as dictConfig builds it, writing to a buffer."""
    formatter_config = dict(config["formatters"]["default"])
    factory = formatter_config.pop("()", None)
    if factory:
        formatter = import_string(factory)(**formatter_config)
    else:
        formatter = logging.Formatter(formatter_config["format"])
    [filter_name] = config["handlers"]["console"]["filters"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(import_string(config["filters"][filter_name]["()"])())
    return handler, stream


def log_in_a_request(config, request_id):
    handler, stream = console_handler(config)
    logger = logging.getLogger("tutoria_cms.tests.ops.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.warning("Sign-up refused for workshop %s", 12)
        return HttpResponse()

    try:
        RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
        logger.warning("outside a request")
    finally:
        logger.removeHandler(handler)
    return stream.getvalue().splitlines()


def test_json_lines_with_the_request_id():
    pytest.importorskip("pythonjsonlogger")
    inside, outside = log_in_a_request(logging_config("json"), "req-json-0001")
    record = json.loads(inside)
    assert record["request_id"] == "req-json-0001"
    assert record["message"] == "Sign-up refused for workshop 12"
    assert record["level"] == "WARNING"
    assert record["logger"] == "tutoria_cms.tests.ops.logging"
    assert "time" in record
    assert json.loads(outside)["request_id"] == "-"


def test_text_lines_with_the_request_id():
    inside, outside = log_in_a_request(logging_config("text"), "req-text-0001")
    assert "[req-text-0001]" in inside and "Sign-up refused for workshop 12" in inside
    assert "[-]" in outside
    with pytest.raises(json.JSONDecodeError):
        json.loads(inside)


def test_unknown_format_refused():
    with pytest.raises(ImproperlyConfigured):
        logging_config("xml")
