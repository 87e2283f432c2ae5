"""Demo academic records: terms, components and students for both demo institutions."""

import datetime

from django.utils import timezone

from .models import ComponentRecord, CurricularComponent, StudentRecord, Term


def load_demo_academics(prefix, names, programme_of_study):
    """Idempotent: terms around today, four components, eight students numbered ``prefix``."""
    today = timezone.localdate()
    year = today.year
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
    # A failure by absence for one student (so one request is denied by art. 244, VII).
    ComponentRecord.objects.get_or_create(
        student=students[3],
        component=components["MAT101"],
        defaults={"failures_by_absence": 1},
    )
    return regular, components, students
