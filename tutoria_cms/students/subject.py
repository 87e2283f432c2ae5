"""What the students app holds about one student (subject access): the account linked to
their record, how and when it was linked."""

from django.utils.translation import gettext_lazy as _

from tutoria_cms.academics.models import StudentRecord
from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SubjectSheet

from .models import StudentAccount

IDENTIFIED_PERMISSION = "tutoria_accreditation.export_identified"


def subject_data(student_number, user=None, record=None):
    """``record``: that student record only (the student's own area), whatever ``user``."""
    if record is not None:
        student = record
    else:
        students = StudentRecord.objects.filter(student_number=student_number)
        if user is not None:
            students = institutions.scope(students, user, IDENTIFIED_PERMISSION)
        student = students.order_by("site_id").first()
    if student is None:
        return []
    accounts = StudentAccount.objects.filter(record=student).select_related("user")
    return [
        SubjectSheet(
            _("Student account"),
            (
                _("E-mail"),
                _("linked by"),
                _("evidence"),
                _("linked at"),
                _("optional e-mail notices"),
            ),
            [
                (
                    account.user.email,
                    account.get_method_display(),
                    account.evidence,
                    account.linked_at,
                    _("yes") if account.email_news else _("no"),
                )
                for account in accounts
            ],
            order=90,
        )
    ]
