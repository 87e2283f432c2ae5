"""The UFOPA Res. 331/2020 rule set, rule by rule, with boundaries, exemptions and bad facts."""

import dataclasses
import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tutoria_cms.requests.eligibility import (
    EligibilityFacts,
    Outcome,
    Rule,
    RuleSet,
    Verdict,
    evaluate,
    get_rule_set,
)

ELIGIBLE = {
    "regular_undergraduate": True,
    "completed_hours": 2700,
    "curriculum_hours": 3000,
    "other_requests_this_term": 0,
    "individual_classes_taken": 0,
    "component_mandatory": True,
    "component_offered_this_term": False,
    "schedule_clash": False,
    "failures_by_absence": 0,
    "failures_by_grade": 0,
    "procedures_compatible": True,
    "special_educational_need": False,
    "component_is_activity": False,
    "term_is_regular": True,
}
CODES = [
    "art242.par2",
    "art243",
    "art244.I",
    "art244.II",
    "art244.III",
    "art244.IV",
    "art244.V",
    "art244.VI",
    "art244.VII",
    "art244.VIII",
    "art244.IX",
]


@pytest.fixture
def rule_set():
    return get_rule_set("ufopa-331-2020")


def facts(**changes):
    return EligibilityFacts(**{**ELIGIBLE, **changes})


def test_rule_set_identity(rule_set):
    assert rule_set.regulation_number == "331/2020"
    assert str(rule_set) == "UFOPA Resolução nº 331/2020"  # the number once
    assert rule_set.effective_date == datetime.date(2020, 9, 28)
    assert rule_set.codes == CODES


def test_a_student_meeting_every_requirement_is_eligible(rule_set):
    verdict = evaluate(facts(), rule_set)
    assert verdict.eligible is True
    assert [r.code for r in verdict.results] == CODES
    assert {verdict.outcome(code) for code in CODES} == {"pass"}
    assert all(
        r.citation.startswith("UFOPA Resolução nº 331/2020, art. 24") for r in verdict.results
    )


@pytest.mark.parametrize(
    ("changes", "code", "expected"),
    [
        ({"term_is_regular": False}, "art242.par2", "fail"),
        ({"component_is_activity": True}, "art243", "fail"),
        ({"regular_undergraduate": False}, "art244.I", "fail"),
        # 90% exactly passes; one hour less fails (integer arithmetic, no rounding).
        ({"completed_hours": 2700, "curriculum_hours": 3000}, "art244.II", "pass"),
        ({"completed_hours": 2699, "curriculum_hours": 3000}, "art244.II", "fail"),
        ({"completed_hours": 2615, "curriculum_hours": 2905}, "art244.II", "pass"),
        ({"completed_hours": 2614, "curriculum_hours": 2905}, "art244.II", "fail"),
        ({"completed_hours": 9, "curriculum_hours": 10}, "art244.II", "pass"),
        ({"completed_hours": 3000, "curriculum_hours": 3000}, "art244.II", "pass"),
        ({"other_requests_this_term": 1}, "art244.III", "pass"),
        ({"other_requests_this_term": 2}, "art244.III", "fail"),
        ({"individual_classes_taken": 3}, "art244.IV", "pass"),
        ({"individual_classes_taken": 4}, "art244.IV", "fail"),
        ({"individual_classes_taken": 9, "special_educational_need": True}, "art244.IV", "exempt"),
        ({"component_mandatory": False}, "art244.V", "fail"),
        ({"component_offered_this_term": True, "schedule_clash": False}, "art244.VI", "fail"),
        ({"component_offered_this_term": True, "schedule_clash": True}, "art244.VI", "pass"),
        ({"component_offered_this_term": False, "schedule_clash": True}, "art244.VI", "pass"),
        ({"failures_by_absence": 1}, "art244.VII", "fail"),
        ({"failures_by_absence": 1, "special_educational_need": True}, "art244.VII", "fail"),
        ({"failures_by_grade": 2}, "art244.VIII", "pass"),
        ({"failures_by_grade": 3}, "art244.VIII", "fail"),
        ({"failures_by_grade": 5, "special_educational_need": True}, "art244.VIII", "exempt"),
        ({"procedures_compatible": False}, "art244.IX", "fail"),
    ],
)
def test_each_rule_at_its_boundary(rule_set, changes, code, expected):
    verdict = evaluate(facts(**changes), rule_set)
    assert verdict.outcome(code) == expected
    assert verdict.eligible is (expected != "fail")
    others = {r.code: str(r.outcome) for r in verdict.results if r.code != code}
    assert set(others.values()) <= {"pass", "exempt"}


def test_exemption_applies_only_to_articles_iv_and_viii(rule_set):
    verdict = evaluate(facts(special_educational_need=True), rule_set)
    exempt = [r.code for r in verdict.results if r.outcome == Outcome.EXEMPT]
    assert exempt == ["art244.IV", "art244.VIII"]
    assert verdict.eligible


def test_several_failures_are_all_reported(rule_set):
    verdict = evaluate(facts(term_is_regular=False, failures_by_absence=2), rule_set)
    assert [r.code for r in verdict.failed] == ["art242.par2", "art244.VII"]
    assert not verdict.eligible


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"completed_hours": -1}, "completed_hours cannot be negative"),
        ({"failures_by_grade": -2}, "failures_by_grade cannot be negative"),
        ({"other_requests_this_term": -1}, "other_requests_this_term cannot be negative"),
        ({"individual_classes_taken": -1}, "individual_classes_taken cannot be negative"),
        ({"failures_by_absence": -1}, "failures_by_absence cannot be negative"),
        ({"curriculum_hours": 0}, "curriculum_hours must be greater than zero"),
        ({"curriculum_hours": -30}, "curriculum_hours must be greater than zero"),
        ({"completed_hours": 3001}, "cannot exceed curriculum_hours"),
        ({"completed_hours": 2700.5}, "completed_hours must be a whole number"),
        ({"completed_hours": True}, "completed_hours must be a whole number"),
        ({"regular_undergraduate": 1}, "regular_undergraduate must be True or False"),
    ],
)
def test_impossible_facts_raise_value_error(changes, message):
    with pytest.raises(ValueError, match=message):
        facts(**changes)


def test_facts_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts().completed_hours = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        EligibilityFacts(True, 1, 2)  # type: ignore[misc]


def test_unknown_rule_set_and_rule_code(rule_set):
    with pytest.raises(LookupError, match="ufopa-331-2020"):
        get_rule_set("ufopa-999")
    with pytest.raises(KeyError):
        evaluate(facts(), rule_set).outcome("art999")


def test_explanations_are_translated_and_carry_the_facts(rule_set):
    changed = facts(completed_hours=2000)
    with translation.override("pt-br"):
        result = evaluate(changed, rule_set).results[3]
    assert result.code == "art244.II"
    assert "2000" in result.explanation and "3000" in result.explanation
    assert "horas" in result.explanation and "66%" in result.explanation
    with translation.override("es"):
        result = evaluate(changed, rule_set).results[3]
    assert "horas" in result.explanation and "cursado" in result.explanation


def test_verdict_round_trips_through_its_stored_form(rule_set):
    verdict = evaluate(facts(failures_by_grade=3), rule_set)
    stored = verdict.as_dict()
    assert stored["eligible"] is False
    again = Verdict.from_dict(stored)
    assert again == verdict
    assert again.outcome("art244.VIII") == "fail"


def test_not_applicable_rules_do_not_block():
    rule = Rule(
        code="x",
        citation="Test art. 1",
        summary="only for special needs",
        check=lambda f: False,
        explain=lambda f, o: str(o),
        applies=lambda f: f.special_educational_need,
    )
    rule_set = RuleSet("test-na", "Test", "1/2026", datetime.date(2026, 1, 1), (rule,))
    verdict = evaluate(facts(), rule_set)
    assert verdict.outcome("x") == "not_applicable" and verdict.eligible
    assert evaluate(facts(special_educational_need=True), rule_set).eligible is False


counts = st.integers(min_value=0, max_value=12)


@st.composite
def any_facts(draw):
    total = draw(st.integers(min_value=1, max_value=5000))
    return EligibilityFacts(
        regular_undergraduate=draw(st.booleans()),
        completed_hours=draw(st.integers(min_value=0, max_value=total)),
        curriculum_hours=total,
        other_requests_this_term=draw(counts),
        individual_classes_taken=draw(counts),
        component_mandatory=draw(st.booleans()),
        component_offered_this_term=draw(st.booleans()),
        schedule_clash=draw(st.booleans()),
        failures_by_absence=draw(counts),
        failures_by_grade=draw(counts),
        procedures_compatible=draw(st.booleans()),
        special_educational_need=draw(st.booleans()),
        component_is_activity=draw(st.booleans()),
        term_is_regular=draw(st.booleans()),
    )


@given(any_facts())
def test_properties_of_every_verdict(value):
    verdict = evaluate(value, "ufopa-331-2020")
    assert [r.code for r in verdict.results] == CODES
    assert verdict.eligible == all(r.outcome != Outcome.FAIL for r in verdict.results)
    assert (verdict.outcome("art244.II") == "pass") == (
        value.completed_hours / value.curriculum_hours >= 0.9 - 1e-12
    )
    if value.special_educational_need:
        assert verdict.outcome("art244.IV") == verdict.outcome("art244.VIII") == "exempt"
    else:
        assert "exempt" not in {str(r.outcome) for r in verdict.results}
