"""What students are told by e-mail about their requests, in the request's language.

The decision notice (art. 248) is also printed as a letter when the e-mail fails. The other
notices (a tutor assigned, a session recorded, news of a referral) say only what the student's
own area shows: the tutor's name, the session's date, modality and length, a referral's
status; never a private note, a referral's reason or service (an e-mail may be read by
others), nor anything staff wrote about the student.
"""

from django.template.loader import render_to_string
from django.utils import translation


def decision_notice(request):
    """The notice of ``request``'s decision as (subject, body), in the request's language."""
    context = {"request": request, "verdict": request.verdict or {}, "student": request.student}
    return _render("decision", request, context)


def _render(name, request, context):
    with translation.override(request.language):
        subject = render_to_string(f"tutoria_cms/requests/emails/{name}_subject.txt", context)
        body = render_to_string(f"tutoria_cms/requests/emails/{name}_body.txt", context)
    return " ".join(subject.split()), body


def notice_for(notification):
    """(subject, body) of ``notification``, or None when what it was about is gone (a
    session deleted, a tutor replaced before it was sent: nothing to tell any more)."""
    from django.contrib.auth import get_user_model

    from .models import Notification, Referral, TutoringSession

    request = notification.request
    kind, _sep, rest = notification.event.partition(":")
    context = {"request": request, "student": request.student}
    if kind == Notification.DECISION:
        return decision_notice(request)
    if kind == Notification.TUTOR:
        tutor = get_user_model().objects.filter(pk=rest).first()
        if tutor is None or request.assigned_tutor_id != tutor.pk:
            return None
        return _render("tutor_assigned", request, {**context, "tutor": tutor})
    if kind == Notification.SESSION:
        session = TutoringSession.objects.filter(pk=rest, request=request).first()
        if session is None:
            return None
        return _render("session_recorded", request, {**context, "session": session})
    if kind == Notification.REFERRAL:
        referral_id, _sep, status = rest.partition(":")
        referral = Referral.objects.filter(pk=referral_id, request=request).first()
        if referral is None:
            return None
        referral.status = status  # the news this notification is about
        return _render("referral_news", request, {**context, "referral": referral})
    return None
