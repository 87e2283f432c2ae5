"""The student area's "My data" section: what the institution holds about the student.

The same sheets as a subject-access workbook (``register_tutoria_subject_data``, each app's
``subject.py``), asked about the student's own record only: the hook functions declared with
``core.evidence.answers_for_record`` are called with ``record`` (the signed-in student's
``StudentRecord``; the same number in another institution is another student and is not
asked about), the student's own account as ``user`` and ``confidential=False`` (the texts
staff wrote about them stay withheld; what the student confided is theirs: see
docs/privacy.md). Shown as a page (one table per sheet) and as an .xlsx download written the
way the accreditation app writes its workbooks (``core.xlsx.XlsxWriter``), without its
staff-only export log.
"""

import datetime
import io
import logging
from decimal import Decimal

from django.http import HttpResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from tutoria_cms.core.evidence import SUBJECT_DATA_HOOK
from tutoria_cms.core.models import InstitutionSettings
from tutoria_cms.core.xlsx import XlsxWriter

logger = logging.getLogger(__name__)

SLUG = "data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def own_sheets(record, user):
    """The subject-access sheets about ``record`` (only), in order, rows as lists."""
    sheets = []
    for hook in hooks.get_hooks(SUBJECT_DATA_HOOK):
        if not getattr(hook, "answers_for_record", False):
            logger.warning(
                "Subject-data hook %s.%s does not declare answers_for_record: left out of "
                "the student's own data.",
                hook.__module__,
                hook.__qualname__,
            )
            continue
        for sheet in hook(record.student_number, user, confidential=False, record=record) or ():
            sheet.rows = [tuple(row) for row in sheet.rows]
            sheets.append(sheet)
    return sorted(sheets, key=lambda sheet: sheet.order)


def display(value):
    """A cell as the page shows it (the workbook keeps the values' types)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float):
        return formats.number_format(value)
    return str(value)


def my_data(page, request):
    sheets = own_sheets(request.student, request.user)
    tables = [
        {
            "title": str(sheet.title),
            "columns": [str(column) for column in sheet.columns],
            "rows": [[display(value) for value in row] for row in sheet.rows],
        }
        for sheet in sheets
    ]
    institution = InstitutionSettings.for_site(request.student.site)
    return page.render_section(
        request,
        SLUG,
        "tutoria_cms/students/my_data.html",
        {
            "tables": tables,
            "download_url": page.section_url(request, "data_download"),
            "contact": institution.contact,
            "data_controller": institution.data_controller,
        },
    )


def workbook(record, user):
    """The student's own data as .xlsx bytes: one sheet per subject-access sheet."""
    target = io.BytesIO()
    with XlsxWriter(target) as writer:
        sheets = own_sheets(record, user)
        for sheet in sheets:
            writer.sheet(str(sheet.title), [str(c) for c in sheet.columns]).write_rows(sheet.rows)
        if not sheets:
            writer.sheet(gettext("No data"), ["-"])
    return target.getvalue()


def download(page, request):
    response = HttpResponse(workbook(request.student, request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="my-data.xlsx"'
    return response


urlpatterns = [
    path("", my_data, name=SLUG),
    # Wagtail serves paths of words and slashes only: no ".xlsx" in the URL.
    path("download/", download, name="data_download"),
]

LABEL = _("My data")
DESCRIPTION = _("What your institution holds about you, and how to ask for a correction.")
