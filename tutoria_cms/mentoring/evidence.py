"""Peer mentoring's contribution to accreditation workbooks (``register_tutoria_evidence``).

One sheet, "Mentoring pairs": one row per pair that started (confirmed, possibly since ended by
a rematch or closed) with its programme, status, mentor and mentee (student numbers
pseudonymised unless the export is identified), when it was confirmed and ended, and how many
meetings it held, goals it set and goals it met (counts of the whole pair). Names, private
notes, shared notes, check-in feedback, achievements and final reflections are never exported;
suggested and rejected pairs (the matching's work, not mentoring) are left out.
Indicators: active pairs, closed pairs, goals met.

Scope: pairs of the mentoring programmes whose page is below the export's site or is the
programme filtered on (``context.pages_in_scope`` on the programme page's path). Without a date
range, every started pair; with one, the pairs that were under way at some time in it
(confirmed by its end and not ended before its start). Indicators, in the same scope:

- active pairs: with a date range, the pairs of the sheet (under way at some time in the
  range); without one, the pairs confirmed and not ended today
  (:func:`services.active_pairs_count`);
- closed pairs: pairs closed in the range (:func:`services.closed_pairs_count`);
- goals met: goals recorded as achieved at the closure of those pairs
  (:func:`services.goals_met_count`).

Pairs and goals are history-tracked but the sheet is not rebuilt from the history: it shows
current data (``as_of_supported`` is False). The sheet is one query whatever the number of
rows: the pairs with their student numbers joined and the counts as subqueries, over
``.iterator(chunk_size=...)``.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import EvidenceSource

from . import services
from .choices import STARTED_PAIR_STATUSES, GoalStatus, MeetingStatus, PairStatus
from .models import Goal, Meeting, MentoringProgramme, Pair

SECTION = _("Peer mentoring")


def _has_range(context):
    return context.date_from is not None or context.date_to is not None


def pairs_in_scope(context):
    """Started pairs of the programmes in scope, under way at some time in the date range."""
    pairs = context.pages_in_scope(
        Pair.objects.filter(status__in=STARTED_PAIR_STATUSES), "programme__page__path"
    )
    if context.site is not None:
        pairs = pairs.filter(site=context.site)
    if getattr(context, "user", None) is not None:  # the exporting person's institutions
        pairs = institutions.scope(pairs, context.user)
    if context.date_to is not None:
        pairs = pairs.filter(confirmed_at__date__lte=context.date_to)
    if context.date_from is not None:
        pairs = pairs.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=context.date_from))
    return pairs


def service_scope(context):
    """Keyword arguments of the evidence counts of ``services`` for the export's scope, or
    None when the programme filtered on has no peer-mentoring programme (every count is 0)."""
    scope = {"site": context.site, "user": getattr(context, "user", None)}
    if context.programme is not None:
        programme = MentoringProgramme.objects.filter(page_id=context.programme.pk).first()
        if programme is None:
            return None
        scope["programme"] = programme
    return scope


def _count(model, condition=None):
    records = model.objects.filter(pair=OuterRef("pk"))
    if condition is not None:
        records = records.filter(condition)
    counted = records.order_by().values("pair").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class PairsSource(EvidenceSource):
    key = "mentoring_pairs"
    title = _("Mentoring pairs")
    section = SECTION
    order = 30
    columns = (
        _("Pair id"),
        _("Programme"),
        _("Status"),
        _("Mentor"),
        _("Mentee"),
        _("Confirmed at"),
        _("Ended at"),
        _("Meetings held"),
        _("Goals"),
        _("Goals met"),
    )
    widths = (10, 40, 18, 18, 18, 18, 18, 14, 10, 10)

    def count(self, context):
        return pairs_in_scope(context).count()

    def rows(self, context):
        statuses = dict(PairStatus.choices)
        student_id = context.student_id
        pairs = (
            pairs_in_scope(context)
            .annotate(
                meetings_held=_count(Meeting, Q(status=MeetingStatus.HELD)),
                goals_total=_count(Goal),
                goals_met=_count(Goal, Q(status=GoalStatus.ACHIEVED)),
            )
            .order_by("programme__page__path", "confirmed_at", "pk")
            .values_list(
                "pk",
                "programme__page__title",
                "status",
                "mentor__student__student_number",
                "mentee__student__student_number",
                "confirmed_at",
                "closed_at",
                "meetings_held",
                "goals_total",
                "goals_met",
            )
        )
        for (
            pk,
            programme,
            status,
            mentor,
            mentee,
            confirmed_at,
            closed_at,
            meetings,
            goals,
            met,
        ) in pairs.iterator(chunk_size=context.chunk_size):
            yield (
                pk,
                programme,
                str(statuses.get(status, status)),
                student_id(mentor),
                student_id(mentee),
                confirmed_at,
                closed_at,
                meetings,
                goals,
                met,
            )

    def indicators(self, context):
        scope = service_scope(context)
        dates = {"start": context.date_from, "end": context.date_to}
        if scope is None:
            active = closed = met = 0
        else:
            if _has_range(context):
                active = pairs_in_scope(context).count()
            else:
                active = services.active_pairs_count(**scope)
            closed = services.closed_pairs_count(**scope, **dates)
            met = services.goals_met_count(**scope, **dates)
        return [
            context.count_indicator(
                "mentoring_active_pairs",
                _("Active mentoring pairs"),
                active,
                definition=_(
                    "Pairs confirmed by the end of the date range and not ended "
                    "(closed or rematched) before its start; without a range, the "
                    "pairs confirmed and not ended today."
                ),
            ),
            context.count_indicator(
                "mentoring_closed_pairs",
                _("Closed mentoring pairs"),
                closed,
                definition=_(
                    "Pairs closed in the date range, with their achievements and final reflection."
                ),
            ),
            context.count_indicator(
                "mentoring_goals_met",
                _("Mentoring goals met"),
                met,
                definition=_(
                    "Goals recorded as achieved at the closure of the pairs closed "
                    "in the date range."
                ),
            ),
        ]
