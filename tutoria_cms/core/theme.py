"""The site's theme colours (issue #17, item 1): hex colours checked for WCAG AA contrast.

``Settings › Institution`` holds a primary and an accent colour. The default theme writes
white text on the primary colour (header, buttons) and uses the accent colour for links and
text on a white page, so both must reach a contrast ratio of at least 4.5:1 against white
(WCAG 2.x, success criterion 1.4.3, level AA), computed with WCAG's relative luminance.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PRIMARY = "#0b5c8c"
DEFAULT_ACCENT = "#0b5c8c"
WHITE = "#ffffff"
AA_NORMAL_TEXT = 4.5
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def channel(value):
    """One sRGB channel (0-255) linearised as WCAG 2.x says."""
    value = value / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour):
    """WCAG relative luminance of ``#rrggbb``: 0 (black) to 1 (white)."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first, second):
    """WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def validate_colour(value):
    """A ``#rrggbb`` colour dark enough for white text on it, and for text on white (AA)."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter a colour as # followed by six hexadecimal digits, for example #0b5c8c."),
            code="invalid_colour",
        )
    ratio = contrast_ratio(value, WHITE)
    if ratio < AA_NORMAL_TEXT:
        raise ValidationError(
            _(
                "This colour is too light: its contrast with white is %(ratio)s:1, and at "
                "least 4.5:1 is needed so that text stays readable (WCAG AA). Choose a "
                "darker colour."
            ),
            code="low_contrast",
            params={"ratio": f"{ratio:.2f}"},
        )


def image_with_renditions(field="image"):
    """A ``Prefetch`` of a page's image (``field``) with all its renditions: two queries for
    a page or a whole listing (none when no page has an image), after which the page's
    ``srcset_image`` and its link preview's rendition read no more."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    return Prefetch(field, queryset=get_image_model().objects.prefetch_renditions())
