"""Every write to academic records: the all-or-nothing import."""

import dataclasses
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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


def import_academics(name, data, *, user=None, dry_run=False):
    """Import a CSV/XLSX export; all or nothing. Raises ImportRefused with every error."""
    parsed = parse(read_file(name, data))
    errors = list(parsed.errors) + check_references(parsed)
    if errors:
        raise ImportRefused(errors)
    result = ImportResult(Counter(), Counter(), Counter(), dry_run)
    try:
        with transaction.atomic():
            apply(parsed, result, user)
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


def check_references(parsed):
    """Equivalences, failures and term outcomes must name components, students and terms
    that exist (in the file or already in the records)."""
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
            Term.objects.filter(code__in=wanted_terms - term_codes).values_list("code", flat=True)
        )
    component_codes |= set(
        CurricularComponent.objects.filter(
            code__in=wanted_components - component_codes
        ).values_list("code", flat=True)
    )
    student_numbers |= set(
        StudentRecord.objects.filter(
            student_number__in=wanted_students - student_numbers
        ).values_list("student_number", flat=True)
    )
    errors = []
    for number, record in parsed.records["components"]:
        for code in record["equivalents"]:
            if code not in component_codes:
                errors.append(
                    RowError(
                        _("curricular components"),
                        number,
                        _("Unknown equivalent component “%(code)s”.") % {"code": code},
                    )
                )
            elif code == record["code"]:
                errors.append(
                    RowError(
                        _("curricular components"),
                        number,
                        _("A component cannot be equivalent to itself."),
                    )
                )
    for number, record in parsed.records["failures"]:
        if record["student_number"] not in student_numbers:
            errors.append(
                RowError(
                    _("failures per component"),
                    number,
                    _("Unknown student number “%(number)s”.")
                    % {"number": record["student_number"]},
                )
            )
        if record["component"] not in component_codes:
            errors.append(
                RowError(
                    _("failures per component"),
                    number,
                    _("Unknown component “%(code)s”.") % {"code": record["component"]},
                )
            )
    for number, record in parsed.records["standings"]:
        if record["student_number"] not in student_numbers:
            errors.append(
                RowError(
                    _("term outcomes"),
                    number,
                    _("Unknown student number “%(number)s”.")
                    % {"number": record["student_number"]},
                )
            )
        if record["term"] not in term_codes:
            errors.append(
                RowError(
                    _("term outcomes"),
                    number,
                    _("Unknown term “%(code)s”.") % {"code": record["term"]},
                )
            )
    return errors


def upsert(model, lookup, values, kind, result, user=None, row=None):
    """Create or update one record; a record the model refuses refuses the whole file."""
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
        instance.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ImportRefused(
            RowError(KIND_LABELS[kind], row, str(message)) for message in exc.messages
        ) from None
    if user is not None:
        instance._history_user = user
    instance.save()
    (result.created if created else result.updated)[kind] += 1
    return instance


def apply(parsed, result, user):
    terms = {}
    for number, record in parsed.records["terms"]:
        record = dict(record)
        code = record.pop("code")
        terms[code] = upsert(Term, {"code": code}, record, "terms", result, row=number)
    components = {}
    for number, record in parsed.records["components"]:
        record = dict(record)
        record.pop("equivalents")
        code = record.pop("code")
        components[code] = upsert(
            CurricularComponent, {"code": code}, record, "components", result, row=number
        )
    for _n, record in parsed.records["components"]:
        if record["equivalents"]:
            component = components[record["code"]]
            component.equivalents.add(
                *CurricularComponent.objects.filter(code__in=record["equivalents"])
            )
    students = {}
    for row, record in parsed.records["students"]:
        record = dict(record)
        number = record.pop("student_number")
        students[number] = upsert(
            StudentRecord, {"student_number": number}, record, "students", result, user, row
        )
    for row, record in parsed.records["failures"]:
        student = students.get(record["student_number"]) or StudentRecord.objects.get(
            student_number=record["student_number"]
        )
        component = components.get(record["component"]) or CurricularComponent.objects.get(
            code=record["component"]
        )
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
        )
    standings = parsed.records["standings"]
    if standings:
        numbers = {record["student_number"] for _n, record in standings} - set(students)
        students.update(StudentRecord.objects.in_bulk(numbers, field_name="student_number"))
        codes = {record["term"] for _n, record in standings} - set(terms)
        terms.update(Term.objects.in_bulk(codes, field_name="code"))
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
        )
