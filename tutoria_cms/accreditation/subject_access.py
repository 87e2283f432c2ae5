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


def may_include_confidential(user):
    """Confidential texts go into the workbook for holders of the identified-export permission
    through their membership, never for superusers: they are refused those texts in every
    view, and subject access is no way around it (they get the rest, the texts withheld)."""
    return can_export_identified(user) and not user.is_superuser


def subject_sheets(student_number, user, confidential=False):
    sheets = []
    for hook in hooks.get_hooks(SUBJECT_DATA_HOOK):
        sheets.extend(hook(student_number, user, confidential=confidential) or ())
    return sorted(sheets, key=lambda sheet: sheet.order)


def build_subject_workbook(
    student_number, target, user, purpose, origin=ExportJob.Origin.ADMIN, language=""
):
    """Write the workbook to ``target``; returns the ExportJob that logs it, with the
    ``purpose`` its requester wrote (required: the workbook holds confidential texts)."""
    if not can_export_identified(user):
        raise PermissionDenied
    purpose = clean_text(purpose, max_length=1000)
    if not purpose:
        raise ValueError("A subject-access export needs a written purpose.")
    student_number = clean_text(student_number, max_length=20)
    confidential = may_include_confidential(user)
    job = ExportJob.objects.create(
        site=institutions.institution_for_new(user, IDENTIFIED_PERMISSION)
        or institutions.sites_for(user, IDENTIFIED_PERMISSION).first(),
        requested_by=user,
        requested_by_name=user.get_username(),
        origin=origin,
        filters={"subject_access": Pseudonymiser()(student_number)},
        identified=True,
        purpose=purpose,
        language=language,
        status=ExportJob.Status.RUNNING,
        started_at=timezone.now(),
    )
    with XlsxWriter(target) as writer:
        sheets = subject_sheets(student_number, user, confidential=confidential)
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
