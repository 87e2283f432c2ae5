"""Tag-like lists (goals, interests, languages of participants): normalised once, compared by key.

Stored form: Unicode NFC, lower case, inner whitespace collapsed, no empty or repeated tags,
in the order given. Comparison key: the stored form without diacritics, so that "técnicas de
estudio" and "tecnicas de estudio" match.
"""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.text import clean_text

MAX_TAG_LENGTH = 60
MAX_TAGS = 20
_SPACES = re.compile(r"\s+")


def normalise_tag(value):
    value = clean_text(value, max_length=MAX_TAG_LENGTH, required=False)
    return _SPACES.sub(" ", value).lower()


def normalise_tags(values):
    """A list of normalised tags from a list or a comma/semicolon/newline-separated string."""
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[,;\n]", values)
    result, seen = [], set()
    for value in values:
        tag = normalise_tag(value)
        if tag and tag_key(tag) not in seen:
            seen.add(tag_key(tag))
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise ValidationError(
            _("Give at most %(limit)d keywords (there are %(count)d)."),
            code="max_tags",
            params={"limit": MAX_TAGS, "count": len(result)},
        )
    return result


@functools.lru_cache(maxsize=8192)
def tag_key(tag):
    decomposed = unicodedata.normalize("NFKD", tag.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
