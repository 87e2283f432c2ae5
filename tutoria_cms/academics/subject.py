"""What the academic records hold about one student (subject access)."""

from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SubjectSheet

from .models import ComponentRecord, StudentRecord, TermStanding

IDENTIFIED_PERMISSION = "tutoria_accreditation.export_identified"


def subject_data(student_number, user=None, record=None):
    """The sheets of the student ``student_number`` of the exporter's institution (student
    numbers are per institution: another institution's student of the same number is not
    theirs to export). ``user`` None: the command line's trusted caller, every institution.
    ``record``: that student record only (the student's own area), whatever ``user``."""
    if record is not None:
        student = record
    else:
        students = StudentRecord.objects.filter(student_number=student_number)
        if user is not None:
            students = institutions.scope(students, user, IDENTIFIED_PERMISSION)
        student = students.order_by("site_id").first()
    if student is None:
        return []
    return [
        SubjectSheet(
            _("Academic record"),
            (
                _("Student number"),
                _("Name"),
                _("E-mail"),
                _("Programme of study"),
                _("Curriculum hours"),
                _("Hours completed"),
                _("Regular undergraduate"),
                _("Registered special educational need"),
                _("Date of birth"),
            ),
            [
                (
                    student.student_number,
                    student.full_name,
                    student.email,
                    student.programme_of_study,
                    student.curriculum_hours,
                    student.completed_hours,
                    student.regular_undergraduate,
                    student.special_educational_need,
                    student.date_of_birth,
                )
            ],
            order=10,
        ),
        SubjectSheet(
            _("Failures per component"),
            (_("Component"), _("Failures by absence"), _("Failures by grade")),
            ComponentRecord.objects.filter(student=student)
            .order_by("component__code")
            .values_list("component__code", "failures_by_absence", "failures_by_grade"),
            order=11,
        ),
        SubjectSheet(
            _("Term outcomes"),
            (_("Term"), _("Components failed"), _("Lagging"), _("Dropped out")),
            TermStanding.objects.filter(student=student)
            .order_by("term__starts_on", "term__code")
            .values_list("term__code", "failed_components", "lagging", "dropped_out"),
            order=12,
        ),
    ]
