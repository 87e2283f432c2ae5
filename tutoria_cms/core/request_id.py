"""One id per request, in the response and in every log record written while it is served.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the ``X-Request-ID`` header set by
the load balancer when it is well formed (letters, digits, ``.``, ``_``, ``:``, ``-``; 8 to 128
characters), or makes one (32 hexadecimal digits); it is ``request.request_id`` and the
response's ``X-Request-ID``. ``RequestIdFilter`` adds it to log records as ``request_id``
(``-`` outside a request), so a line of the logs of any web server can be traced back to the
load balancer's access log and to the user's report.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
NO_REQUEST = "-"

_current = contextvars.ContextVar("tutoria_request_id", default=NO_REQUEST)


def current_request_id():
    """The id of the request being served in this thread or task, or ``"-"``."""
    return _current.get()


def request_id_from(value):
    """``value`` when it is a well-formed request id, else a new one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.META.get(META_KEY, ""))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (never filters one out)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
