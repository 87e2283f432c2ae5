"""Wiring of student accounts into the suite: their rows in the subject-access workbook, and
the student area's "My calendar", "My data" and "E-mail notices" sections."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from tutoria_cms.core.evidence import answers_for_record, covers


@hooks.register("register_tutoria_subject_data")
@answers_for_record
@covers("tutoria_students.StudentAccount")
def subject_access_data(student_number, user, record=None, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user, record=record)


@hooks.register("register_tutoria_student_area_section")
def my_calendar_section():
    from . import my_calendar
    from .area import Section

    return Section(
        slug=my_calendar.SLUG,
        label=my_calendar.LABEL,
        urls=my_calendar.urlpatterns,
        order=80,
        summary=my_calendar.summary,
        description=my_calendar.DESCRIPTION,
    )


@hooks.register("register_tutoria_student_area_section")
def my_data_section():
    from . import my_data
    from .area import Section

    return Section(
        slug=my_data.SLUG,
        label=my_data.LABEL,
        urls=my_data.urlpatterns,
        order=90,
        summary=None,
        description=my_data.DESCRIPTION,
    )


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
