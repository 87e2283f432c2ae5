"""UFERSA special classes (turma especial) on SIGAA, as its course pages publish them.

A student asks for a class of a component they could not otherwise take (for instance a
final-year student whose mandatory component clashes with another). The course pages list
four requirements (regular undergraduate; at least 75% of the curriculum hours; a mandatory
component; not offered this term, or clashing with another mandatory component) and four
further conditions (at most 2 components per term and 4 over the course; at most two
failures by grade and none by absence in the component or its equivalents; teaching
procedures compatible with a special class). The course board (colegiado) analyses the
request and the department deliberates: approve or deny, no other decision. The pages give
no class size, no in-person share and no limit per tutor: the rule set sets none. Only one
special class of a component (or an equivalent) per term, like every rule set here.

The pages cite no resolution number or date (the 2025 resolution CONSEPE nº 15 that replaced
them words the requirements differently); the citations name the published list.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import Rule, RuleSet, explainer

REGULATION = "UFERSA, turma especial (SIGAA)"
MIN_PERCENT_COMPLETED = 75
MAX_COMPONENTS_PER_TERM = 2
MAX_COMPONENTS_PER_COURSE = 4
MAX_FAILURES_BY_GRADE = 2


def requirement(number):
    return f"{REGULATION}, requisito {number}"


def condition(number):
    return f"{REGULATION}, observação {number}"


# Sentences by outcome, formatted with the facts and this regulation's numbers.
by_outcome = explainer(
    minimum=MIN_PERCENT_COMPLETED,
    per_term=MAX_COMPONENTS_PER_TERM,
    per_course=MAX_COMPONENTS_PER_COURSE,
    max_grade=MAX_FAILURES_BY_GRADE,
)


RULE_SET = RuleSet(
    identifier="ufersa-turma-especial",
    regulation_name=REGULATION,
    regulation_number="",
    effective_date=None,
    rules=(
        Rule(
            code="req.I",
            citation=requirement("I"),
            summary=gettext_lazy("The student is a regular undergraduate student."),
            check=lambda f: f.regular_undergraduate,
            explain=by_outcome(
                lambda: _("The student is a regular undergraduate student."),
                lambda: _("The student is not a regular undergraduate student."),
            ),
        ),
        Rule(
            code="req.II",
            citation=requirement("II"),
            summary=gettext_lazy("At least 75% of the curriculum hours completed."),
            check=lambda f: f.completed_hours * 100 >= MIN_PERCENT_COMPLETED * f.curriculum_hours,
            explain=by_outcome(
                lambda: _(
                    "The student has completed %(completed)d of %(total)d hours "
                    "(%(percent)d%%); at least %(minimum)d%% is required."
                ),
                lambda: _(
                    "The student has completed %(completed)d of %(total)d hours "
                    "(%(percent)d%%), less than the %(minimum)d%% required."
                ),
            ),
        ),
        Rule(
            code="req.III",
            citation=requirement("III"),
            summary=gettext_lazy("The component is mandatory in the student's curriculum."),
            check=lambda f: f.component_mandatory,
            explain=by_outcome(
                lambda: _("The component is mandatory in the student's curriculum."),
                lambda: _("The component is not mandatory in the student's curriculum."),
            ),
        ),
        Rule(
            code="req.IV",
            citation=requirement("IV"),
            summary=gettext_lazy(
                "The component is not offered this term, or clashes with "
                "another mandatory component."
            ),
            check=lambda f: not f.component_offered_this_term or f.schedule_clash,
            explain=by_outcome(
                lambda: _(
                    "The component (or an equivalent) is not offered this term, or its "
                    "schedule clashes with another mandatory component."
                ),
                lambda: _(
                    "The component is offered this term without a schedule clash: the "
                    "student can enrol in the regular class."
                ),
            ),
        ),
        Rule(
            code="obs.1",
            citation=condition(1),
            summary=gettext_lazy("At most 2 components requested per term."),
            check=lambda f: f.other_requests_this_term + 1 <= MAX_COMPONENTS_PER_TERM,
            explain=by_outcome(
                lambda: _("This is request %(requests)d of at most %(per_term)d this term."),
                lambda: _(
                    "With this one the student would have %(requests)d requests this "
                    "term; at most %(per_term)d are allowed."
                ),
            ),
        ),
        Rule(
            code="obs.2",
            citation=condition(2),
            summary=gettext_lazy("At most 4 individual classes over the whole course."),
            # No exemption for a special educational need: the pages list none.
            check=lambda f: f.individual_classes_taken + 1 <= MAX_COMPONENTS_PER_COURSE,
            explain=by_outcome(
                lambda: _(
                    "The student has %(taken)d other individual classes, taken or requested; "
                    "at most %(per_course)d are allowed over the course."
                ),
                lambda: _(
                    "The student already has %(taken)d individual classes, taken or "
                    "requested; at most %(per_course)d are allowed over the course."
                ),
            ),
        ),
        # Observation 3 is one clause with two limits: a rule for each, so that the verdict
        # says which one failed.
        Rule(
            code="obs.3.grade",
            citation=condition(3),
            summary=gettext_lazy("At most two failures by grade in the component."),
            check=lambda f: f.failures_by_grade <= MAX_FAILURES_BY_GRADE,
            explain=by_outcome(
                lambda: _(
                    "The student has %(grade)d failure(s) by grade in the component; at "
                    "most %(max_grade)d are allowed."
                ),
                lambda: _(
                    "The student has %(grade)d failures by grade in the component; at "
                    "most %(max_grade)d are allowed."
                ),
            ),
        ),
        Rule(
            code="obs.3.absence",
            citation=condition(3),
            summary=gettext_lazy("No failure by absence in the component or its equivalents."),
            check=lambda f: f.failures_by_absence == 0,
            explain=by_outcome(
                lambda: _("The student has no failure by absence in the component."),
                lambda: _(
                    "The student has %(absence)d failure(s) by absence in the component "
                    "or an equivalent."
                ),
            ),
        ),
        Rule(
            code="obs.4",
            citation=condition(4),
            summary=gettext_lazy("The component's teaching procedures suit an individual class."),
            check=lambda f: f.procedures_compatible,
            explain=by_outcome(
                lambda: _(
                    "The component's teaching procedures are compatible with an individual class."
                ),
                lambda: _(
                    "The component's teaching procedures are not compatible with an "
                    "individual class."
                ),
            ),
        ),
    ),
    # Approve or deny only: the pages mention no redirect nor schedule change.
    decision_outcomes=(),
    max_requests_per_term=MAX_COMPONENTS_PER_TERM,
    max_classes_per_course=MAX_COMPONENTS_PER_COURSE,
)
