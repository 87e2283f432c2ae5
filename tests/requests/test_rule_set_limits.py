"""Every limit of a regulation lives on its rule set (issue #14, item 4): the requests per term,
the students per class, the classes per tutor and the in-person share a site gets are those of
the rule set chosen in its settings (UFOPA Res. 331/2020 by default, UFERSA's special classes,
or none: no individual classes)."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from tests import factories
from tests.requests.conftest import make_student, walk
from tutoria_cms.academics.models import CurricularComponent
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.eligibility import LIMITS, RuleSet, get_rule_set, register_rule_set
from tutoria_cms.requests.eligibility.base import _REGISTRY
from tutoria_cms.requests.models import (
    NO_INDIVIDUAL_CLASSES,
    IndividualClass,
    RequestKind,
    RequestState,
    TutoringRequestSettings,
    rule_set_choices,
    site_rule_set,
    validate_rule_set,
)

pytestmark = pytest.mark.django_db

UFOPA = "ufopa-331-2020"
UFERSA = "ufersa-turma-especial"


def choose(rule_set, site=None):
    """The site's settings choose ``rule_set`` (an identifier, or ``NO_INDIVIDUAL_CLASSES``)."""
    request_settings = TutoringRequestSettings.for_site(site or default_site())
    request_settings.rule_set = rule_set
    request_settings.full_clean()
    request_settings.save()


@pytest.fixture
def custom(term):
    """Register a variant of UFOPA's rule set with other limits; choose it on the site."""
    registered = []

    def make(**limits):
        rule_set = dataclasses.replace(
            get_rule_set(UFOPA), identifier=f"test-limits-{len(registered)}", **limits
        )
        register_rule_set(rule_set)
        registered.append(rule_set.identifier)
        choose(rule_set.identifier)
        return rule_set

    yield make
    for identifier in registered:
        _REGISTRY.pop(identifier, None)


def class_request(student, term, component, coordinator):
    return services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=student,
        term=term,
        component=component,
        user=coordinator,
    )


def components(count, prefix="C"):
    return [
        CurricularComponent.objects.create(
            site=default_site(), code=f"{prefix}{number}", name=f"{prefix}{number}", hours=60
        )
        for number in range(count)
    ]


def reviewed(students, term, component, coordinator, board):
    return [
        walk(
            class_request(student, term, component, coordinator),
            {"submit": coordinator, "review": coordinator},
            "submit",
            "review",
        )
        for student in students
    ]


# The rule sets carry their limits ----------------------------------------------------------


def test_the_ufopa_rule_set_carries_its_limits():
    ufopa = get_rule_set(UFOPA)
    assert ufopa.max_requests_per_term == 2  # art. 244, III
    assert ufopa.max_classes_per_course == 4  # art. 244, IV
    assert ufopa.max_students_per_class == 4  # art. 246, sole paragraph
    assert ufopa.max_classes_per_tutor_per_term == 1  # art. 241, sole paragraph
    assert ufopa.in_person_share == 30  # art. 241
    assert ufopa.in_person_hours(60) == 18 and ufopa.in_person_hours(45) == 14


def test_the_ufersa_rule_set_carries_only_the_limits_its_pages_publish():
    ufersa = get_rule_set(UFERSA)
    assert ufersa.max_requests_per_term == 2
    assert ufersa.max_classes_per_course == 4
    assert ufersa.max_students_per_class is None
    assert ufersa.max_classes_per_tutor_per_term is None
    assert ufersa.in_person_share is None and ufersa.in_person_hours(60) is None


@pytest.mark.parametrize("name", LIMITS)
@pytest.mark.parametrize("value", [0, -1, True, 2.5, "2"])
def test_a_rule_set_refuses_a_limit_that_is_not_a_whole_number_of_at_least_one(name, value):
    ufopa = get_rule_set(UFOPA)
    with pytest.raises(ValueError, match=name):
        RuleSet("x", "X", "1", None, ufopa.rules, **{name: value})


def test_a_share_over_one_hundred_per_cent_is_refused():
    with pytest.raises(ValueError, match="in_person_share"):
        RuleSet("x", "X", "1", None, get_rule_set(UFOPA).rules, in_person_share=101)


# A site chooses its rule set -----------------------------------------------------------------


def test_the_settings_offer_both_rule_sets_and_none():
    values = [value for value, _label in rule_set_choices()]
    assert values[0] == "" and UFOPA in values and UFERSA in values
    assert values[-1] == NO_INDIVIDUAL_CLASSES
    validate_rule_set(UFERSA)
    validate_rule_set(NO_INDIVIDUAL_CLASSES)
    with pytest.raises(ValidationError):
        validate_rule_set("ufersa")


def test_each_site_gets_its_own_rule_sets_limits(term, component):
    home = factories.build_site("pt-br", "127.0.0.1", title="Universidade Exemplo")
    other = Site.objects.get(root_page=home)
    choose(UFERSA)
    assert site_rule_set(default_site()).identifier == UFERSA
    assert site_rule_set(other).identifier == UFOPA  # no choice: the suite's default
    ufersa_class = IndividualClass.objects.create(
        site=default_site(), term=term, component=component
    )
    ufopa_class = IndividualClass(site=other, term=term, component=component)
    assert ufopa_class.in_person_hours == 18
    assert ufersa_class.in_person_hours is None
    with translation.override("en"):
        assert ufopa_class.in_person_hours_display == "18 h (30% of 60 h)"
        assert ufersa_class.in_person_hours_display == "Not set by the rule set"


def test_a_request_is_judged_and_stored_by_its_sites_ufersa_rule_set(
    term, component, coordinator, board
):
    choose(UFERSA)
    # 80% of the hours: enough for UFERSA (75%), not for UFOPA (90%).
    student = make_student("2019080", completed_hours=2400)
    request = walk(
        class_request(student, term, component, coordinator),
        {"submit": coordinator, "review": coordinator},
        "submit",
        "review",
    )
    assert request.rule_set == UFERSA
    assert request.verdict["eligible"] is True
    assert [result["code"] for result in request.verdict["results"]] == get_rule_set(UFERSA).codes
    assert services.offered_outcomes(request) == ()  # approve or deny only
    request = services.transition(request, "approve", board)
    assert request.state == RequestState.APPROVED


def test_the_same_student_fails_the_ufopa_share_of_hours_chosen_by_the_institution(
    settings, term, component, coordinator, board
):
    """A request without a programme page is judged by its institution's choice, not by the
    suite's default."""
    settings.TUTORIA_CMS = {**settings.TUTORIA_CMS, "DEFAULT_RULE_SET": UFERSA}
    choose(UFOPA)
    student = make_student("2019080", completed_hours=2400)
    request = walk(
        class_request(student, term, component, coordinator),
        {"submit": coordinator, "review": coordinator},
        "submit",
        "review",
    )
    assert request.rule_set == UFOPA and request.verdict["eligible"] is False
    with pytest.raises(services.TransitionError) as error:
        services.transition(request, "approve", board)
    assert error.value.code == "ineligible"


# Requests per term -----------------------------------------------------------------------------


@pytest.mark.parametrize("rule_set", [UFOPA, UFERSA])
def test_both_rule_sets_allow_two_requests_per_term(rule_set, student, term, coordinator):
    choose(rule_set)
    created = [class_request(student, term, c, coordinator) for c in components(3)]
    services.transition(created[0], "submit", coordinator)
    services.transition(created[1], "submit", coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.transition(created[2], "submit", coordinator)
    assert error.value.code == "per_term_limit"
    assert str(get_rule_set(rule_set)) in error.value.messages[0]


def test_a_rule_set_with_another_per_term_limit_is_obeyed(custom, student, term, coordinator):
    custom(max_requests_per_term=3)
    created = [class_request(student, term, c, coordinator) for c in components(4)]
    for request in created[:3]:
        assert services.transition(request, "submit", coordinator).state == "submitted"
    with pytest.raises(services.TransitionError) as error:
        services.transition(created[3], "submit", coordinator)
    assert error.value.code == "per_term_limit"


def test_a_rule_set_with_a_per_term_limit_of_one(custom, student, term, coordinator):
    custom(max_requests_per_term=1)
    first, second = (class_request(student, term, c, coordinator) for c in components(2))
    services.transition(first, "submit", coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.transition(second, "submit", coordinator)
    assert error.value.code == "per_term_limit"


# Students per class ------------------------------------------------------------------------


def test_a_rule_set_with_another_class_size_is_obeyed(custom, term, component, coordinator, board):
    custom(max_students_per_class=2)
    students = [make_student(f"20192{number:02d}") for number in range(3)]
    requests = reviewed(students, term, component, coordinator, board)
    for request in requests[:2]:
        services.transition(request, "approve", board)
    with pytest.raises(services.TransitionError) as error:
        services.transition(requests[2], "approve", board)
    assert error.value.code == "class_full"
    assert "2" in error.value.messages[0]
    assert IndividualClass.objects.get().requests.count() == 2


def test_the_ufersa_rule_set_sets_no_class_size(term, component, coordinator, board):
    choose(UFERSA)
    students = [make_student(f"20193{number:02d}") for number in range(5)]
    for request in reviewed(students, term, component, coordinator, board):
        services.transition(request, "approve", board)
    assert IndividualClass.objects.get().requests.count() == 5


def test_a_rule_set_with_another_in_person_share(custom, term, component):
    custom(in_person_share=50)
    individual_class = IndividualClass.objects.create(
        site=default_site(), term=term, component=component
    )
    assert individual_class.in_person_hours == 30


# Classes per tutor ---------------------------------------------------------------------------


def test_ufopa_keeps_one_class_per_tutor_per_term(term, coordinator, tutor):
    choose(UFOPA)
    first, second = (
        IndividualClass.objects.create(site=default_site(), term=term, component=c)
        for c in components(2)
    )
    services.designate_tutor(first, tutor, coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.designate_tutor(second, tutor, coordinator)
    assert error.value.code == "tutor_limit"
    assert str(get_rule_set(UFOPA)) in error.value.messages[0]
    second.refresh_from_db()
    assert second.tutor is None


def test_ufersa_sets_no_limit_of_classes_per_tutor(term, coordinator, tutor):
    choose(UFERSA)
    classes = [
        IndividualClass.objects.create(site=default_site(), term=term, component=c)
        for c in components(3)
    ]
    for individual_class in classes:
        services.designate_tutor(individual_class, tutor, coordinator)
    assert IndividualClass.objects.filter(tutor=tutor).count() == 3


def test_a_rule_set_with_two_classes_per_tutor(custom, term, coordinator, tutor):
    custom(max_classes_per_tutor_per_term=2)
    classes = [
        IndividualClass.objects.create(site=default_site(), term=term, component=c)
        for c in components(3)
    ]
    services.designate_tutor(classes[0], tutor, coordinator)
    services.designate_tutor(classes[1], tutor, coordinator)
    with pytest.raises(services.TransitionError) as error:
        services.designate_tutor(classes[2], tutor, coordinator)
    assert error.value.code == "tutor_limit"
    # Designating the same class again is not a second class.
    services.designate_tutor(classes[1], tutor, coordinator)


# A site that takes no individual classes -----------------------------------------------------


def test_a_site_without_a_rule_set_takes_no_individual_class_requests(
    student, term, component, coordinator
):
    choose(NO_INDIVIDUAL_CLASSES)
    assert site_rule_set(default_site()) is None
    with pytest.raises(ValidationError) as error:
        class_request(student, term, component, coordinator)
    assert error.value.code == "no_individual_classes"
    # Other kinds of request are still taken.
    support = services.create_request(kind=RequestKind.SUPPORT, student=student, user=coordinator)
    assert support.pk


def test_a_request_made_before_the_site_dropped_individual_classes_cannot_proceed(
    class_request_on_ufopa, coordinator
):
    choose(NO_INDIVIDUAL_CLASSES)
    assert services.offered_outcomes(class_request_on_ufopa) == ()
    with pytest.raises(services.TransitionError) as error:
        services.transition(class_request_on_ufopa, "submit", coordinator)
    assert error.value.code == "no_individual_classes"


@pytest.fixture
def class_request_on_ufopa(student, term, component, coordinator):
    choose(UFOPA)
    return class_request(student, term, component, coordinator)


def test_the_new_request_form_refuses_an_individual_class_where_the_site_takes_none(
    client, coordinator, student, term, component
):
    choose(NO_INDIVIDUAL_CLASSES)
    client.force_login(coordinator)
    data = {
        "kind": "individual_class",
        "student": student.pk,
        "term": term.pk,
        "component": component.pk,
        "language": "es",
        "procedures_compatible": "on",
    }
    with translation.override("en"):
        response = client.post(reverse("tutoria_requests:add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "This institution takes no individual-class requests."
    ]
    assert not student.tutoring_requests.exists()
    choose(UFERSA)
    response = client.post(reverse("tutoria_requests:add"), data)
    assert response.status_code == 302
    assert student.tutoring_requests.get().kind == RequestKind.INDIVIDUAL_CLASS
