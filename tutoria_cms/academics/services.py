"""Every write to academic records: the all-or-nothing import."""

import dataclasses
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.history import attributed
from tutoria_cms.core.institutions import only_site_id
from tutoria_cms.core.storage import files_older_than, private_storage

from .importer import APPLY_ORDER, KIND_LABELS, ImportRefused, RowError, parse, read_file
from .models import ComponentRecord, CurricularComponent, StudentRecord, Term, TermStanding


@dataclasses.dataclass
class ImportResult:
    created: Counter
    updated: Counter
    unchanged: Counter
    dry_run: bool

    def summary(self):
        return {
            kind: {
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
            }
            for kind in APPLY_ORDER
            if self.created[kind] or self.updated[kind] or self.unchanged[kind]
        }


# Folder of the private storage where an upload waits for its preview to be confirmed.
UPLOAD_DIR = "tutoria-imports"


def purge_import_previews(*, now=None, hours=None, dry_run=False):
    """Delete uploads whose preview was not confirmed within ``IMPORT_PREVIEW_HOURS``;
    return how many (would be) deleted."""
    hours = tutoria_settings.IMPORT_PREVIEW_HOURS if hours is None else hours
    cutoff = (now or timezone.now()) - timezone.timedelta(hours=hours)
    storage = private_storage()
    names = files_older_than(UPLOAD_DIR, cutoff, storage)
    if not dry_run:
        for name in names:
            storage.delete(name)
    return len(names)


def import_academics(name, data, *, site=None, user=None, dry_run=False):
    """Import a CSV/XLSX export into the institution ``site``; all or nothing. Raises
    ImportRefused with every error.

    Codes and student numbers are the institution's own: the same student number in another
    institution is another student (never looked up, never changed). ``site`` may be left out
    only in a single-institution install (its only Site).
    """
    site_id = getattr(site, "pk", site) if site is not None else only_site_id()
    if site_id is None:
        raise ValueError("import_academics needs the institution (site) to import into.")
    parsed = parse(read_file(name, data))
    errors = list(parsed.errors) + check_references(parsed, site_id)
    if errors:
        raise ImportRefused(errors)
    result = ImportResult(Counter(), Counter(), Counter(), dry_run)
    try:
        with transaction.atomic():
            apply(parsed, result, user, site_id)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another import created the same records meanwhile (two confirmations at once).
        raise ImportRefused(
            [
                RowError(
                    name,
                    None,
                    _(
                        "Another import changed the same records at the same time: nothing "
                        "was imported from this file. Import it again."
                    ),
                )
            ]
        ) from None
    return result


def check_references(parsed, site_id):
    """Equivalences, failures and term outcomes must name components, students and terms
    that exist (in the file or already in the institution's records)."""
    component_codes = {record["code"] for _n, record in parsed.records["components"]}
    student_numbers = {record["student_number"] for _n, record in parsed.records["students"]}
    term_codes = {record["code"] for _n, record in parsed.records["terms"]}
    wanted_components = {
        code for _n, record in parsed.records["components"] for code in record["equivalents"]
    } | {record["component"] for _n, record in parsed.records["failures"]}
    wanted_students = {
        record["student_number"]
        for kind in ("failures", "standings")
        for _n, record in parsed.records[kind]
    }
    wanted_terms = {record["term"] for _n, record in parsed.records["standings"]}
    if wanted_terms - term_codes:
        term_codes |= set(
            Term.objects.filter(site_id=site_id, code__in=wanted_terms - term_codes).values_list(
                "code", flat=True
            )
        )
    component_codes |= set(
        CurricularComponent.objects.filter(
            site_id=site_id, code__in=wanted_components - component_codes
        ).values_list("code", flat=True)
    )
    student_numbers |= set(
        StudentRecord.objects.filter(
            site_id=site_id, student_number__in=wanted_students - student_numbers
        ).values_list("student_number", flat=True)
    )
    errors = []
    for number, record in parsed.records["components"]:
        for code in record["equivalents"]:
            if code not in component_codes:
                errors.append(
                    RowError(
                        KIND_LABELS["components"],
                        number,
                        _("Unknown equivalent component “%(code)s”.") % {"code": code},
                    )
                )
            elif code == record["code"]:
                errors.append(
                    RowError(
                        KIND_LABELS["components"],
                        number,
                        _("A component cannot be equivalent to itself."),
                    )
                )
    for number, record in parsed.records["failures"]:
        if record["student_number"] not in student_numbers:
            errors.append(
                RowError(
                    KIND_LABELS["failures"],
                    number,
                    _("Unknown student number “%(number)s”.")
                    % {"number": record["student_number"]},
                )
            )
        if record["component"] not in component_codes:
            errors.append(
                RowError(
                    KIND_LABELS["failures"],
                    number,
                    _("Unknown component “%(code)s”.") % {"code": record["component"]},
                )
            )
    for number, record in parsed.records["standings"]:
        if record["student_number"] not in student_numbers:
            errors.append(
                RowError(
                    KIND_LABELS["standings"],
                    number,
                    _("Unknown student number “%(number)s”.")
                    % {"number": record["student_number"]},
                )
            )
        if record["term"] not in term_codes:
            errors.append(
                RowError(
                    KIND_LABELS["standings"],
                    number,
                    _("Unknown term “%(code)s”.") % {"code": record["term"]},
                )
            )
    return errors


_LOOK_UP = object()


def upsert(model, lookup, values, kind, result, user=None, row=None, instance=_LOOK_UP):
    """Create or update one record; a record the model refuses refuses the whole file.

    ``instance``: the existing record when the caller fetched it already (None: there is
    none), so that rows of students and terms do not each query for it.
    """
    if instance is _LOOK_UP:
        instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        created = True
    else:
        changed = {k: v for k, v in values.items() if getattr(instance, k) != v}
        if not changed:
            result.unchanged[kind] += 1
            return instance
        for key, value in changed.items():
            setattr(instance, key, value)
        created = False
    try:
        # The related records of ``lookup`` are in hand (check_references found them), and
        # the constraints on them are the lookup itself: neither needs a query per row.
        related = [name for name, value in lookup.items() if isinstance(value, models.Model)]
        related += ["site"]  # the importer's institution, checked by the caller
        instance.full_clean(exclude=related, validate_unique=False)
    except ValidationError as exc:
        raise ImportRefused(
            RowError(KIND_LABELS[kind], row, str(message)) for message in exc.messages
        ) from None
    attributed(instance, user).save()
    (result.created if created else result.updated)[kind] += 1
    return instance


def _per_student(model, other, students, others):
    """Existing ``model`` rows of these students and ``other`` records, by their two ids."""
    rows = model.objects.filter(
        student__in=list(students.values()), **{f"{other}__in": list(others.values())}
    )
    return {(row.student_id, getattr(row, f"{other}_id")): row for row in rows}


def _by(model, site_id, field, values):
    """The institution's records of ``model`` whose ``field`` (unique per institution) is one
    of ``values``, by that field."""
    rows = model.objects.filter(site_id=site_id, **{f"{field}__in": list(values)})
    return {getattr(row, field): row for row in rows}


def apply(parsed, result, user, site_id):
    terms = {}
    for number, record in parsed.records["terms"]:
        record = dict(record)
        code = record.pop("code")
        terms[code] = upsert(
            Term, {"site_id": site_id, "code": code}, record, "terms", result, row=number
        )
    components = {}
    for number, record in parsed.records["components"]:
        record = dict(record)
        record.pop("equivalents")
        code = record.pop("code")
        components[code] = upsert(
            CurricularComponent,
            {"site_id": site_id, "code": code},
            record,
            "components",
            result,
            row=number,
        )
    for _n, record in parsed.records["components"]:
        if record["equivalents"]:
            component = components[record["code"]]
            before = set(component.equivalents.values_list("pk", flat=True))
            others = list(
                CurricularComponent.objects.filter(site_id=site_id, code__in=record["equivalents"])
            )
            attributed(component, user).equivalents.add(*others)
            # The mirror rows of a symmetrical relation send no signal of their own: each
            # newly equivalent component records its side in its history too.
            for other in others:
                if other.pk not in before and other.pk != component.pk:
                    attributed(other, user).save()
    students = {}
    for row, record in parsed.records["students"]:
        record = dict(record)
        number = record.pop("student_number")
        students[number] = upsert(
            StudentRecord,
            {"site_id": site_id, "student_number": number},
            record,
            "students",
            result,
            user,
            row,
        )
    # Failures and term outcomes name students, components and terms that exist (checked):
    # fetch those and the rows already recorded for them once, not per row.
    failures, standings = parsed.records["failures"], parsed.records["standings"]
    numbers = {record["student_number"] for kind in (failures, standings) for _n, record in kind}
    students.update(_by(StudentRecord, site_id, "student_number", numbers - set(students)))
    codes = {record["component"] for _n, record in failures} - set(components)
    components.update(_by(CurricularComponent, site_id, "code", codes))
    codes = {record["term"] for _n, record in standings} - set(terms)
    terms.update(_by(Term, site_id, "code", codes))
    if failures:
        existing = _per_student(ComponentRecord, "component", students, components)
        for row, record in failures:
            student = students[record["student_number"]]
            component = components[record["component"]]
            upsert(
                ComponentRecord,
                {"student": student, "component": component},
                {
                    "failures_by_absence": record["failures_by_absence"],
                    "failures_by_grade": record["failures_by_grade"],
                },
                "failures",
                result,
                user,
                row,
                instance=existing.get((student.pk, component.pk)),
            )
    if standings:
        existing = _per_student(TermStanding, "term", students, terms)
        for row, record in standings:
            student = students[record["student_number"]]
            term = terms[record["term"]]
            upsert(
                TermStanding,
                {"student": student, "term": term},
                {
                    "failed_components": record["failed_components"],
                    "lagging": record["lagging"],
                    "dropped_out": record["dropped_out"],
                },
                "standings",
                result,
                user,
                row,
                instance=existing.get((student.pk, term.pk)),
            )
