"""Small public functions other apps may call (they never import this app's internals)."""

from django.db.models import Count

from tutoria_cms.core.student_numbers import normalise_student_number

from .certificates import CertificatesUnavailable  # noqa: F401 (raised by certificate_pdf)
from .models import Attendance


def sessions_attended(student_numbers, start=None, end=None):
    """{student number: workshop sessions attended} between ``start`` and ``end`` (dates).

    Numbers are looked up normalised; only registrations whose identity was verified (confirmed
    from the e-mail on the student's record) count as the student's.
    """
    wanted = {normalise_student_number(number): number for number in student_numbers}
    attendance = Attendance.objects.filter(
        present=True,
        registration__student_number__in=list(wanted),
        registration__identity_verified_at__isnull=False,
    )
    if start is not None:
        attendance = attendance.filter(session__date__gte=start)
    if end is not None:
        attendance = attendance.filter(session__date__lte=end)
    rows = attendance.values("registration__student_number").annotate(count=Count("pk"))
    return {
        wanted.get(row["registration__student_number"], row["registration__student_number"]): row[
            "count"
        ]
        for row in rows
    }


# Term certificates (the student area's "My tutoring", requests app) ---------------------------


def terms_with_tutoring(record, terms):
    """The ``terms`` in which the student ``record`` has tutoring hours to certify."""
    from . import certificates

    return [term for term in terms if certificates.term_lines(certificates.RECEIVED, record, term)]


def issue_student_term_certificate(record, term, user):
    """The valid certificate of the tutoring ``record`` received in ``term``: created once,
    returned while its facts hold (``certificates.issue_term_certificate``; no e-mail: the
    student is downloading it). Raises ``django.core.exceptions.ValidationError`` when there
    is nothing to certify."""
    from . import certificates

    certificate, _created = certificates.issue_term_certificate(
        certificates.RECEIVED, record, term, user, notify=False
    )
    return certificate


def certificate_pdf(certificate):
    """(PDF bytes, file name) of ``certificate``; raises ``CertificatesUnavailable``."""
    from . import certificates

    return certificates.render_pdf(certificate), certificates.pdf_filename(certificate)
