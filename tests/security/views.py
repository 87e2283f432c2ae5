"""A CSRF failure view that says so (settings.CSRF_FAILURE_VIEW in the CSRF tests), so that
a refusal by the CSRF check is told apart from a refusal by permissions."""

from django.http import HttpResponseForbidden

HEADER = "X-CSRF-Failure"


def csrf_failure(request, reason=""):
    response = HttpResponseForbidden("CSRF")
    response[HEADER] = reason or "refused"
    return response
