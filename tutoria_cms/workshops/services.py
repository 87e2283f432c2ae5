"""Every write that changes registrations or attendance.

Sign-ups lock the workshop's page row (``select_for_update``) so that the count of confirmed
seats and the insert happen as one step: never over capacity, even under concurrent sign-ups.
On PostgreSQL the row lock serialises them; on SQLite the settings start every transaction with
``BEGIN IMMEDIATE`` (the database write lock), which serialises them too.
Unique constraints back the duplicate checks up: a duplicate that slips past the check (two
requests of the same student at once) ends as the same polite refusal.
"""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Attendance, WorkshopRegistration, WorkshopSession, get_page_model

Status = WorkshopRegistration.Status


class RegistrationError(ValidationError):
    """A sign-up refused; ``message`` is translated and safe to show to the student."""

    default_message = _("We could not register you for this workshop.")
    default_code = "registration_error"

    def __init__(self, message=None, code=None, params=None):
        super().__init__(
            message or self.default_message, code=code or self.default_code, params=params
        )


class RegistrationClosed(RegistrationError):
    default_message = _("Registration for this workshop is closed.")
    default_code = "closed"


class AlreadyRegistered(RegistrationError):
    default_message = _(
        "You are already registered for this workshop (with this student number or this "
        "e-mail address). There is no need to sign up again."
    )
    default_code = "duplicate"


class WorkshopFull(RegistrationError):
    default_message = _("Sorry, this workshop is full and has no waiting list.")
    default_code = "full"


class ConsentRequired(RegistrationError):
    default_message = _("To sign up, you need to agree to the use of your data.")
    default_code = "consent_required"


class AttendanceError(ValidationError):
    pass


@dataclass(frozen=True)
class RegistrationResult:
    registration: WorkshopRegistration

    @property
    def status(self):
        return self.registration.status

    @property
    def confirmed(self):
        return self.status == Status.CONFIRMED

    @property
    def waitlisted(self):
        return self.status == Status.WAITLISTED


def _lock_workshop(workshop):
    """Lock the workshop's page row and return a fresh copy of the specific page."""
    get_page_model().objects.select_for_update().filter(pk=workshop.pk).values_list(
        "pk", flat=True
    ).get()
    return workshop.specific_class.objects.get(pk=workshop.pk)


def _enqueue_email(registration):
    from .tasks import send_registration_email

    transaction.on_commit(partial(send_registration_email.enqueue, registration.pk))


def _active_duplicates(workshop_id, student_number, email):
    return WorkshopRegistration.objects.filter(
        Q(student_number=student_number) | Q(email__iexact=email),
        workshop_id=workshop_id,
        status__in=WorkshopRegistration.ACTIVE_STATUSES,
    )


def register(workshop, *, student_number, full_name, email, consent, language=""):
    """Sign a student up: confirmed while seats are left, else waitlisted (or refused).

    Returns a :class:`RegistrationResult`; raises a :class:`RegistrationError` subclass.
    The confirmation e-mail is enqueued once the transaction has committed.
    """
    if not consent:
        raise ConsentRequired()
    email = email.strip().lower()
    try:
        with transaction.atomic():
            workshop = _lock_workshop(workshop)
            if not workshop.registration_is_open():
                raise RegistrationClosed(workshop.registration_closed_reason())
            if _active_duplicates(workshop.pk, student_number, email).exists():
                raise AlreadyRegistered()
            confirmed = WorkshopRegistration.objects.filter(
                workshop_id=workshop.pk, status=Status.CONFIRMED
            ).count()
            if confirmed < workshop.capacity:
                status = Status.CONFIRMED
            elif workshop.waiting_list_enabled:
                status = Status.WAITLISTED
            else:
                raise WorkshopFull()
            now = timezone.now()
            registration = WorkshopRegistration.objects.create(
                workshop_id=workshop.pk,
                student_number=student_number,
                full_name=full_name,
                email=email,
                consent=True,
                consent_at=now,
                status=status,
                language=language or "",
                created_at=now,
            )
            _enqueue_email(registration)
    except IntegrityError as error:
        # The unique constraints caught a duplicate that arrived at the same moment.
        raise AlreadyRegistered() from error
    return RegistrationResult(registration)


def cancel(registration, user=None):
    """Cancel a registration; a freed seat goes to the first on the waiting list.

    Returns the promoted registration, or None.
    """
    with transaction.atomic():
        workshop = _lock_workshop(registration.workshop)
        registration = WorkshopRegistration.objects.get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return None
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration._history_user = user
        registration.save(update_fields=["status"])

        if not was_confirmed:
            return None
        confirmed = WorkshopRegistration.objects.filter(
            workshop_id=workshop.pk, status=Status.CONFIRMED
        ).count()
        if confirmed >= workshop.capacity:
            return None
        promoted = (
            WorkshopRegistration.objects.filter(workshop_id=workshop.pk, status=Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is None:
            return None
        promoted.status = Status.CONFIRMED
        # The e-mail for the new status has not been sent yet.
        promoted.confirmation_sent_at = None
        promoted._history_user = user
        promoted.save(update_fields=["status", "confirmation_sent_at"])
        _enqueue_email(promoted)
        return promoted


def record_attendance(session, presence, user):
    """Record who was present at ``session``: ``presence`` maps registration ids to booleans.

    Only confirmed registrations of the session's workshop are accepted, and only for a session
    that has started. Returns the number of attendance rows created or changed.
    """
    if not session.has_started():
        raise AttendanceError(
            _("Attendance can be recorded once the session has started."), code="future"
        )
    presence = {int(pk): bool(value) for pk, value in presence.items()}
    with transaction.atomic():
        session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        valid = set(
            WorkshopRegistration.objects.filter(
                workshop_id=session.page_id, status=Status.CONFIRMED, pk__in=presence
            ).values_list("pk", flat=True)
        )
        unknown = set(presence) - valid
        if unknown:
            raise AttendanceError(
                _("Attendance can only be recorded for confirmed registrations of this workshop."),
                code="invalid_registration",
            )
        existing = {
            attendance.registration_id: attendance
            for attendance in Attendance.objects.filter(session=session, registration_id__in=valid)
        }
        now = timezone.now()
        changed = 0
        for registration_id, present in sorted(presence.items()):
            attendance = existing.get(registration_id)
            if attendance is not None and attendance.present == present:
                continue
            if attendance is None:
                attendance = Attendance(session=session, registration_id=registration_id)
            attendance.present = present
            attendance.recorded_by = user
            attendance.recorded_at = now
            attendance._history_user = user
            attendance.save()
            changed += 1
    return changed
