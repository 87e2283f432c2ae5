"""What the group workshops hold about one student (subject access)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SubjectSheet
from tutoria_cms.core.student_numbers import normalise_student_number

from .models import Attendance, Certificate, WorkshopRegistration

IDENTIFIED_PERMISSION = "tutoria_accreditation.export_identified"


def _withheld():
    """What a sign-up not linked to the student typed (name, e-mail) is not shown: anyone can
    type a student's number on the public form, and what they typed is theirs, not the
    student's."""
    return gettext("Withheld: identity not verified")


def subject_data(student_number, user=None, record=None):
    """The registrations (and their attendance) of the workshops of the exporter's
    institutions; ``user`` None: every institution (the trusted command line).

    Registrations whose identity was not verified (:attr:`WorkshopRegistration.
    identity_verified_at`) are listed, since they carry the student's number, but without
    the name and e-mail address typed with it.

    ``record``: the registrations with that record's number of the workshops of that record's
    institution only (the student's own area), whatever ``user``.
    """
    if record is not None:
        student_number = record.student_number
    student_number = normalise_student_number(student_number)
    registrations = WorkshopRegistration.objects.filter(student_number=student_number)
    if record is not None:
        root = record.site.root_page
        registrations = registrations.filter(workshop__path__startswith=root.path)
    elif user is not None:
        registrations = institutions.scope_pages(
            registrations, user, IDENTIFIED_PERMISSION, path_field="workshop__path"
        )
    # The certificates of the tutoring received in a term (the student record's own).
    term_certificates = Certificate.objects.filter(
        kind=Certificate.Kind.TUTORING_RECEIVED, record__student_number__iexact=student_number
    )
    if record is not None:
        term_certificates = Certificate.objects.filter(
            kind=Certificate.Kind.TUTORING_RECEIVED, record=record
        )
    elif user is not None:
        term_certificates = institutions.scope(term_certificates, user, IDENTIFIED_PERMISSION)
    certificate_sheet = SubjectSheet(
        _("Certificates"),
        (
            _("Kind"),
            _("Workshop"),
            _("Term"),
            _("Name"),
            _("Hours"),
            _("Sessions"),
            _("Issued at"),
            _("Revoked at"),
            _("Verification code"),
        ),
        [
            (
                c.get_kind_display(),
                c.workshop_title,
                c.term_name,
                c.holder_name,
                c.hours,
                c.sessions,
                c.issued_at,
                c.revoked_at,
                c.code,
            )
            for c in (
                Certificate.objects.filter(registration__in=registrations) | term_certificates
            ).order_by("issued_at", "pk")
        ],
        order=32,
    )
    if not registrations.exists():
        return [certificate_sheet] if certificate_sheet.rows else []
    return [
        SubjectSheet(
            _("Workshop registrations"),
            (
                _("Workshop"),
                _("Name"),
                _("E-mail"),
                _("Status"),
                _("Signed up at"),
                _("Consent given at"),
            ),
            [
                (
                    r.workshop.title,
                    r.full_name if r.identity_verified else _withheld(),
                    r.email if r.identity_verified else _withheld(),
                    r.get_status_display(),
                    r.created_at,  # the workbook writer shows aware datetimes in local time
                    r.consent_at,
                )
                for r in registrations.select_related("workshop").order_by("created_at")
            ],
            order=30,
        ),
        SubjectSheet(
            _("Workshop attendance"),
            (_("Workshop"), _("Session date"), _("Present")),
            Attendance.objects.filter(registration__in=registrations)
            .order_by("session__date")
            .values_list("session__page__title", "session__date", "present"),
            order=31,
        ),
        certificate_sheet,
    ]
