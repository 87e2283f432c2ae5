"""The academic records' contribution to accreditation workbooks (``register_tutoria_evidence``).

Term outcomes (:class:`~.models.TermStanding`): failure, lag and dropout of the students
tutored in the export's scope and period, compared with the other students enrolled, as
shares and as counts per term. Who is "tutored" is not decided here: the apps that record
tutoring say it (``EvidenceSource.tutored_students``; the requests app: a request of the
scope created in the period now in progress or closed, or presence at a group session of the
scope in the period, as the coverage indicator counts them), and the comparison is made in
the database with their querysets.

Period: the export's term, else the terms ending in its date range, else every term. A student
with a term outcome in a term of the period was enrolled in it. Academic records belong to no
site: "other students" are every enrolled student not tutored in the scope.

Failure, lag and dropout are about students' academic lives, and who counts as "tutored"
moves with the export's dates: so that two exports differing by one student do not reveal that
student's outcome (differencing), every count of students with an outcome is randomly rounded
to base 5, consistently (accreditation's ``disclosure.py``: the same true value of the same
cell always gives the same figure), in the sheet and in the shares' numerators; then counts
and shares whose students (after rounding) or group are under the small-cell threshold are
suppressed. Group sizes are not sensitive and are exact. Without any term outcome in the
period the indicators say "not available" instead of 0 %.
"""

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tutoria_cms.core.evidence import EvidenceSource

from .models import TermStanding

SECTION = _("Academic outcomes")
CHART = "term_outcomes"
CHART_TITLE = _("Failure, lag and dropout: tutored and other students")
NO_OUTCOMES = _("not available (the academic records do not carry term outcomes)")
NO_TUTORING = _("not available (no installed app records tutoring)")

# (key, label, condition on a standing)
OUTCOMES = (
    ("failure", _("Failure"), Q(failed_components__gte=1)),
    ("lag", _("Lag"), Q(lagging=True)),
    ("dropout", _("Dropout"), Q(dropped_out=True)),
)
# (key, label in a share's name, label of the group's size)
GROUPS = (
    ("tutored", _("tutored students"), _("Tutored students with term outcomes")),
    ("not_tutored", _("other enrolled students"), _("Other enrolled students with term outcomes")),
)


def standings_in_period(context):
    standings = context.in_institution(TermStanding.objects.all())
    if context.term is not None:
        return standings.filter(term=context.term)
    return standings.filter(context.date_q("term__ends_on"))


def tutored_condition(context):
    """A Q on standings: the student is tutored in the scope and period; None when no
    installed app records tutoring."""
    querysets = context.tutored_students()
    if querysets is None:
        return None
    condition = Q(pk__in=[])
    for queryset in querysets:
        condition |= Q(student_id__in=queryset)
    return condition


def _counts(condition=None):
    """Distinct students (of the standings matching ``condition``) and those with each
    outcome."""
    counts = {"students": Count("student", distinct=True, filter=condition)}
    for key, _label, outcome in OUTCOMES:
        counts[key] = Count(
            "student", distinct=True, filter=outcome if condition is None else condition & outcome
        )
    return counts


def outcome_counts(context):
    """{group: {"students": n, "failure": n, "lag": n, "dropout": n}}, or None when no
    student has a term outcome in the period. One query. Without tutoring data, the groups
    are None."""
    tutored = tutored_condition(context)
    aggregates = {"all_students": Count("student", distinct=True)}
    if tutored is not None:
        for group, condition in (("tutored", tutored), ("not_tutored", ~tutored)):
            aggregates.update(
                {f"{group}__{key}": value for key, value in _counts(condition).items()}
            )
    totals = standings_in_period(context).aggregate(**aggregates)
    if not totals["all_students"]:
        return None
    if tutored is None:
        return {group: None for group, *_labels in GROUPS}
    result = {}
    for group, *_labels in GROUPS:
        prefix = f"{group}__"
        result[group] = {
            key[len(prefix) :]: value for key, value in totals.items() if key.startswith(prefix)
        }
    return result


def sheet_cell(term_code, group, key):
    """What names a count of the sheet for its rounding draw (codes, not labels: the same in
    every language)."""
    group_key = {True: "tutored", False: "not_tutored", None: "all"}[group]
    return ("term_outcomes", term_code, group_key, key)


class TermOutcomesSource(EvidenceSource):
    key = "term_outcomes"
    title = _("Term outcomes")
    section = SECTION
    order = 55
    columns = (
        _("Term"),
        _("Group of students"),
        _("Students with term outcomes"),
        _("Failed at least one component"),
        pgettext_lazy("students counted", "Lagging"),
        pgettext_lazy("students counted", "Dropped out"),
    )
    widths = [14, 24, 18, 28, 14, 14]

    def _rows(self, context):
        tutored = tutored_condition(context)
        standings = standings_in_period(context)
        if tutored is None:
            standings = standings.annotate(group=Value(None, output_field=BooleanField()))
        else:
            standings = standings.annotate(
                group=Case(
                    When(tutored, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        return list(
            standings.values_list("term__code", "group")
            .annotate(**_counts())
            .order_by("term__starts_on", "term__code", "-group")
            .values_list("term__code", "group", "students", "failure", "lag", "dropout")
        )

    def count(self, context):
        return len(self._rows(context))

    def rows(self, context):
        labels = {True: _("Tutored"), False: _("Not tutored"), None: _("All enrolled students")}
        for term, group, students, *outcomes in self._rows(context):
            released = [
                context.release(sheet_cell(term, group, key), count)
                for (key, _label, _condition), count in zip(OUTCOMES, outcomes, strict=True)
            ]
            yield (term, labels[group], students, *released)

    def indicators(self, context):
        counts = outcome_counts(context)

        def unavailable(numbers):
            if numbers is not None:
                return ""
            return NO_OUTCOMES if counts is None else NO_TUTORING

        out = []
        for group, _group_label, size_label in GROUPS:
            numbers = counts[group] if counts else None
            out.append(
                context.count_indicator(
                    f"term_outcomes_{group}",
                    size_label,
                    numbers["students"] if numbers else None,
                    unavailable=unavailable(numbers),
                    section=SECTION,
                    definition=GROUP_DEFINITIONS[group],
                )
            )
        for key, outcome_label, _condition in OUTCOMES:
            for group, group_label, _size_label in GROUPS:
                numbers = counts[group] if counts else None
                indicator_key = f"{key}_rate_{group}"
                out.append(
                    context.share_indicator(
                        indicator_key,
                        _("%(outcome)s: %(group)s")
                        % {"outcome": outcome_label, "group": group_label},
                        context.round_sensitive((indicator_key,), numbers[key])
                        if numbers
                        else None,
                        numbers["students"] if numbers else None,
                        unavailable=unavailable(numbers),
                        section=SECTION,
                        definition=OUTCOME_DEFINITIONS[key] % {"group": group_label},
                        chart=CHART,
                        chart_title=CHART_TITLE,
                    )
                )
        return out


GROUP_DEFINITIONS = {
    "tutored": _(
        "Students with a term outcome in a term of the period (the export's term, else the "
        "terms ending in its dates) who were tutored in the scope and period: a request "
        "created in the period now in progress or closed, or present at a group session of "
        "the period (as for coverage)."
    ),
    "not_tutored": _(
        "Students with a term outcome in a term of the period (so enrolled in it) who were "
        "not tutored in the scope and period."
    ),
}
OUTCOME_DEFINITIONS = {
    "failure": _(
        "Share of %(group)s who failed at least one curricular component (by absence or by "
        "grade) in a term of the period, in per cent, those students randomly rounded to a "
        "multiple of 5. Suppressed when they (after rounding) or the group are fewer than the "
        "small-cell threshold."
    ),
    "lag": _(
        "Share of %(group)s recorded as lagging (behind the progress the curriculum expects) "
        "at the end of a term of the period, in per cent, those students randomly rounded to "
        "a multiple of 5. Suppressed when they (after rounding) or the group are fewer than "
        "the small-cell threshold."
    ),
    "dropout": _(
        "Share of %(group)s recorded as having dropped out (left the programme) in a term of "
        "the period, in per cent, those students randomly rounded to a multiple of 5. "
        "Suppressed when they (after rounding) or the group are fewer than the small-cell "
        "threshold."
    ),
}
