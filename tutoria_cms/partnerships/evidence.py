"""The partnerships' contribution to accreditation workbooks (``register_tutoria_evidence``).

One sheet, "Agreements": one row per agreement with its partner, sector, purposes, current
stage, dates, its commitments (total, fulfilled, overdue) and the programmes and workshops it
supports. Partner contacts, descriptions, stage notes and fulfilment reports are not exported.
Indicators: signed agreements, active agreements, overdue commitments.

Scope:

- site: the agreements of the export's site and those of no site in particular (``site`` empty
  counts for every site, as on the public page and in :func:`services.signed_agreements`);
- programme: with a programme filter, the agreements that support the programme page or a page
  below it (one of its workshops); an agreement that supports no page is institutional and only
  appears in exports without a programme filter;
- date range: without one, every agreement (signed or still being prepared). With one, the
  agreements **signed in the range, or in force at some time in it** (signed, started or
  without start date by the end of the range, not expired before its start), so that a
  term's workbook shows the agreements the programme could count on during that term as well
  as the ones it obtained. An open end of the range is today.

Indicators, in the same scope:

- signed agreements: signed between the range's dates (:func:`services.signed_agreements`);
- active agreements: in force at some time in the range (without a range: in force today,
  as :meth:`AgreementQuerySet.active`);
- overdue commitments: commitments of the agreements of the sheet due before the reference
  day (the end of the range, or today if it is later or there is no end) and not fulfilled on
  or before it. The sheet's "fulfilled" and "overdue" columns use the same day.

Agreements are history-tracked but the sheet is not rebuilt from the history: it shows current
data (``as_of_supported`` is False). The sheet is two queries whatever the number of rows: the
agreements with their commitment counts as subqueries (``values_list`` over ``.iterator``), and
the titles of the pages they support.
"""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core import institutions
from tutoria_cms.core.evidence import EvidenceSource

from . import services
from .choices import CurrentStage, Purpose, Sector
from .models import Agreement, Commitment

SECTION = _("Partnerships")


def reference_day(context):
    """The day commitments are judged on: the end of the range, or today if earlier."""
    today = timezone.localdate()
    if context.date_to is not None and context.date_to < today:
        return context.date_to
    return today


def _in_force_q(start, end):
    """Agreements in force on at least one day between ``start`` and ``end`` (None: open)."""
    q = Q(signed_on__isnull=False)
    if end is not None:
        q &= Q(signed_on__lte=end) & (Q(starts_on__isnull=True) | Q(starts_on__lte=end))
    if start is not None:
        q &= Q(expires_on__isnull=True) | Q(expires_on__gte=start)
    return q


def _signed_q(context):
    return Q(signed_on__isnull=False) & context.date_q("signed_on")


def _has_range(context):
    return context.date_from is not None or context.date_to is not None


def agreements_for_scope(context):
    """Agreements of the export's site and programme, whatever their dates."""
    agreements = Agreement.objects.for_site(context.site)
    if getattr(context, "user", None) is not None:  # the exporting person's institutions
        agreements = institutions.scope(agreements, context.user)
    if context.programme is not None:
        agreements = agreements.filter(
            pk__in=Agreement.objects.filter(
                supported_pages__path__startswith=context.programme.path
            ).values("pk")
        )
    return agreements


def agreements_in_scope(context):
    """The sheet's agreements: in scope, signed or in force in the date range (if any)."""
    agreements = agreements_for_scope(context)
    if not _has_range(context):
        return agreements
    end = context.date_to or timezone.localdate()
    return agreements.filter(_signed_q(context) | _in_force_q(context.date_from, end))


def active_agreements(context):
    if not _has_range(context):
        return agreements_for_scope(context).active()
    end = context.date_to or timezone.localdate()
    return agreements_for_scope(context).filter(_in_force_q(context.date_from, end))


def commitment_filters(day):
    fulfilled = Q(fulfilled_on__isnull=False, fulfilled_on__lte=day)
    overdue = Q(due_on__lt=day) & (Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=day))
    return fulfilled, overdue


def _commitment_count(condition=None):
    commitments = Commitment.objects.filter(agreement=OuterRef("pk"))
    if condition is not None:
        commitments = commitments.filter(condition)
    counted = commitments.order_by().values("agreement").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _labels(codes, labels):
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


class AgreementsSource(EvidenceSource):
    key = "agreements"
    title = _("Agreements")
    section = SECTION
    order = 60
    columns = (
        _("Agreement id"),
        _("Reference number"),
        _("Title"),
        _("Partner"),
        _("Sector"),
        _("Purposes"),
        _("Current stage"),
        _("Starts on"),
        _("Expires on"),
        _("Signed on"),
        _("Commitments"),
        _("Commitments fulfilled"),
        _("Commitments overdue"),
        _("Programmes and workshops supported"),
    )
    widths = (12, 18, 40, 30, 14, 40, 24, 12, 12, 12, 13, 13, 13, 50)

    def count(self, context):
        return agreements_in_scope(context).count()

    def rows(self, context):
        agreements = agreements_in_scope(context)
        supported = defaultdict(list)
        for agreement_id, title in (
            Agreement.objects.filter(pk__in=agreements.values("pk"))
            .filter(supported_pages__isnull=False)
            .order_by("pk", "supported_pages__title", "supported_pages__pk")
            .values_list("pk", "supported_pages__title")
        ):
            supported[agreement_id].append(title)
        fulfilled, overdue = commitment_filters(reference_day(context))
        sectors = dict(Sector.choices)
        purposes = dict(Purpose.choices)
        stages = dict(CurrentStage.choices)
        rows = (
            agreements.annotate(
                commitments_total=_commitment_count(),
                commitments_fulfilled=_commitment_count(fulfilled),
                commitments_overdue=_commitment_count(overdue),
            )
            .order_by("partner__name", "title", "pk")
            .values_list(
                "pk",
                "reference",
                "title",
                "partner__name",
                "partner__sector",
                "purposes",
                "current_stage",
                "starts_on",
                "expires_on",
                "signed_on",
                "commitments_total",
                "commitments_fulfilled",
                "commitments_overdue",
            )
        )
        for (
            pk,
            reference,
            title,
            partner,
            sector,
            purpose_codes,
            stage,
            starts_on,
            expires_on,
            signed_on,
            total,
            done,
            late,
        ) in rows.iterator(chunk_size=context.chunk_size):
            yield (
                pk,
                reference,
                title,
                partner,
                str(sectors.get(sector, sector)),
                _labels(purpose_codes, purposes),
                str(stages.get(stage, stage)),
                starts_on,
                expires_on,
                signed_on,
                total,
                done,
                late,
                ", ".join(supported.get(pk, ())),
            )

    def indicators(self, context):
        if context.programme is None:
            signed = services.signed_agreements(
                context.site, context.date_from, context.date_to, getattr(context, "user", None)
            )
        else:
            signed = agreements_for_scope(context).filter(_signed_q(context)).count()
        _fulfilled, overdue = commitment_filters(reference_day(context))
        overdue_count = Commitment.objects.filter(
            overdue, agreement__in=agreements_in_scope(context).values("pk")
        ).count()
        return [
            context.count_indicator(
                "signed_agreements",
                _("Signed agreements"),
                signed,
                definition=_(
                    "Agreements whose signature (execution stage) is dated in the "
                    "date range; with a programme, those supporting it or one of "
                    "its workshops."
                ),
            ),
            context.count_indicator(
                "active_agreements",
                _("Active agreements"),
                active_agreements(context).count(),
                definition=_(
                    "Signed agreements in force (started and not expired) at some "
                    "time in the date range; without a range, today."
                ),
            ),
            context.count_indicator(
                "overdue_commitments",
                _("Overdue commitments"),
                overdue_count,
                definition=_(
                    "Commitments of the agreements of the sheet due before the end "
                    "of the range (or today, if earlier) and not fulfilled by then."
                ),
            ),
        ]
