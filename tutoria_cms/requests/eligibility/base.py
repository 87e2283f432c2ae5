"""Eligibility rule sets: versioned code objects, one rule per article or clause.

A rule set is judged against :class:`EligibilityFacts` and gives a :class:`Verdict`: one
:class:`RuleResult` per rule, in the regulation's order, with its citation and a translated
explanation. Requests store the verdict they were judged by (``Verdict.as_dict``).
"""

import dataclasses
import datetime
import math
from collections.abc import Callable, Sequence
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    EXEMPT = "exempt"
    NOT_APPLICABLE = "not_applicable"


# Outcomes that do not stand in the way of eligibility.
NON_BLOCKING = frozenset({Outcome.PASS, Outcome.EXEMPT, Outcome.NOT_APPLICABLE})

_BOOL_FACTS = (
    "regular_undergraduate",
    "component_mandatory",
    "component_offered_this_term",
    "schedule_clash",
    "procedures_compatible",
    "special_educational_need",
    "component_is_activity",
    "term_is_regular",
)
_COUNT_FACTS = (
    "completed_hours",
    "other_requests_this_term",
    "individual_classes_taken",
    "failures_by_absence",
    "failures_by_grade",
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EligibilityFacts:
    """What a rule set needs to know about a request, its student, component and term."""

    regular_undergraduate: bool
    completed_hours: int
    curriculum_hours: int
    other_requests_this_term: int
    # The student's other individual-class requests, any term, taken or on their way:
    # closed, in progress, approved, submitted or under review.
    individual_classes_taken: int
    component_mandatory: bool
    component_offered_this_term: bool
    schedule_clash: bool
    failures_by_absence: int
    failures_by_grade: int
    procedures_compatible: bool
    special_educational_need: bool
    component_is_activity: bool
    term_is_regular: bool

    def __post_init__(self):
        for name in _BOOL_FACTS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, not {getattr(self, name)!r}.")
        for name in (*_COUNT_FACTS, "curriculum_hours"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number, not {value!r}.")
        for name in _COUNT_FACTS:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative (got {getattr(self, name)}).")
        if self.curriculum_hours <= 0:
            raise ValueError(
                f"curriculum_hours must be greater than zero (got {self.curriculum_hours})."
            )
        if self.completed_hours > self.curriculum_hours:
            raise ValueError(
                f"completed_hours ({self.completed_hours}) cannot exceed curriculum_hours "
                f"({self.curriculum_hours})."
            )


@dataclasses.dataclass(frozen=True)
class Rule:
    """One article or clause.

    ``check(facts)`` is True when the requirement is met; ``exempt(facts)`` and
    ``applies(facts)`` are optional. ``explain(facts, outcome)`` returns a translated sentence.
    """

    code: str
    citation: str
    summary: str | Promise
    check: Callable[[EligibilityFacts], bool]
    explain: Callable[[EligibilityFacts, Outcome], str]
    exempt: Callable[[EligibilityFacts], bool] | None = None
    applies: Callable[[EligibilityFacts], bool] | None = None

    def judge(self, facts):
        if self.applies is not None and not self.applies(facts):
            outcome = Outcome.NOT_APPLICABLE
        elif self.exempt is not None and self.exempt(facts):
            outcome = Outcome.EXEMPT
        else:
            outcome = Outcome.PASS if self.check(facts) else Outcome.FAIL
        return RuleResult(
            code=self.code,
            outcome=outcome,
            citation=self.citation,
            explanation=str(self.explain(facts, outcome)),
        )


@dataclasses.dataclass(frozen=True)
class RuleResult:
    code: str
    outcome: Outcome
    citation: str
    explanation: str

    @property
    def blocking(self):
        return self.outcome not in NON_BLOCKING


# Decisions a rule set may allow beyond approve and deny (the names of their transitions in
# ``requests.workflow.TRANSITIONS``): send the student to a regular class of the component
# instead of opening an individual class, or settle the request by a schedule change
# (enrolment adjustment).
REDIRECT = "redirect"
CHANGE_SCHEDULE = "change_schedule"
DECISION_OUTCOMES = (REDIRECT, CHANGE_SCHEDULE)

# The limits a rule set carries besides its rules (``RuleSet``).
LIMITS = (
    "max_requests_per_term",
    "max_classes_per_course",
    "max_students_per_class",
    "max_classes_per_tutor_per_term",
    "in_person_share",
    "max_work_plan_hours_per_term",
)


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """A regulation's rules and limits.

    ``decision_outcomes``: the decisions beyond approve / deny it allows
    (``DECISION_OUTCOMES``), none unless it says so. The limits the requests app enforces
    outside the rules (on submission, when a class is joined, on a tutor's designation, in
    the class's hours) live here too; ``None`` means the regulation sets no such limit:

    - ``max_requests_per_term``: active individual-class requests of a student in a term;
    - ``max_classes_per_course``: individual classes of a student over the whole course
      (informative: the rules judge it, with their exemptions);
    - ``max_students_per_class``: students in one individual class;
    - ``max_classes_per_tutor_per_term``: individual classes one tutor is designated to in a
      term;
    - ``in_person_share``: per cent of the component's hours taught in person;
    - ``max_work_plan_hours_per_term``: individual-class hours credited to a tutor's work
      plan (PIT) in a term.
    """

    identifier: str
    regulation_name: str
    regulation_number: str
    effective_date: datetime.date | None
    rules: Sequence[Rule]
    decision_outcomes: tuple[str, ...] = ()
    max_requests_per_term: int | None = None
    max_classes_per_course: int | None = None
    max_students_per_class: int | None = None
    max_classes_per_tutor_per_term: int | None = None
    in_person_share: int | None = None
    max_work_plan_hours_per_term: int | None = None

    def __post_init__(self):
        codes = [rule.code for rule in self.rules]
        if len(codes) != len(set(codes)):
            raise ValueError(f"Rule set {self.identifier!r} has repeated rule codes.")
        unknown = set(self.decision_outcomes) - set(DECISION_OUTCOMES)
        if unknown:
            raise ValueError(
                f"Rule set {self.identifier!r} allows unknown decision outcomes: "
                f"{', '.join(sorted(unknown))}."
            )
        for name in LIMITS:
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ValueError(
                    f"Rule set {self.identifier!r}: {name} must be a whole number of at least "
                    f"1, or None (no limit), not {value!r}."
                )
        if self.in_person_share is not None and self.in_person_share > 100:
            raise ValueError(
                f"Rule set {self.identifier!r}: in_person_share is a percentage (at most 100)."
            )

    def allows(self, outcome):
        """Whether a decision ``outcome`` beyond approve / deny is allowed."""
        return outcome in self.decision_outcomes

    @property
    def codes(self):
        return [rule.code for rule in self.rules]

    def in_person_hours(self, hours):
        """The in-person hours of a component of ``hours`` hours, or None without a share."""
        if self.in_person_share is None:
            return None
        return math.ceil(hours * self.in_person_share / 100)

    def __str__(self):
        # "UFOPA Resolução nº 331/2020", not "... 331/2020 (331/2020)".
        if not self.regulation_number or self.regulation_number in self.regulation_name:
            return self.regulation_name
        return f"{self.regulation_name} ({self.regulation_number})"


@dataclasses.dataclass(frozen=True)
class Verdict:
    rule_set: str
    results: tuple[RuleResult, ...]

    @property
    def eligible(self):
        return not any(result.blocking for result in self.results)

    def outcome(self, code):
        for result in self.results:
            if result.code == code:
                return str(result.outcome)
        raise KeyError(f"Rule set {self.rule_set!r} has no rule {code!r}.")

    @property
    def failed(self):
        return [result for result in self.results if result.blocking]

    def as_dict(self):
        """A JSON-serialisable record of the verdict, stored with the request."""
        return {
            "rule_set": self.rule_set,
            "eligible": self.eligible,
            "results": [
                {
                    "code": result.code,
                    "outcome": str(result.outcome),
                    "citation": result.citation,
                    "explanation": result.explanation,
                }
                for result in self.results
            ],
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            rule_set=data["rule_set"],
            results=tuple(
                RuleResult(
                    code=item["code"],
                    outcome=Outcome(item["outcome"]),
                    citation=item["citation"],
                    explanation=item["explanation"],
                )
                for item in data["results"]
            ),
        )


_REGISTRY: dict[str, RuleSet] = {}


def explainer(*, minimum, per_term, per_course, max_grade):
    """A rule set's ``by_outcome(passed, failed, exempt=None)``: an ``explain`` function that
    picks a sentence by outcome and formats it with the facts and the rule set's numbers
    (``%(minimum)d``, ``%(per_term)d``, ``%(per_course)d``, ``%(max_grade)d``)."""

    def by_outcome(passed, failed, exempt=None):
        def explain(facts, outcome):
            template = {Outcome.PASS: passed, Outcome.FAIL: failed, Outcome.EXEMPT: exempt}.get(
                outcome
            )
            values = {
                "completed": facts.completed_hours,
                "total": facts.curriculum_hours,
                "percent": facts.completed_hours * 100 // facts.curriculum_hours,
                "minimum": minimum,
                "requests": facts.other_requests_this_term + 1,
                "per_term": per_term,
                "taken": facts.individual_classes_taken,
                "per_course": per_course,
                "absence": facts.failures_by_absence,
                "grade": facts.failures_by_grade,
                "max_grade": max_grade,
            }
            return (template() if template else "") % values

        return explain

    return by_outcome


def register_rule_set(rule_set):
    if rule_set.identifier in _REGISTRY and _REGISTRY[rule_set.identifier] is not rule_set:
        raise ValueError(f"A rule set {rule_set.identifier!r} is already registered.")
    _REGISTRY[rule_set.identifier] = rule_set
    return rule_set


def get_rule_set(identifier):
    try:
        return _REGISTRY[identifier]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or _("none")
        raise LookupError(
            _("Unknown eligibility rule set “%(identifier)s” (known: %(known)s).")
            % {"identifier": identifier, "known": known}
        ) from None


def rule_sets():
    return sorted(_REGISTRY.values(), key=lambda rule_set: rule_set.identifier)


def evaluate(facts, rule_set):
    """Judge ``facts`` by every rule of ``rule_set`` (an object or its identifier)."""
    if isinstance(rule_set, str):
        rule_set = get_rule_set(rule_set)
    if not isinstance(facts, EligibilityFacts):
        raise TypeError("evaluate() needs an EligibilityFacts instance.")
    return Verdict(
        rule_set=rule_set.identifier,
        results=tuple(rule.judge(facts) for rule in rule_set.rules),
    )
