"""Parallel approvals and submissions: the class and per-term limits hold. PostgreSQL only.

``select_for_update`` is a no-op on SQLite (and its in-memory test database cannot be shared
between threads): run with DATABASE_URL=postgres://... to exercise the row locks.
"""

import pytest
from django.db import connection
from django.db.models import Count

from tests import factories
from tests.requests.conftest import make_student
from tests.workshops.test_concurrency import run_in_threads
from tutoria_cms.academics.models import CurricularComponent, Term
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import (
    ACTIVE_STATES,
    IndividualClass,
    RequestKind,
    RequestState,
    TutoringRequest,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update is a no-op on SQLite)",
    ),
]


def setup_requests(count, term, component, coordinator, same_student=False):
    requests = []
    student = make_student("2019999") if same_student else None
    for number in range(count):
        request = services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=student or make_student(f"20{number:05d}"),
            term=term,
            component=component
            if not same_student
            else CurricularComponent.objects.create(code=f"C{number}", name="C", hours=60),
            user=coordinator,
        )
        requests.append(request)
    return requests


@pytest.fixture
def people(db):
    return (
        factories.UserFactory(username="coord-c", groups=[roles.COORDINATION]),
        factories.UserFactory(username="board-c", groups=[roles.BOARD]),
    )


@pytest.fixture
def term_component(db):
    import datetime

    term = Term.objects.create(
        code="T1",
        name="T1",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    return term, CurricularComponent.objects.create(code="MAT", name="Cálculo", hours=60)


def test_parallel_approvals_never_put_more_than_four_in_a_class(people, term_component):
    coordinator, board = people
    term, component = term_component
    requests = setup_requests(10, term, component, coordinator)
    for request in requests:
        services.transition(request, "submit", coordinator)
        services.transition(request, "review", coordinator)

    def approve(number):
        try:
            return services.transition(requests[number], "approve", board).state
        except services.TransitionError as error:
            return error.code

    results, errors = run_in_threads(10, approve)
    assert errors == []
    assert sorted(results) == ["approved"] * 4 + ["class_full"] * 6
    assert IndividualClass.objects.count() == 1
    assert IndividualClass.objects.get().requests.count() == 4
    assert TutoringRequest.objects.filter(state=RequestState.APPROVED).count() == 4


def test_parallel_submissions_never_exceed_two_per_student_and_term(people, term_component):
    coordinator, _board = people
    term, component = term_component
    requests = setup_requests(6, term, component, coordinator, same_student=True)

    def submit(number):
        try:
            return services.transition(requests[number], "submit", coordinator).state
        except services.TransitionError as error:
            return error.code

    results, errors = run_in_threads(6, submit)
    assert errors == []
    assert sorted(results) == ["per_term_limit"] * 4 + ["submitted"] * 2
    per_student = (
        TutoringRequest.objects.filter(state__in=ACTIVE_STATES, term=term)
        .values("student")
        .annotate(n=Count("pk"))
    )
    assert max(row["n"] for row in per_student) == 2


def test_parallel_decisions_on_one_request_decide_it_once(people, term_component):
    coordinator, board = people
    term, component = term_component
    request = setup_requests(1, term, component, coordinator)[0]
    services.transition(request, "submit", coordinator)
    services.transition(request, "review", coordinator)

    def decide(number):
        try:
            if number % 2:
                return services.transition(request, "approve", board).state
            return services.transition(request, "deny", board, reason="No procede").state
        except services.TransitionError as error:
            return error.code

    results, errors = run_in_threads(8, decide)
    assert errors == []
    assert results.count("state") == 7
    request.refresh_from_db()
    assert request.history.filter(state__in=["approved", "denied"]).count() == 1
    assert request.notifications.count() == 1


def test_parallel_approvals_on_equivalent_components_open_one_class(people, term_component):
    """A component and its equivalent share one individual class per term (art. 245): the
    first approvals of both, at the same moment, must not open a class each."""
    coordinator, board = people
    term, component = term_component
    equivalent = CurricularComponent.objects.create(code="MAT-B", name="Cálculo B", hours=60)
    component.equivalents.add(equivalent)
    requests = setup_requests(4, term, component, coordinator)
    requests += [
        services.create_request(
            kind=RequestKind.INDIVIDUAL_CLASS,
            student=make_student(f"21{number:05d}"),
            term=term,
            component=equivalent,
            user=coordinator,
        )
        for number in range(4)
    ]
    for request in requests:
        services.transition(request, "submit", coordinator)
        services.transition(request, "review", coordinator)

    def approve(number):
        try:
            return services.transition(requests[number], "approve", board).state
        except services.TransitionError as error:
            return error.code

    results, errors = run_in_threads(8, approve)
    assert errors == []
    assert sorted(results) == ["approved"] * 4 + ["class_full"] * 4
    assert IndividualClass.objects.filter(term=term).count() == 1
    assert IndividualClass.objects.get(term=term).requests.count() == 4


def test_parallel_designations_never_give_a_tutor_more_classes_than_the_rule_set_allows(
    people, term_component
):
    """UFOPA (the default): one individual class per tutor per term (art. 241, sole
    paragraph), now the rule set's limit under a lock on the tutor, no longer a constraint."""
    coordinator, _board = people
    term, _component = term_component
    tutor = factories.UserFactory(username="tutor-c", groups=[roles.TUTORS])
    classes = [
        IndividualClass.objects.create(
            term=term,
            component=CurricularComponent.objects.create(code=f"D{number}", name="D", hours=60),
        )
        for number in range(4)
    ]

    def designate(number):
        try:
            services.designate_tutor(classes[number], tutor, coordinator)
            return "designated"
        except services.TransitionError as error:
            return error.code

    results, errors = run_in_threads(4, designate)
    assert errors == []
    assert sorted(results) == ["designated"] + ["tutor_limit"] * 3
    assert IndividualClass.objects.filter(term=term, tutor=tutor).count() == 1
