"""Text stored in three languages (es, pt-BR, en) on framework rows.

A field ``name`` is stored as ``name_es``, ``name_pt_br`` and ``name_en``; :func:`localized`
returns the one of the active language, falling back to English, Spanish, Portuguese.
"""

from django.utils import translation

LANGUAGE_SUFFIXES = ("es", "pt_br", "en")
FALLBACK_ORDER = ("en", "es", "pt_br")


def language_suffix(language=None):
    """``"es"``, ``"pt_br"`` or ``"en"`` for a language code such as ``pt-BR``; None if unknown."""
    code = (language or translation.get_language() or "").lower().replace("_", "-")
    if code.startswith("pt"):
        return "pt_br"
    base = code.split("-")[0]
    return base if base in LANGUAGE_SUFFIXES else None


def localized(obj, field, language=None):
    first = language_suffix(language)
    order = ((first,) if first else ()) + FALLBACK_ORDER
    for suffix in order:
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            return value
    return ""


class LocalizedTextMixin:
    """``name`` and ``description`` in the active language, with fallback."""

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    def __str__(self):
        return self.name or getattr(self, "code", "") or super().__str__()
