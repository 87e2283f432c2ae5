from django import template
from django.utils.html import format_html

register = template.Library()

# From low to high: light to dark, so that the number written in the cell stays readable
# (dark text on the light steps, white text on the dark ones; contrast >= 4.5:1).
HEAT_STEPS = [
    ("#fde0c5", "#1a1a1a"),
    ("#facba6", "#1a1a1a"),
    ("#9ecae1", "#1a1a1a"),
    ("#2171b5", "#ffffff"),
    ("#08519c", "#ffffff"),
]


@register.simple_tag
def heat_style(level, max_level):
    """Inline style of a heat-map cell: the colour of ``level`` on a 1..``max_level`` scale."""
    if level is None or not max_level:
        return ""
    ratio = max(0.0, min(1.0, (float(level) - 1) / max(1, max_level - 1)))
    background, colour = HEAT_STEPS[round(ratio * (len(HEAT_STEPS) - 1))]
    return format_html("background-color: {}; color: {};", background, colour)
