"""Server-side SVG bar charts: accessible (title, desc, a data table beside), no JavaScript."""

from dataclasses import dataclass

from django.template.loader import render_to_string

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_AREA = 320
VALUE_WIDTH = 70


@dataclass
class Bar:
    label: str
    value: object
    display: str
    y: int = 0
    width: float = 0


def bar_chart(chart_id, title, description, bars, maximum=None):
    """Render a horizontal bar chart. ``bars``: (label, value, display text) tuples; bars
    without a numeric value are drawn empty (the table says why)."""
    items = []
    numbers = [float(value) for _label, value, _text in bars if value is not None]
    top = maximum if maximum is not None else max(numbers, default=0)
    for index, (label, value, display) in enumerate(bars):
        width = 0.0
        if value is not None and top:
            width = BAR_AREA * float(value) / float(top)
        items.append(Bar(label=str(label), value=value, display=display,
                         y=index * (BAR_HEIGHT + GAP), width=round(width, 1)))
    height = max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return render_to_string(
        "tutoria_cms/accreditation/bar_chart.svg",
        {
            "chart_id": chart_id, "title": title, "description": description, "bars": items,
            "height": height, "width": LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
            "value_x": LABEL_WIDTH + BAR_AREA + 6,
        },
    )
