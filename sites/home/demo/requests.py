"""Demo requests in every state, made through the services (history, audit log, e-mails)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind

REASONS = {
    "es": "Dudas sobre la carrera y organización del estudio.",
    "pt-br": "Dúvidas sobre o curso e organização dos estudos.",
}
DENIAL = {
    "es": "No cumple el art. 244, VII: reprobación por faltas en la asignatura.",
    "pt-br": "Não atende ao art. 244, VII: reprovação por falta no componente.",
}


def load_demo_requests(programme, language, term, components, students, coordinator, board, tutors):
    """Idempotent (skipped when the first demo student already has requests)."""
    if students[0].tutoring_requests.exists():
        return []
    tutor_users = list(get_user_model().objects.filter(username__in=tutors).order_by("pk"))
    common = {"programme": programme, "language": language, "user": coordinator}

    def support(student, state_actions, tutor=None, reasons=("career_doubts",)):
        request = services.create_request(
            kind=RequestKind.SUPPORT,
            student=student,
            reasons=reasons,
            description=REASONS[language],
            **common,
        )
        if tutor is not None:
            request = services.assign_tutor(request, tutor, coordinator)
        for action in state_actions:
            actor = board if action in ("approve", "deny") else coordinator
            request = services.transition(request, action, actor)
        return request

    def individual(student, component, state_actions, reason=""):
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=student,
            term=term,
            component=component,
            **common,
        )
        for action in state_actions:
            actor = board if action in ("approve", "deny") else coordinator
            request = services.transition(
                request, action, actor, reason=reason if action == "deny" else ""
            )
        return request

    created = [
        support(students[0], []),  # draft
        individual(students[1], components["MAT101"], ["submit"]),  # submitted
        individual(students[2], components["EST101"], ["submit", "review"]),  # under review
        individual(students[4], components["MAT101"], ["submit", "review", "approve"]),
        individual(
            students[3], components["MAT101"], ["submit", "review", "deny"], reason=DENIAL[language]
        ),  # denied
        support(students[5], ["submit", "review", "withdraw"]),  # withdrawn
    ]
    if tutor_users:
        running = support(
            students[6],
            ["submit", "review", "approve", "start"],
            tutor=tutor_users[0],
            reasons=("academic", "emotional"),
        )
        services.record_session(
            running,
            tutor_users[0],
            date=timezone.localdate() - datetime.timedelta(days=7),
            modality="in_person",
            duration_minutes=50,
        )
        services.refer(running, tutor_users[0], reason=REASONS[language])
        closed = support(
            students[7], ["submit", "review", "approve", "start"], tutor=tutor_users[-1]
        )
        services.record_session(
            closed,
            tutor_users[-1],
            date=timezone.localdate() - datetime.timedelta(days=20),
            modality="video",
            duration_minutes=40,
        )
        closed = services.transition(closed, "close", tutor_users[-1])
        created += [running, closed]
    return created
