"""Demo academic records: terms, components, a cohort of students per institution and the
outcomes of the previous regular term (failure, lag, dropout) for the indicators."""

import datetime
import itertools

from django.utils import timezone

from tutoria_cms.academics.models import (
    ComponentRecord,
    CurricularComponent,
    StudentRecord,
    Term,
    TermStanding,
)

# How many students each demo institution has (enough that no indicator of a group of students
# falls under the small-cell threshold).
COHORT = 64
# Completed hours of the first students (those with individual-class requests, art. 243).
COMPLETED_HOURS = (2950, 2800, 2700, 2100, 2900, 2850, 2750, 2990)


def student_names(content):
    """The institution's named students, then first names x surnames up to ``COHORT``."""
    names = list(content.STUDENTS)
    more = (
        f"{first} {surname}"
        for surname, first in itertools.product(content.MORE_SURNAMES, content.MORE_FIRST_NAMES)
    )
    # A stride through the product, so that names vary in both parts.
    more = list(more)[::3]
    return (names + more)[:COHORT]


def load_terms(site, today=None):
    """The institution's previous regular term (ended), current one and coming special term."""
    today = today or timezone.localdate()
    year = today.year
    previous, _created = Term.objects.get_or_create(
        code=f"{year - 1}-R",
        site=site,
        defaults={
            "name": f"{year - 1} (regular)",
            "starts_on": today - datetime.timedelta(days=250),
            "ends_on": today - datetime.timedelta(days=70),
        },
    )
    regular, _created = Term.objects.get_or_create(
        code=f"{year}-R",
        site=site,
        defaults={
            "name": f"{year} (regular)",
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=90),
        },
    )
    Term.objects.get_or_create(
        code=f"{year}-V",
        site=site,
        defaults={
            "name": f"{year} (special)",
            "kind": "special",
            "starts_on": today + datetime.timedelta(days=100),
            "ends_on": today + datetime.timedelta(days=130),
        },
    )
    return previous, regular


def load_demo_academics(site, prefix, names, programme_of_study, today=None):
    """Idempotent: the institution ``site``'s terms around today, four components, the
    students numbered ``prefix``.

    Returns (previous term, current term, components by code, students)."""
    previous, regular = load_terms(site, today)
    components = {}
    for code, name, hours, mandatory, activity in (
        (f"{prefix}MAT101", "Cálculo I", 60, True, False),
        (f"{prefix}EST101", "Estadística", 60, True, False),
        (f"{prefix}OPT200", "Tópicos optativos", 45, False, False),
        (f"{prefix}PRA900", "Prácticas profesionales / Estágio", 200, True, True),
    ):
        components[code[len(prefix) :]], _created = CurricularComponent.objects.get_or_create(
            code=code,
            site=site,
            defaults={
                "name": name,
                "hours": hours,
                "mandatory": mandatory,
                "is_activity": activity,
            },
        )
    students = []
    for index, name in enumerate(names):
        number = f"{prefix}{2019000 + index}"
        completed = (
            COMPLETED_HOURS[index] if index < len(COMPLETED_HOURS) else 600 + (index * 97) % 2200
        )
        student, _created = StudentRecord.objects.get_or_create(
            student_number=number,
            site=site,
            defaults={
                "full_name": name,
                "email": f"{number.lower()}@demo.example.edu",
                "programme_of_study": programme_of_study,
                "curriculum_hours": 3000,
                "completed_hours": completed,
                "special_educational_need": index == 5,
            },
        )
        students.append(student)
    # A failure by absence for one student (so one request is denied by art. 244, VII).
    ComponentRecord.objects.get_or_create(
        student=students[3],
        component=components["MAT101"],
        defaults={"failures_by_absence": 1},
    )
    return previous, regular, components, students


def outcome(position):
    """(components failed, lagging, dropped out) of the ``position``-th student of a group:
    about a third fail, a third lag and a quarter drop out, so that every share is shown."""
    failed = (1 + position % 2) if position % 3 == 0 else 0
    return failed, position % 3 == 1, position % 4 == 3


def load_demo_outcomes(term, tutored, others):
    """The previous term's outcomes of the tutored students and of the others (by position
    in each group, so both groups show failure, lag and dropout). Idempotent."""
    for group in (tutored, others):
        for position, student in enumerate(group):
            failed, lagging, dropped_out = outcome(position)
            TermStanding.objects.get_or_create(
                student=student,
                term=term,
                defaults={
                    "failed_components": failed,
                    "lagging": lagging,
                    "dropped_out": dropped_out,
                },
            )
