"""The decision notice (art. 248): its text, for the e-mail and for the printed letter."""

from django.template.loader import render_to_string
from django.utils import translation


def decision_notice(request):
    """The notice of ``request``'s decision as (subject, body), in the request's language."""
    context = {"request": request, "verdict": request.verdict or {}, "student": request.student}
    with translation.override(request.language):
        subject = render_to_string("tutoria_cms/requests/emails/decision_subject.txt", context)
        body = render_to_string("tutoria_cms/requests/emails/decision_body.txt", context)
    return " ".join(subject.split()), body
