"""UFERSA's special classes (turma especial) on SIGAA, as its course pages publish them: rule
by rule, with boundaries, no exemptions and translated reasons."""

import pytest
from django.utils import translation

from tutoria_cms.requests.eligibility import (
    CHANGE_SCHEDULE,
    REDIRECT,
    EligibilityFacts,
    Outcome,
    evaluate,
    get_rule_set,
    rule_sets,
)

ELIGIBLE = {
    "regular_undergraduate": True,
    "completed_hours": 2250,  # 75% of 3000
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
    # UFOPA's arts. 242 § 2 and 243: not in UFERSA's pages, so they change nothing here.
    "component_is_activity": True,
    "term_is_regular": False,
}
CODES = [
    "req.I",
    "req.II",
    "req.III",
    "req.IV",
    "obs.1",
    "obs.2",
    "obs.3.grade",
    "obs.3.absence",
    "obs.4",
]


@pytest.fixture
def rule_set():
    return get_rule_set("ufersa-turma-especial")


def facts(**changes):
    return EligibilityFacts(**{**ELIGIBLE, **changes})


def test_the_rule_set_is_registered_with_its_rules(rule_set):
    assert rule_set in rule_sets()
    assert rule_set.codes == CODES
    assert str(rule_set) == "UFERSA, turma especial (SIGAA)"
    assert rule_set.effective_date is None  # the pages give none
    assert not rule_set.allows(REDIRECT) and not rule_set.allows(CHANGE_SCHEDULE)


def test_a_student_meeting_every_requirement_is_eligible(rule_set):
    verdict = evaluate(facts(), rule_set)
    assert verdict.eligible
    assert [result.code for result in verdict.results] == CODES
    assert all(result.outcome == Outcome.PASS for result in verdict.results)
    assert verdict.results[0].citation == "UFERSA, turma especial (SIGAA), requisito I"
    assert verdict.results[6].citation == "UFERSA, turma especial (SIGAA), observação 3"


@pytest.mark.parametrize(
    ("changes", "code", "expected"),
    [
        ({"regular_undergraduate": False}, "req.I", "fail"),
        ({"completed_hours": 2249}, "req.II", "fail"),  # just under 75%
        ({"completed_hours": 2250}, "req.II", "pass"),
        ({"completed_hours": 2400}, "req.II", "pass"),  # 80%: too few for UFOPA's 90%
        ({"component_mandatory": False}, "req.III", "fail"),
        ({"component_offered_this_term": True}, "req.IV", "fail"),
        ({"component_offered_this_term": True, "schedule_clash": True}, "req.IV", "pass"),
        ({"other_requests_this_term": 1}, "obs.1", "pass"),  # the second this term
        ({"other_requests_this_term": 2}, "obs.1", "fail"),  # a third
        ({"individual_classes_taken": 3}, "obs.2", "pass"),  # the fourth over the course
        ({"individual_classes_taken": 4}, "obs.2", "fail"),  # a fifth
        ({"failures_by_grade": 2}, "obs.3.grade", "pass"),
        ({"failures_by_grade": 3}, "obs.3.grade", "fail"),
        ({"failures_by_absence": 1}, "obs.3.absence", "fail"),
        ({"procedures_compatible": False}, "obs.4", "fail"),
    ],
)
def test_each_rule_at_its_boundary(rule_set, changes, code, expected):
    verdict = evaluate(facts(**changes), rule_set)
    assert verdict.outcome(code) == expected
    assert verdict.eligible is (expected == "pass")


def test_a_special_educational_need_exempts_from_nothing(rule_set):
    """UFOPA's sole paragraph of art. 244 has no counterpart in UFERSA's pages."""
    verdict = evaluate(
        facts(special_educational_need=True, individual_classes_taken=4, failures_by_grade=3),
        rule_set,
    )
    assert verdict.outcome("obs.2") == "fail" and verdict.outcome("obs.3.grade") == "fail"
    ufopa = evaluate(
        facts(
            special_educational_need=True,
            individual_classes_taken=4,
            failures_by_grade=3,
            completed_hours=2700,
            component_is_activity=False,
            term_is_regular=True,
        ),
        get_rule_set("ufopa-331-2020"),
    )
    assert ufopa.eligible  # UFOPA exempts both


def test_both_failure_limits_are_reported(rule_set):
    verdict = evaluate(facts(failures_by_grade=3, failures_by_absence=1), rule_set)
    assert [result.code for result in verdict.failed] == ["obs.3.grade", "obs.3.absence"]


@pytest.mark.parametrize(
    ("language", "words"),
    [("pt-br", ("horas", "2249", "3000", "74%", "75%")), ("es", ("horas", "cursado", "75%"))],
)
def test_reasons_are_translated_and_carry_the_facts(rule_set, language, words):
    with translation.override(language):
        result = evaluate(facts(completed_hours=2249), rule_set).results[1]
        summary = str(rule_set.rules[1].summary)
    assert result.code == "req.II" and result.outcome == Outcome.FAIL
    assert all(word in result.explanation for word in words), result.explanation
    assert "75%" in summary and "curriculum" not in summary


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_every_reason_and_summary_is_translated(rule_set, language):
    failing = facts(
        regular_undergraduate=False,
        completed_hours=100,
        component_mandatory=False,
        component_offered_this_term=True,
        other_requests_this_term=5,
        individual_classes_taken=5,
        failures_by_grade=5,
        failures_by_absence=5,
        procedures_compatible=False,
    )
    for case in (facts(), failing):
        with translation.override("en"):
            english = [result.explanation for result in evaluate(case, rule_set).results]
        with translation.override(language):
            translated = [result.explanation for result in evaluate(case, rule_set).results]
        assert all(a != b for a, b in zip(english, translated, strict=True)), translated
    with translation.override(language):
        summaries = [str(rule.summary) for rule in rule_set.rules]
    with translation.override("en"):
        assert all(str(rule.summary) not in summaries for rule in rule_set.rules)
