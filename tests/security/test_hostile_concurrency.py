"""The same action at the same time, from several threads: it happens once, the others are
refused with the service's own message, and nothing else escapes. PostgreSQL only.

``select_for_update`` is a no-op on SQLite and its in-memory test database cannot be shared
between threads: run with DATABASE_URL=postgres://... to exercise the row locks.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from tests import factories
from tests.workshops.test_concurrency import run_in_threads
from tutoria_cms.academics.importer import ImportRefused
from tutoria_cms.academics.models import StudentRecord
from tutoria_cms.core import roles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update is a no-op on SQLite)",
    ),
]
THREADS = 4


def only_refusals(errors, kind=ValidationError):
    assert all(isinstance(error, kind) for error in errors), [repr(e) for e in errors]


def student(number):
    return StudentRecord.objects.create(
        student_number=number,
        full_name=f"Estudiante {number}",
        curriculum_hours=3000,
        completed_hours=2800,
    )


def test_parallel_assignments_respect_the_tutors_capacity(mx_home):
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import RequestKind, TutoringRequest

    coordinator = factories.UserFactory(username="coord-h", groups=[roles.COORDINATION])
    tutor = factories.build_tutor_user("tutor-h")
    index = factories.build_tutor_index(mx_home)
    factories.build_tutor_profile(index, title="Tutora", user=tutor, capacity=1)
    requests = []
    for number in range(THREADS):
        request = services.create_request(
            kind=RequestKind.SUPPORT, student=student(f"H{number:04d}"), user=coordinator
        )
        requests.append(services.transition(request, "submit", coordinator))
    results, errors = run_in_threads(
        THREADS, lambda n: services.assign_tutor(requests[n], tutor, coordinator)
    )
    only_refusals(errors)
    assert len(results) == 1
    assert TutoringRequest.objects.filter(assigned_tutor=tutor).count() == 1


def test_parallel_pairings_of_one_mentee_make_one_pair(programme_index):
    from tutoria_cms.mentoring import services
    from tutoria_cms.mentoring.models import MentoringProgramme, Pair, Participant

    coordinator = factories.UserFactory(username="coord-m", groups=[roles.COORDINATION])
    today = timezone.localdate()
    page = factories.build_programme(programme_index, title="Mentoría", kind="peer_mentoring")
    programme = MentoringProgramme.objects.create(
        page=page,
        period_start=today - datetime.timedelta(days=10),
        period_end=today + datetime.timedelta(days=100),
    )
    mentee = Participant.objects.create(
        programme=programme, role="mentee", student=student("ME001"), availability=["mon_am"]
    )
    mentors = [
        Participant.objects.create(
            programme=programme,
            role="mentor",
            student=student(f"MM{n:03d}"),
            availability=["mon_am"],
        )
        for n in range(THREADS)
    ]
    results, errors = run_in_threads(
        THREADS, lambda n: services.pair_manually(programme, mentors[n], mentee, coordinator)
    )
    only_refusals(errors)
    assert len(results) == 1
    assert Pair.objects.filter(mentee=mentee, status="confirmed").count() == 1


def test_parallel_closures_of_one_pair_close_it_once(programme_index):
    from tutoria_cms.mentoring import services
    from tutoria_cms.mentoring.models import MentoringProgramme, Pair, Participant

    coordinator = factories.UserFactory(username="coord-c", groups=[roles.COORDINATION])
    today = timezone.localdate()
    page = factories.build_programme(programme_index, title="Mentoría", kind="peer_mentoring")
    programme = MentoringProgramme.objects.create(
        page=page,
        period_start=today - datetime.timedelta(days=10),
        period_end=today + datetime.timedelta(days=100),
    )
    mentor = Participant.objects.create(
        programme=programme, role="mentor", student=student("CM001"), availability=["mon_am"]
    )
    mentee = Participant.objects.create(
        programme=programme, role="mentee", student=student("CE001"), availability=["mon_am"]
    )
    pair = services.pair_manually(programme, mentor, mentee, coordinator)
    results, errors = run_in_threads(
        THREADS,
        lambda n: services.close_pair(
            pair, coordinator, final_reflection=f"Cierre {n}", achievements={}
        ),
    )
    only_refusals(errors)
    assert len(results) == 1
    pair = Pair.objects.get(pk=pair.pk)
    assert pair.status == "closed" and pair.history.filter(status="closed").count() == 1


def test_parallel_imports_of_the_same_new_students_never_crash(db):
    from tutoria_cms.academics.services import import_academics

    data = "student_number,name,curriculum_hours,completed_hours\n" + "".join(
        f"P{n:04d},Estudiante {n},3000,100\n" for n in range(30)
    )

    def import_in_english(number):
        with translation.override("en"):  # threads start in the default language
            return import_academics("alumnos.csv", data.encode())

    results, errors = run_in_threads(THREADS, import_in_english)
    only_refusals(errors, ImportRefused)
    assert results, "at least one import went through"
    assert StudentRecord.objects.filter(student_number__startswith="P").count() == 30
    for error in errors:
        assert "at the same time" in str(error.errors[0])  # and nothing half-done
