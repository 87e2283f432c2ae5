"""Every write that changes registrations or attendance.

Public sign-ups go in two steps: :func:`request_signup` (the form) stores a *pending*
registration, which holds no seat and blocks nobody, and e-mails a signed, expiring link;
:func:`confirm_signup` (the link's button) takes the seat, or a place on the waiting list.
Where the workshop's institution has student records, the number must be one of them and the
link goes to the e-mail address on the record (never the typed one); a sign-up confirmed from
that address is ``identity_verified`` (the only kind treated as the student's in exports).
The form's answer is the same whatever was typed: nothing tells whether a number or an
address is known or registered. :func:`register` is the direct path of trusted code (demo
content, benchmarks, tests): it never verifies identity.

Sign-ups lock the workshop's page row (``select_for_update``) so that the count of confirmed
seats and the insert happen as one step: never over capacity, even under concurrent sign-ups.
On PostgreSQL the row lock serialises them; on SQLite the settings start every transaction with
``BEGIN IMMEDIATE`` (the database write lock), which serialises them too.
Unique constraints back the duplicate checks up: a duplicate that slips past the check (two
requests of the same student at once) ends as the same polite refusal.
"""

from dataclasses import dataclass
from functools import partial

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.history import attributed
from tutoria_cms.core.student_numbers import normalise_student_number

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


class TooManyAttempts(RegistrationError):
    default_message = _(
        "Too many sign-up attempts in a short time. Wait a while and send the form again: "
        "what you typed is kept."
    )
    default_code = "rate_limited"


class LinkExpired(RegistrationError):
    default_message = _(
        "This confirmation link has expired, so no place was kept for you. Sign up again on "
        "this page to receive a new link."
    )
    default_code = "link_expired"


class LinkInvalid(RegistrationError):
    default_message = _(
        "This confirmation link is not valid: it was changed, it belongs to another workshop "
        "or it has already been used. If you have not confirmed your place yet, sign up again "
        "on this page to receive a new link."
    )
    default_code = "link_invalid"


class AttendanceError(ValidationError):
    pass


class IdentityError(ValidationError):
    """A verification of identity refused; the message is translated."""


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
        Q(student_number=normalise_student_number(student_number)) | Q(email__iexact=email),
        workshop_id=workshop_id,
        status__in=WorkshopRegistration.ACTIVE_STATUSES,
    )


def _seat_status(workshop):
    """Confirmed or waitlisted for one more sign-up (the workshop row is locked); or raise."""
    confirmed = WorkshopRegistration.objects.filter(
        workshop_id=workshop.pk, status=Status.CONFIRMED
    ).count()
    if confirmed < workshop.capacity:
        return Status.CONFIRMED
    if workshop.waiting_list_enabled:
        return Status.WAITLISTED
    raise WorkshopFull()


def register(workshop, *, student_number, full_name, email, consent, language=""):
    """Sign a student up: confirmed while seats are left, else waitlisted (or refused).

    Returns a :class:`RegistrationResult`; raises a :class:`RegistrationError` subclass.
    The confirmation e-mail is enqueued once the transaction has committed.
    """
    if not consent:
        raise ConsentRequired()
    email = email.strip().lower()
    student_number = normalise_student_number(student_number)
    try:
        with transaction.atomic():
            workshop = _lock_workshop(workshop)
            if not workshop.registration_is_open():
                raise RegistrationClosed(workshop.registration_closed_reason())
            if _active_duplicates(workshop.pk, student_number, email).exists():
                raise AlreadyRegistered()
            status = _seat_status(workshop)
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


# Public sign-ups -------------------------------------------------------------------------

TOKEN_SALT = "tutoria_cms.workshops.signup"  # noqa: S105 (a signing salt, not a secret)


def _fingerprint(registration):
    """Changes when the registration changes (status, address, number): a used or stale
    link no longer matches."""
    state = "|".join(
        (
            str(registration.pk),
            str(registration.workshop_id),
            registration.status,
            registration.email,
            registration.student_number,
            registration.created_at.isoformat(),
        )
    )
    return salted_hmac(TOKEN_SALT, state, algorithm="sha256").hexdigest()[:32]


def signup_token(registration):
    """The signed, timestamped token of a pending registration's confirmation link."""
    value = f"{registration.pk}.{_fingerprint(registration)}"
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(value)


def confirmation_max_age():
    return timezone.timedelta(hours=tutoria_settings.SIGNUP_CONFIRMATION_HOURS)


def _registration_for_token(token, workshop, *, lock=False):
    """The pending registration a token confirms; raises LinkExpired or LinkInvalid."""
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(
            str(token), max_age=confirmation_max_age()
        )
    except signing.SignatureExpired as error:
        raise LinkExpired() from error
    except signing.BadSignature as error:
        raise LinkInvalid() from error
    pk, _sep, fingerprint = value.partition(".")
    registration = (
        WorkshopRegistration.objects.filter(pk=int(pk), workshop_id=workshop.pk).first()
        if pk.isdigit()
        else None
    )
    if registration is None or registration.status != Status.PENDING:
        raise LinkInvalid()
    if not constant_time_compare(fingerprint, _fingerprint(registration)):
        raise LinkInvalid()
    if registration.created_at < timezone.now() - confirmation_max_age():
        raise LinkExpired()
    return registration


def check_signup_token(token, *, workshop):
    """Whether a confirmation link is still good (changes nothing); raises otherwise."""
    return _registration_for_token(token, workshop)


def find_student_record(workshop, student_number):
    """(institution has records, the record of ``student_number`` or None) for the
    workshop's institution (its Site)."""
    from tutoria_cms.academics.models import StudentRecord

    site = workshop.get_site()
    if site is None:
        return False, None
    records = StudentRecord.objects.filter(site_id=site.pk)
    number = normalise_student_number(student_number)
    for record in records.filter(student_number__iexact=number):
        if normalise_student_number(record.student_number) == number:
            return True, record
    return records.exists(), None


def _enqueue_link_email(registration):
    from .tasks import send_signup_confirmation_email

    transaction.on_commit(partial(send_signup_confirmation_email.enqueue, registration.pk))


def request_signup(workshop, *, student_number, full_name, email, consent, language=""):
    """The public form: store a pending sign-up and e-mail its confirmation link.

    Returns the pending registration, or None when nothing is done; the caller answers the
    same either way. Nothing is done (and nothing sent) for a number unknown to the
    institution's records, for a record without an e-mail address, or for a number or
    address already registered; the same sign-up still pending gets its link again. The
    link goes to the record's address where there is a record, else to the typed one.
    Raises only ConsentRequired and RegistrationClosed, which do not depend on who signs up.
    """
    if not consent:
        raise ConsentRequired()
    student_number = normalise_student_number(student_number)
    email = email.strip().lower()
    workshop = workshop.specific
    if not workshop.registration_is_open():
        raise RegistrationClosed(workshop.registration_closed_reason())
    has_records, record = find_student_record(workshop, student_number)
    if has_records:
        if record is None or not record.email:
            return None
        email = record.email.strip().lower()
        full_name = record.full_name
    if _active_duplicates(workshop.pk, student_number, email).exists():
        return None
    now = timezone.now()
    waiting = (
        WorkshopRegistration.objects.filter(
            workshop_id=workshop.pk,
            student_number=student_number,
            email=email,
            status=Status.PENDING,
            created_at__gte=now - confirmation_max_age(),
        )
        .order_by("-created_at")
        .first()
    )
    if waiting is not None:
        # The same sign-up again (a replay, a lost e-mail): one registration, its link again.
        with transaction.atomic():
            WorkshopRegistration.objects.filter(pk=waiting.pk).update(confirmation_sent_at=None)
            _enqueue_link_email(waiting)
        return waiting
    with transaction.atomic():
        registration = WorkshopRegistration.objects.create(
            workshop_id=workshop.pk,
            student_number=student_number,
            full_name=full_name,
            email=email,
            consent=True,
            consent_at=now,
            status=Status.PENDING,
            language=language or "",
            created_at=now,
        )
        _enqueue_link_email(registration)
    return registration


def confirm_signup(token, *, workshop):
    """The link's button: take the seat (or a place on the waiting list) for a pending
    sign-up, under the workshop's row lock like :func:`register`.

    Raises LinkExpired, LinkInvalid, RegistrationClosed, AlreadyRegistered or WorkshopFull
    (only the holder of the link, the owner of the address, sees them).
    """
    _registration_for_token(token, workshop)
    try:
        with transaction.atomic():
            locked = _lock_workshop(workshop)
            # Checked again under the lock: two clicks at once confirm once.
            registration = _registration_for_token(token, locked)
            if not locked.registration_is_open():
                raise RegistrationClosed(locked.registration_closed_reason())
            if _active_duplicates(
                locked.pk, registration.student_number, registration.email
            ).exists():
                raise AlreadyRegistered()
            registration.status = _seat_status(locked)
            _has_records, record = find_student_record(locked, registration.student_number)
            if record is not None and (record.email or "").strip().lower() == registration.email:
                registration.identity_verified_at = timezone.now()
                registration.full_name = record.full_name
            registration.confirmation_sent_at = None  # the e-mail of the new status
            registration.save(
                update_fields=[
                    "status",
                    "identity_verified_at",
                    "full_name",
                    "confirmation_sent_at",
                ]
            )
            _enqueue_email(registration)
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    return RegistrationResult(registration)


def purge_pending_signups(*, now=None, dry_run=False):
    """Delete sign-ups never confirmed whose link has expired (and their history rows);
    return how many (would be) deleted."""
    cutoff = (now or timezone.now()) - confirmation_max_age()
    expired = WorkshopRegistration.objects.filter(status=Status.PENDING, created_at__lt=cutoff)
    ids = list(expired.values_list("pk", flat=True))
    if not dry_run and ids:
        with transaction.atomic():
            WorkshopRegistration.objects.filter(pk__in=ids, status=Status.PENDING).delete()
            # After the rows: deleting them writes a history row ("-") of its own.
            WorkshopRegistration.history.filter(id__in=ids).delete()
    return len(ids)


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
        attributed(registration, user).save(update_fields=["status"])

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
        attributed(promoted, user).save(update_fields=["status", "confirmation_sent_at"])
        _enqueue_email(promoted)
        return promoted


def verify_identity(registration, user):
    """Link ``registration`` to the student after ``user`` (staff) checked the student's
    identity in person: for sign-ups made before they were confirmed by e-mail, or by a
    student without an e-mail address on their record.

    Only an active (confirmed or waiting-list) registration not yet verified; where the
    institution has student records, only a number found in them (the name then comes from
    the record). Raises IdentityError otherwise.
    """
    with transaction.atomic():
        registration = (
            WorkshopRegistration.objects.select_for_update()
            .select_related("workshop")
            .get(pk=registration.pk)
        )
        if not registration.is_active:
            raise IdentityError(
                _("Only confirmed and waiting-list registrations can be verified."),
                code="inactive",
            )
        if registration.identity_verified:
            raise IdentityError(
                _("The identity of this registration has already been verified."),
                code="already_verified",
            )
        has_records, record = find_student_record(
            registration.workshop, registration.student_number
        )
        if has_records and record is None:
            raise IdentityError(
                _(
                    "No student record of this institution has the number %(number)s: check "
                    "the number with the student, who can sign up again with the right one."
                ),
                code="unknown_number",
                params={"number": registration.student_number},
            )
        registration.identity_verified_at = timezone.now()
        registration.identity_verified_by = user
        update_fields = ["identity_verified_at", "identity_verified_by"]
        if record is not None:
            registration.full_name = record.full_name
            update_fields.append("full_name")
        attributed(registration, user).save(update_fields=update_fields)
    return registration


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
            attributed(attendance, user).save()
            changed += 1
    return changed
