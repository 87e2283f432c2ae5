"""Demo registrations and attendance for an institution's workshops, through the workshops
app's services (capacity, waiting list, e-mails, attendance history)."""

from tutoria_cms.core.student_numbers import normalise_student_number
from tutoria_cms.workshops import certificates, services
from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopRegistration


def load_demo_registrations(home, students, language, user):
    """Sign the cohort's students up in the site's workshops as the public form does: each
    sign-up confirmed from the link e-mailed to the student record's address (so it carries
    the student's identity), but the last of each workshop, left awaiting confirmation; a
    full workshop puts the last ones on its waiting list; one registration is cancelled.
    Then record attendance at the sessions that have taken place, and issue the first
    student's (a demo student account's) attendance certificate. Idempotent: skipped once the
    site has registrations."""
    workshops = list(GroupWorkshopPage.objects.live().descendant_of(home).order_by("path"))
    if WorkshopRegistration.objects.filter(workshop__in=workshops).exists():
        return 0
    created = 0
    for number, workshop in enumerate(workshops):
        if not workshop.registration_is_open():
            continue
        # A different slice of the cohort in each workshop, a few more than a small one holds
        # (the cancellation below promotes one from the waiting list, the last one is left
        # awaiting confirmation: a small workshop still has someone waiting).
        size = min(len(students), workshop.capacity + 3, 24)
        start = (number * 7) % len(students)
        chosen = (students[start:] + students[:start])[:size]
        registrations = []
        for position, student in enumerate(chosen):
            pending = services.request_signup(
                workshop,
                student_number=student.student_number,
                full_name=student.full_name,
                email=student.email,
                consent=True,
                language=language,
            )
            if pending is None:
                continue
            created += 1
            if position == len(chosen) - 1:
                break  # awaiting confirmation: holds no seat
            token = services.signup_token(pending)
            try:
                result = services.confirm_signup(token, workshop=workshop)
            except services.WorkshopFull:
                pending.delete()
                created -= 1
                break
            registrations.append(result.registration)
        if len(registrations) > 3:
            services.cancel(registrations[2], user)
        confirmed = list(
            WorkshopRegistration.objects.filter(
                workshop=workshop, status=WorkshopRegistration.Status.CONFIRMED
            ).order_by("pk")
        )
        for session in workshop.workshop_sessions.order_by("date"):
            if not session.has_started():
                continue
            # About five in six came.
            presence = {
                registration.pk: position % 6 != 5
                for position, registration in enumerate(confirmed)
            }
            services.record_attendance(session, presence, user)
    if students:
        first = (
            WorkshopRegistration.objects.filter(
                workshop__in=workshops,
                student_number=normalise_student_number(students[0].student_number),
                identity_verified_at__isnull=False,
                attendances__present=True,
            )
            .order_by("pk")
            .first()
        )
        if first is not None:
            certificates.issue_workshop_certificate(first, user)
    return created
