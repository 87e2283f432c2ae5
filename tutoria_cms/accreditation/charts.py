"""Server-side SVG charts: accessible (role="img", title, desc, a data table beside them, the
value written next to every mark so that colour never carries meaning alone), no JavaScript.

- :func:`bar_chart`: horizontal bars (indicators);
- :func:`line_chart`: series over terms (trend), each with its own dash pattern and marker;
- :func:`heat_map_chart`: a table of coloured cells with the value written in each.
"""

import math
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_AREA = 320
VALUE_WIDTH = 70
MAX_LABEL_WIDTH = 420
CHAR_WIDTH = 7.2  # average width of a character at 13px, to size the label column


@dataclass
class Bar:
    label: str
    value: object
    display: str
    y: int = 0
    width: float = 0
    short: str = ""


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
        items.append(
            Bar(
                label=str(label),
                value=value,
                display=display,
                y=index * (BAR_HEIGHT + GAP),
                width=round(width, 1),
            )
        )
    height = max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    # Room for the longest value written after the bars ("suppressed", "not available") and
    # for the labels (up to MAX_LABEL_WIDTH; longer ones are shortened, whole in the table).
    value_width = max([VALUE_WIDTH] + [12 + 8 * len(str(item.display)) for item in items])
    longest = max((len(item.label) for item in items), default=0)
    label_width = int(min(MAX_LABEL_WIDTH, max(LABEL_WIDTH, 16 + CHAR_WIDTH * longest)))
    room = longest if label_width < MAX_LABEL_WIDTH else int((label_width - 16) / CHAR_WIDTH)
    for item in items:
        item.short = truncate(item.label, room)
    return render_to_string(
        "tutoria_cms/accreditation/bar_chart.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "bars": items,
            "height": height,
            "width": label_width + BAR_AREA + value_width,
            "label_width": label_width,
            "bar_height": BAR_HEIGHT,
            "value_x": label_width + BAR_AREA + 6,
        },
    )


def truncate(text, length):
    text = str(text)
    return text if len(text) <= length else text[: max(length - 1, 1)].rstrip() + "…"


# Line chart (trend over terms) ---------------------------------------------------------------

# Okabe-Ito colours (distinguishable with colour-vision deficiencies), and for each series a
# dash pattern and a marker shape as well, so that colour is never the only difference.
SERIES_STYLES = (
    ("#0072B2", "", "circle"),
    ("#D55E00", "8 4", "square"),
    ("#009E73", "2 3", "triangle"),
    ("#CC79A7", "10 3 2 3", "diamond"),
    ("#E69F00", "4 4", "circle"),
    ("#56B4E9", "12 4", "square"),
)
PLOT_LEFT = 56
PLOT_TOP = 16
PLOT_HEIGHT = 220
SLOT_WIDTH = 110
LEGEND_LINE = 22


@dataclass
class Series:
    label: str
    values: list  # one per period, None where there is no value
    displays: list  # the text written at each point
    colour: str = ""
    dash: str = ""
    marker: str = ""
    points: list = field(default_factory=list)  # (x, y, display) of the values
    segments: list = field(default_factory=list)  # "x,y x,y ..." of runs without gaps
    legend_y: int = 0
    legend_marker: str = ""


def nice_top(value):
    """A round upper bound for a count axis (1, 2, 5 x 10^n steps, four intervals)."""
    if not value or value <= 4:
        return 4, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * magnitude >= raw:
            step = step * magnitude
            break
    return step * 4, step


def _marker_path(shape, x, y, size=5):
    if shape == "square":
        return f"M{x - size},{y - size}h{2 * size}v{2 * size}h{-2 * size}z"
    if shape == "triangle":
        return f"M{x},{y - size - 1}L{x + size + 1},{y + size}L{x - size - 1},{y + size}z"
    if shape == "diamond":
        return f"M{x},{y - size - 1}L{x + size + 1},{y}L{x},{y + size + 1}L{x - size - 1},{y}z"
    return f"M{x - size},{y}a{size},{size} 0 1,0 {2 * size},0a{size},{size} 0 1,0 {-2 * size},0z"


def line_chart(chart_id, title, description, labels, series, maximum=None, suffix=""):
    """Render series over ``labels`` (the x axis: terms). ``series``: (label, values, displays)
    tuples, one value (or None) and one display text per label. ``maximum``: top of the y
    axis (e.g. 100 for percentages), else a round number above the largest value."""
    numbers = [float(v) for _label, values, _d in series for v in values if v is not None]
    if maximum is None:
        top, step = nice_top(max(numbers, default=0))
    else:
        top, step = maximum, maximum / 4
    plot_width = SLOT_WIDTH * max(len(labels), 1)
    plot_top = PLOT_TOP + 12 * max(0, len(series) - 1)  # room for stacked value labels

    def y_of(value):
        return round(plot_top + PLOT_HEIGHT - PLOT_HEIGHT * float(value) / float(top), 1)

    ticks = []
    for index in range(5):
        value = step * index
        shown = f"{value:g}{suffix}"
        ticks.append({"y": y_of(value), "label": shown})
    x_labels = [
        {"x": PLOT_LEFT + SLOT_WIDTH * index + SLOT_WIDTH // 2, "label": str(label)}
        for index, label in enumerate(labels)
    ]
    items = []
    legend_top = plot_top + PLOT_HEIGHT + 44
    for index, (label, values, displays) in enumerate(series):
        colour, dash, marker = SERIES_STYLES[index % len(SERIES_STYLES)]
        item = Series(
            label=str(label),
            values=list(values),
            displays=list(displays),
            colour=colour,
            dash=dash,
            marker=marker,
            legend_y=legend_top + index * LEGEND_LINE,
            legend_marker=_marker_path(marker, PLOT_LEFT + 18, legend_top + index * LEGEND_LINE),
        )
        run = []
        for position, (value, display) in enumerate(zip(values, displays, strict=True)):
            if value is None:
                if len(run) > 1:
                    item.segments.append(" ".join(run))
                run = []
                continue
            x = x_labels[position]["x"]
            y = y_of(min(float(value), float(top)))
            item.points.append(
                {
                    "x": x,
                    "y": y,
                    "display": display,
                    "marker": _marker_path(marker, x, y),
                    "period": x_labels[position]["label"],
                }
            )
            run.append(f"{x},{y}")
        if len(run) > 1:
            item.segments.append(" ".join(run))
        items.append(item)
    # Values written above their points; equal or close values of several series at one
    # term are stacked instead of written over each other.
    used = {}
    for item in items:
        for point in item.points:
            label_y = point["y"] - 9
            taken = used.setdefault(point["x"], [])
            while any(abs(label_y - other) < 12 for other in taken):
                label_y -= 12
            taken.append(label_y)
            point["label_y"] = round(label_y, 1)
    longest = max((len(item.label) for item in items), default=0)
    width = int(max(PLOT_LEFT + plot_width + 24, PLOT_LEFT + 52 + CHAR_WIDTH * longest))
    height = legend_top + len(items) * LEGEND_LINE + 4
    return render_to_string(
        "tutoria_cms/accreditation/line_chart.svg",
        {
            "chart_id": chart_id,
            "title": title,
            "description": description,
            "series": items,
            "ticks": ticks,
            "x_labels": x_labels,
            "width": width,
            "height": height,
            "plot_left": PLOT_LEFT,
            "plot_right": PLOT_LEFT + plot_width,
            "plot_top": plot_top,
            "plot_bottom": plot_top + PLOT_HEIGHT,
            "x_label_y": plot_top + PLOT_HEIGHT + 20,
        },
    )


# Heat map ------------------------------------------------------------------------------------

# From low to high, light to dark, each with the text colour that keeps the written value
# readable (contrast >= 4.5:1).
HEAT_STEPS = (
    ("#fde0c5", "#1a1a1a"),
    ("#facba6", "#1a1a1a"),
    ("#9ecae1", "#1a1a1a"),
    ("#2171b5", "#ffffff"),
    ("#08519c", "#ffffff"),
)
EMPTY_CELL = ("#ffffff", "#595959")
CELL_WIDTH = 58
CELL_HEIGHT = 26
HEAT_LABEL_WIDTH = 280
HEADER_HEIGHT = 120
GROUP_HEIGHT = 24
SUMMARY_GAP = 10


def heat_colours(value, low, high):
    if value is None:
        return EMPTY_CELL
    ratio = 0.0 if high <= low else (float(value) - low) / (high - low)
    ratio = max(0.0, min(1.0, ratio))
    return HEAT_STEPS[round(ratio * (len(HEAT_STEPS) - 1))]


def format_number(value, decimals=None):
    """A cell's text: levels as they are, averages (``decimals``) rounded, "–" for none."""
    if value is None:
        return "–"
    if decimals is not None:
        return f"{float(value):.{decimals}f}"
    if isinstance(value, float):
        return f"{value:.2f}" if not value.is_integer() else f"{value:g}"
    return str(value)


def _cell(x, y, value, low, high, tip, decimals=None):
    fill, ink = heat_colours(value, low, high)
    return {
        "x": x,
        "y": y,
        "fill": fill,
        "ink": ink,
        "text": format_number(value, decimals),
        "tx": x + CELL_WIDTH // 2,
        "ty": y + CELL_HEIGHT // 2 + 5,
        "tip": tip,
        "empty": value is None,
    }


def heat_map_chart(chart_id, heat):
    """Render a :class:`tutoria_cms.core.evidence.HeatMap` as SVG (``heat.rows`` grouped by
    ``row.group``; a summary column and a summary row when given)."""
    values = [level for level, _label in heat.scale]
    low, high = (min(values), max(values)) if values else (0, 1)
    not_assessed = _("not assessed")
    columns_x = [HEAT_LABEL_WIDTH + index * CELL_WIDTH for index in range(len(heat.columns))]
    summary_x = HEAT_LABEL_WIDTH + len(heat.columns) * CELL_WIDTH + SUMMARY_GAP
    headers = [
        {"x": x + CELL_WIDTH // 2, "label": str(label)}
        for x, label in zip(columns_x, heat.columns, strict=True)
    ]
    if heat.summary_label:
        headers.append(
            {"x": summary_x + CELL_WIDTH // 2, "label": heat.summary_label, "summary": True}
        )
    y = HEADER_HEIGHT
    lines = []
    group = None
    for row in heat.rows:
        if row.group and row.group != group:
            group = row.group
            lines.append({"kind": "group", "y": y, "ty": y + 17, "label": str(group)})
            y += GROUP_HEIGHT
        cells = [
            _cell(
                x,
                y,
                value,
                low,
                high,
                f"{row.label} · {column}: "
                f"{format_number(value) if value is not None else not_assessed}",
            )
            for x, column, value in zip(columns_x, heat.columns, row.values, strict=True)
        ]
        if heat.summary_label:
            cells.append(
                _cell(
                    summary_x,
                    y,
                    row.summary,
                    low,
                    high,
                    f"{row.label} · {heat.summary_label}: {format_number(row.summary, 2)}",
                    decimals=2,
                )
            )
        lines.append(
            {
                "kind": "row",
                "y": y,
                "ty": y + CELL_HEIGHT // 2 + 5,
                "label": str(row.label),
                "cells": cells,
            }
        )
        y += CELL_HEIGHT
    if heat.column_summary_label and heat.column_summaries:
        y += SUMMARY_GAP
        cells = [
            _cell(
                x,
                y,
                value,
                low,
                high,
                f"{heat.column_summary_label} · {column}: {format_number(value, 2)}",
                decimals=2,
            )
            for x, column, value in zip(columns_x, heat.columns, heat.column_summaries, strict=True)
        ]
        lines.append(
            {
                "kind": "row",
                "y": y,
                "ty": y + CELL_HEIGHT // 2 + 5,
                "label": heat.column_summary_label,
                "cells": cells,
                "summary": True,
            }
        )
        y += CELL_HEIGHT
    legend_y = y + 24
    legend = [
        {
            "x": HEAT_LABEL_WIDTH + index * 150,
            "value": level,
            "label": str(label),
            "fill": heat_colours(level, low, high)[0],
            "ink": heat_colours(level, low, high)[1],
        }
        for index, (level, label) in enumerate(heat.scale)
    ]
    width = max(summary_x + CELL_WIDTH + 110, HEAT_LABEL_WIDTH + len(legend) * 150)
    return render_to_string(
        "tutoria_cms/accreditation/heat_map.svg",
        {
            "chart_id": chart_id,
            "title": heat.title,
            "description": heat.description,
            "headers": headers,
            "lines": lines,
            "legend": legend,
            "legend_y": legend_y,
            "legend_label": _("Scale:"),
            "empty_label": not_assessed,
            "width": width,
            "height": legend_y + 36,
            "label_x": HEAT_LABEL_WIDTH - 8,
            "cell_width": CELL_WIDTH,
            "cell_height": CELL_HEIGHT,
            "header_y": HEADER_HEIGHT - 8,
        },
    )
