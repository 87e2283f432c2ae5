"""UFOPA Resolução nº 331, de 28 de setembro de 2020 (Regimento de Graduação), arts. 242-244.

Individual teaching classes (turma de ensino individual, tutoria). Seed 004. Besides approve
and deny, the board may redirect the student to a regular class (art. 242, § 1; art. 246,
sole paragraph) or settle the request by a schedule change. Its limits (requests per term,
classes per course, students per class, classes per tutor, the in-person share) are on the
rule set, where the requests app reads them.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import CHANGE_SCHEDULE, REDIRECT, Rule, RuleSet, explainer

REGULATION = "UFOPA Resolução nº 331/2020"
MIN_PERCENT_COMPLETED = 90
MAX_COMPONENTS_PER_TERM = 2
MAX_COMPONENTS_PER_COURSE = 4
MAX_FAILURES_BY_GRADE = 2
MAX_STUDENTS_PER_CLASS = 4  # art. 246, sole paragraph
MAX_CLASSES_PER_TUTOR_PER_TERM = 1  # art. 241, sole paragraph (the tutor's work plan)
IN_PERSON_SHARE = 30  # art. 241: per cent of the component's hours
# Art. 241, sole paragraph: the in-person hours are recorded in the tutor's work plan (PIT)
# up to one component per regular term; it gives no number of hours. The limit is the one
# class per tutor per term above: no cap in hours.
MAX_WORK_PLAN_HOURS_PER_TERM = None


def cite(article, clause=None):
    return f"{REGULATION}, art. {article}" + (f", {clause}" if clause else "")


# Sentences by outcome, formatted with the facts and this regulation's numbers.
by_outcome = explainer(
    minimum=MIN_PERCENT_COMPLETED,
    per_term=MAX_COMPONENTS_PER_TERM,
    per_course=MAX_COMPONENTS_PER_COURSE,
    max_grade=MAX_FAILURES_BY_GRADE,
)


def has_special_need(facts):
    return facts.special_educational_need


RULE_SET = RuleSet(
    identifier="ufopa-331-2020",
    regulation_name=REGULATION,
    regulation_number="331/2020",
    effective_date=datetime.date(2020, 9, 28),
    rules=(
        Rule(
            code="art242.par2",
            citation=cite(242, "§ 2º"),
            summary=gettext_lazy("Only in regular terms, not in special (vacation) terms."),
            check=lambda f: f.term_is_regular,
            explain=by_outcome(
                lambda: _("The term is a regular term."),
                lambda: _("Individual classes cannot be opened in a special (vacation) term."),
            ),
        ),
        Rule(
            code="art243",
            citation=cite(243),
            summary=gettext_lazy("Activity-type components cannot be offered this way."),
            check=lambda f: not f.component_is_activity,
            explain=by_outcome(
                lambda: _("The component is not an activity-type component."),
                lambda: _(
                    "The component is an activity-type component, which cannot be "
                    "offered as an individual class."
                ),
            ),
        ),
        Rule(
            code="art244.I",
            citation=cite(244, "I"),
            summary=gettext_lazy("The student is a regular undergraduate student."),
            check=lambda f: f.regular_undergraduate,
            explain=by_outcome(
                lambda: _("The student is a regular undergraduate student."),
                lambda: _("The student is not a regular undergraduate student."),
            ),
        ),
        Rule(
            code="art244.II",
            citation=cite(244, "II"),
            summary=gettext_lazy("At least 90% of the curriculum hours completed."),
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
            code="art244.III",
            citation=cite(244, "III"),
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
            code="art244.IV",
            citation=cite(244, "IV"),
            summary=gettext_lazy("At most 4 individual classes over the whole course."),
            check=lambda f: f.individual_classes_taken + 1 <= MAX_COMPONENTS_PER_COURSE,
            exempt=has_special_need,
            explain=by_outcome(
                lambda: _(
                    "The student has %(taken)d other individual classes, taken or requested; "
                    "at most %(per_course)d are allowed over the course."
                ),
                lambda: _(
                    "The student already has %(taken)d individual classes, taken or "
                    "requested; at most %(per_course)d are allowed over the course."
                ),
                lambda: _(
                    "Exempt: the student has a registered special educational need "
                    "(art. 244, sole paragraph)."
                ),
            ),
        ),
        Rule(
            code="art244.V",
            citation=cite(244, "V"),
            summary=gettext_lazy("The component is mandatory in the student's curriculum."),
            check=lambda f: f.component_mandatory,
            explain=by_outcome(
                lambda: _("The component is mandatory in the student's curriculum."),
                lambda: _("The component is not mandatory in the student's curriculum."),
            ),
        ),
        Rule(
            code="art244.VI",
            citation=cite(244, "VI"),
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
            code="art244.VII",
            citation=cite(244, "VII"),
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
            code="art244.VIII",
            citation=cite(244, "VIII"),
            summary=gettext_lazy("At most two failures by grade in the component."),
            check=lambda f: f.failures_by_grade <= MAX_FAILURES_BY_GRADE,
            exempt=has_special_need,
            explain=by_outcome(
                lambda: _(
                    "The student has %(grade)d failure(s) by grade in the component; at "
                    "most %(max_grade)d are allowed."
                ),
                lambda: _(
                    "The student has %(grade)d failures by grade in the component; at "
                    "most %(max_grade)d are allowed."
                ),
                lambda: _(
                    "Exempt: the student has a registered special educational need "
                    "(art. 244, sole paragraph)."
                ),
            ),
        ),
        Rule(
            code="art244.IX",
            citation=cite(244, "IX"),
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
    # Art. 242, § 1: the unit prefers opening a regular class whenever possible; SIGAA also
    # settles a request by a schedule change (ajuste de matrícula).
    decision_outcomes=(REDIRECT, CHANGE_SCHEDULE),
    max_requests_per_term=MAX_COMPONENTS_PER_TERM,
    max_classes_per_course=MAX_COMPONENTS_PER_COURSE,
    max_students_per_class=MAX_STUDENTS_PER_CLASS,
    max_classes_per_tutor_per_term=MAX_CLASSES_PER_TUTOR_PER_TERM,
    in_person_share=IN_PERSON_SHARE,
    max_work_plan_hours_per_term=MAX_WORK_PLAN_HOURS_PER_TERM,
)
