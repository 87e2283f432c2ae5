"""Concurrent sign-ups, with real threads and transactions: PostgreSQL only.

``select_for_update`` is a no-op on SQLite, and the in-memory test database cannot be shared
between threads; run with DATABASE_URL=postgres://... to exercise the row lock.
"""

import threading

import pytest
from django.db import connection

from tests import factories
from tutoria_cms.workshops import services
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback: keep the tree root and groups created by migrations.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update is a no-op on SQLite)",
    ),
]


def run_in_threads(count, function):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(number):
        try:
            barrier.wait(timeout=30)
            results.append(function(number))
        except Exception as error:  # collected, then asserted by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_parallel_signups_never_exceed_capacity(programme):
    workshop = factories.build_workshop(programme, capacity=3)

    def sign_up(number):
        return services.register(
            workshop,
            student_number=f"A{number:05d}",
            full_name=f"Alumna {number}",
            email=f"alumna{number}@example.edu",
            consent=True,
            language="es",
        ).status

    results, errors = run_in_threads(10, sign_up)
    assert errors == []
    assert sorted(results) == ["confirmed"] * 3 + ["waitlisted"] * 7
    statuses = list(WorkshopRegistration.objects.values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waitlisted") == 7


def test_parallel_duplicates_store_one_registration(programme):
    workshop = factories.build_workshop(programme, capacity=3)

    def sign_up(number):
        return services.register(
            workshop,
            student_number="A00001",
            full_name="Alumna",
            email=f"ALUMNA{number}@example.edu" if number % 2 else "alumna@example.edu",
            consent=True,
        ).status

    results, errors = run_in_threads(6, sign_up)
    assert results == ["confirmed"]
    assert len(errors) == 5
    assert all(isinstance(error, services.AlreadyRegistered) for error in errors)
    assert WorkshopRegistration.objects.count() == 1


def test_parallel_confirmations_never_exceed_capacity(programme):
    """Public sign-ups: the seat is taken when the e-mailed link is confirmed, under the same
    row lock; pending sign-ups of one number confirmed at once store one registration."""
    workshop = factories.build_workshop(programme, capacity=3)
    tokens = []
    for number in range(10):
        pending = services.request_signup(
            workshop,
            student_number=f"a{number:05d}",  # normalised: A0000n
            full_name=f"Alumna {number}",
            email=f"alumna{number}@example.edu",
            consent=True,
        )
        tokens.append(services.signup_token(pending))

    results, errors = run_in_threads(
        10, lambda n: services.confirm_signup(tokens[n], workshop=workshop).status
    )
    assert errors == []
    assert sorted(results) == ["confirmed"] * 3 + ["waitlisted"] * 7

    same = [
        services.signup_token(
            services.request_signup(
                workshop,
                student_number="B00001",
                full_name="Otra",
                email=f"otra{n}@example.edu",
                consent=True,
            )
        )
        for n in range(4)
    ]
    results, errors = run_in_threads(
        4, lambda n: services.confirm_signup(same[n], workshop=workshop).status
    )
    assert results == ["waitlisted"]
    assert all(isinstance(error, services.AlreadyRegistered) for error in errors)
    assert (
        WorkshopRegistration.objects.filter(
            student_number="B00001", status__in=WorkshopRegistration.ACTIVE_STATUSES
        ).count()
        == 1
    )
