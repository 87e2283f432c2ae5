"""Clean and check free text typed by people (names, places, notes).

Everything the suite stores from a form or an import goes through :func:`clean_text`:
Unicode NFC, no control characters, no text made only of invisible characters, no invisible
characters at either end.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


def strip_invisible(value):
    """``value`` without whitespace or invisible characters at either end."""
    start, end = 0, len(value)
    while start < end and (value[start] in INVISIBLE or value[start].isspace()):
        start += 1
    while end > start and (value[end - 1] in INVISIBLE or value[end - 1].isspace()):
        end -= 1
    return value[start:end]


def has_control_characters(value, allow_newlines=False):
    for char in value:
        if allow_newlines and char in "\n\r\t":
            continue
        if unicodedata.category(char) == "Cc":
            return True
    return False


def clean_text(value, *, max_length=None, allow_newlines=False, required=True):
    """Return ``value`` normalised to NFC and stripped, or raise a translated ValidationError."""
    if value is None:
        value = ""
    value = unicodedata.normalize("NFC", str(value)).strip()
    if has_control_characters(value, allow_newlines=allow_newlines):
        raise ValidationError(
            _("Remove the control characters (invisible characters such as NUL) from this text."),
            code="control_characters",
        )
    if value and all(char in INVISIBLE or char.isspace() for char in value):
        raise ValidationError(
            _("This text is made only of invisible characters."), code="invisible"
        )
    # Invisible characters at either end (a stray BOM, a zero-width space pasted with the
    # text) would make "Ana" and "\u200bAna" two different names or student numbers.
    value = strip_invisible(value)
    if required and not value:
        raise ValidationError(_("This field is required."), code="required")
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("Use at most %(limit)d characters (this text has %(length)d)."),
            code="max_length",
            params={"limit": max_length, "length": len(value)},
        )
    return value


def search_query(value, max_length=200):
    """Text typed in a search box, made safe to search with (never refused).

    NFC; control characters become spaces (PostgreSQL refuses a NUL in a query); trimmed of
    blanks and invisible characters; at most ``max_length`` characters.
    """
    value = unicodedata.normalize("NFC", str(value or ""))
    value = "".join(" " if unicodedata.category(char) == "Cc" else char for char in value)
    return strip_invisible(value)[:max_length].strip()
