"""Wiring of student accounts into the suite: their rows in the subject-access workbook."""

from wagtail import hooks

from tutoria_cms.core.evidence import covers


@hooks.register("register_tutoria_subject_data")
@covers("tutoria_students.StudentAccount")
def subject_access_data(student_number, user, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user)
