"""The evidence registry: the sources every installed app contributes (see
:mod:`tutoria_cms.core.evidence`). An app that is not installed registers nothing, so its
sheets and indicators are simply absent.
"""

from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

from tutoria_cms.core.evidence import EVIDENCE_HOOK, EvidenceSource, Indicator, Unit

__all__ = ["EVIDENCE_HOOK", "EvidenceSource", "Indicator", "Unit", "get_sources"]


def get_sources():
    """Every registered source, in sheet order. Keys must be unique."""
    sources = []
    for hook in hooks.get_hooks(EVIDENCE_HOOK):
        result = hook()
        if result is None:
            continue
        if isinstance(result, EvidenceSource):
            result = [result]
        sources.extend(result)
    keys = [source.key for source in sources]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"Evidence sources registered twice: {duplicates}")
    return sorted(sources, key=lambda source: (source.order, source.key))
