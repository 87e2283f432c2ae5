"""Wiring of student accounts into the suite: their rows in the subject-access workbook, and
the student area's "E-mail notices" section."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from tutoria_cms.core.evidence import covers


@hooks.register("register_tutoria_subject_data")
@covers("tutoria_students.StudentAccount")
def subject_access_data(student_number, user, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user)


@hooks.register("register_tutoria_student_area_section")
def email_notices_section():
    from .area import Section
    from .preferences import SLUG, summary, urlpatterns

    return Section(
        slug=SLUG,
        label=_("E-mail notices"),
        urls=urlpatterns,
        order=95,
        summary=summary,
        description=_("Which news the institution sends you by e-mail."),
    )
