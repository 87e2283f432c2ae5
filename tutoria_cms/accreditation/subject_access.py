"""Subject access: everything the installed apps hold about one student, as a workbook.

Each app contributes sheets through the ``register_tutoria_subject_data`` hook (see
``tutoria_cms.core.evidence.SubjectSheet``); this module imports none of them. The data are
identified by nature, so only holders of the identified-export permission may build it, and
every build is logged as an export job whose filters name the student by pseudonym.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail import hooks

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import SUBJECT_DATA_HOOK
from tutoria_cms.core.pseudonyms import Pseudonymiser
from tutoria_cms.core.text import clean_text
from tutoria_cms.core.xlsx import XlsxWriter

from .context import IDENTIFIED_PERMISSION, can_export_identified
from .models import ExportJob


def subject_sheets(student_number, user):
    sheets = []
    for hook in hooks.get_hooks(SUBJECT_DATA_HOOK):
        sheets.extend(hook(student_number, user) or ())
    return sorted(sheets, key=lambda sheet: sheet.order)


def build_subject_workbook(
    student_number, target, user, origin=ExportJob.Origin.ADMIN, language=""
):
    """Write the workbook to ``target``; returns the ExportJob that logs it."""
    if not can_export_identified(user):
        raise PermissionDenied
    student_number = clean_text(student_number, max_length=20)
    job = ExportJob.objects.create(
        site=institutions.institution_for_new(user, IDENTIFIED_PERMISSION)
        or institutions.sites_for(user, IDENTIFIED_PERMISSION).first(),
        requested_by=user,
        requested_by_name=user.get_username(),
        origin=origin,
        filters={"subject_access": Pseudonymiser()(student_number)},
        identified=True,
        language=language,
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now(),
    )
    with XlsxWriter(target) as writer:
        sheets = subject_sheets(student_number, user)
        for sheet in sheets:
            writer.sheet(str(sheet.title), [str(c) for c in sheet.columns]).write_rows(sheet.rows)
        if not sheets:
            writer.sheet("-", ["-"])
    job.row_counts = dict(writer.row_counts)
    job.rows_done = sum(writer.row_counts.values())
    job.status = ExportJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
    return job, bool(sheets)
