"""The trend over terms: the main indicators of the site for the last terms.

The terms come from the academics app's ``Term`` (looked up by label: accreditation imports no
app), ordered by their start: the selected term, else the latest one started, and those
before it, ``TREND_TERMS`` in all. Each installed app computes its series for every term at
once (``EvidenceSource.trends``), so the number of queries does not grow with the terms.
"""

import dataclasses

from django.utils import timezone

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.evidence import Period

from .context import term_model
from .registry import get_sources


def trend_periods(context, count=None):
    """The terms of the trend as :class:`Period`, oldest first (empty without academics)."""
    model = term_model()
    if model is None:
        return []
    count = count or tutoria_settings.TREND_TERMS
    terms = context.in_institution(model.objects.all())
    if context.term is not None:
        terms = terms.filter(starts_on__lte=context.term.starts_on)
    else:
        terms = terms.filter(starts_on__lte=timezone.localdate())
    latest = list(terms.order_by("-starts_on", "-code")[:count])
    return [
        Period(key=term.code, label=term.code, start=term.starts_on, end=term.ends_on)
        for term in reversed(latest)
    ]


def collect_trends(context, sources=None, periods=None):
    """(periods, trends): every source's series for the scope of ``context`` (its site and
    programme; its dates are replaced by the terms)."""
    periods = trend_periods(context) if periods is None else periods
    if not periods:
        return periods, []
    sources = get_sources() if sources is None else sources
    scope = dataclasses.replace(context, term=None, date_from=None, date_to=None)
    trends = []
    for source in sources:
        for trend in source.trends(scope, periods):
            trend.section = trend.section or str(source.section or source.title)
            trends.append(trend)
    return periods, trends
