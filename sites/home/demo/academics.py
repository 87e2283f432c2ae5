"""Demo academic records: terms, components and students for both demo institutions."""

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

# Outcomes of the previous regular term per demo student (by index): components failed,
# lagging, dropped out.
PREVIOUS_TERM_OUTCOMES = (
    (0, False, False),
    (1, False, False),
    (0, False, False),
    (2, True, False),
    (0, False, False),
    (1, True, False),
    (0, False, False),
    (3, True, True),
)


def load_demo_academics(prefix, names, programme_of_study):
    """Idempotent: terms around today (the previous regular term with the students'
    outcomes), four components, eight students numbered ``prefix``."""
    today = timezone.localdate()
    year = today.year
    previous, _created = Term.objects.get_or_create(
        code=f"{year - 1}-R",
        defaults={
            "name": f"{year - 1} (regular)",
            "starts_on": today - datetime.timedelta(days=250),
            "ends_on": today - datetime.timedelta(days=70),
        },
    )
    regular, _created = Term.objects.get_or_create(
        code=f"{year}-R",
        defaults={
            "name": f"{year} (regular)",
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=90),
        },
    )
    Term.objects.get_or_create(
        code=f"{year}-V",
        defaults={
            "name": f"{year} (special)",
            "kind": "special",
            "starts_on": today + datetime.timedelta(days=100),
            "ends_on": today + datetime.timedelta(days=130),
        },
    )
    components = {}
    for code, name, hours, mandatory, activity in (
        (f"{prefix}MAT101", "Cálculo I", 60, True, False),
        (f"{prefix}EST101", "Estadística", 60, True, False),
        (f"{prefix}OPT200", "Tópicos optativos", 45, False, False),
        (f"{prefix}PRA900", "Prácticas profesionales / Estágio", 200, True, True),
    ):
        components[code[len(prefix) :]], _created = CurricularComponent.objects.get_or_create(
            code=code,
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
        completed = (2950, 2800, 2700, 2100, 2900, 2850, 2750, 2990)[index % 8]
        student, _created = StudentRecord.objects.get_or_create(
            student_number=number,
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
    for student, (failed, lagging, dropped_out) in zip(
        students, itertools.cycle(PREVIOUS_TERM_OUTCOMES), strict=False
    ):
        TermStanding.objects.get_or_create(
            student=student,
            term=previous,
            defaults={
                "failed_components": failed,
                "lagging": lagging,
                "dropped_out": dropped_out,
            },
        )
    # A failure by absence for one student (so one request is denied by art. 244, VII).
    ComponentRecord.objects.get_or_create(
        student=students[3],
        component=components["MAT101"],
        defaults={"failures_by_absence": 1},
    )
    return regular, components, students
