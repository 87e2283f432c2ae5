"""The SVG renderers on their own: accessible names, values written, gaps, colour and text."""

import re

from tests.a11y import contrast
from tutoria_cms.accreditation.charts import (
    HEAT_STEPS,
    bar_chart,
    heat_colours,
    heat_map_chart,
    line_chart,
    nice_top,
)
from tutoria_cms.core.evidence import HeatMap, HeatMapRow


def test_line_chart_breaks_at_missing_values_and_writes_every_value():
    svg = line_chart(
        "t",
        "Trend",
        "A: T1 10, T2 —, T3 30, T4 40",
        ["T1", "T2", "T3", "T4"],
        [
            ("A", [10, None, 30, 40], ["10", "—", "30", "40"]),
            ("B", [5, 6, 7, 8], ["5", "6", "7", "8"]),
        ],
        maximum=100,
        suffix=" %",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">Trend</title>' in svg
    assert '<desc id="t-desc">A: T1 10, T2 —, T3 30, T4 40</desc>' in svg
    polylines = re.findall(r'<polyline points="([^"]+)"', svg)
    # A: T1 alone (no line), then T3-T4; B: one line through its four points.
    assert [len(points.split()) for points in polylines] == [2, 4]
    for value in ("10", "30", "40", "5", "8"):
        assert f">{value}</text>" in svg
    assert ">—</text>" not in svg  # nothing is drawn for a missing value
    assert ">100 %</text>" in svg and ">0 %</text>" in svg
    assert svg.count("stroke-dasharray") >= 2  # B is dashed (line and legend)


def test_count_axis_rounds_up():
    assert nice_top(0) == (4, 1)
    assert nice_top(7) == (8, 2)
    assert nice_top(37) == (40, 10)
    assert nice_top(180) == (200, 50)


def test_bar_chart_keeps_long_labels_and_values_inside():
    label = "Reprovação: demais discentes matriculados"
    svg = bar_chart(
        "b", "Bars", "desc", [(label, 50, "50.0"), ("X", None, "suprimido")], maximum=100
    )
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert f">{label}</text>" in svg  # not shortened: the label column grew
    assert width >= 16 + 7 * len(label) + 320 + 8 * len("suprimido")
    assert f"<title>{label}: 50.0</title>" in svg


def test_heat_map_writes_each_value_and_marks_empty_cells():
    heat = HeatMap(
        key="h",
        title="Heat",
        description="Levels",
        row_header="Competency",
        columns=["Ana", "Bruno"],
        rows=[
            HeatMapRow("Didactics", [1, 4], group="Scientific", summary=2.5),
            HeatMapRow("Guidance", [None, 3], group="Technical", summary=3.0),
        ],
        scale=[(1, "Initial"), (2, "Developing"), (3, "Proficient"), (4, "Expert")],
        summary_label="Average",
        column_summary_label="Average",
        column_summaries=[1.0, 3.5],
    )
    svg = heat_map_chart("heat", heat)
    assert 'role="img"' in svg and '<title id="heat-title">Heat</title>' in svg
    assert '<desc id="heat-desc">Levels</desc>' in svg
    for text in (
        ">1</text>",
        ">4</text>",
        ">3</text>",
        ">2.50</text>",
        ">3.50</text>",
        ">–</text>",
        ">Scientific</text>",
        ">Expert</text>",
    ):
        assert text in svg
    assert "<title>Guidance · Ana: not assessed</title>" in svg
    assert 'stroke-dasharray="3 2"' in svg  # the empty cell is dashed, not only white


def test_heat_colours_keep_the_text_readable():
    assert heat_colours(1, 1, 4) == HEAT_STEPS[0]
    assert heat_colours(4, 1, 4) == HEAT_STEPS[-1]
    assert heat_colours(None, 1, 4)[0] == "#ffffff"
    for background, ink in HEAT_STEPS:
        # Dark text on light steps, white text on dark steps (WCAG contrast >= 4.5:1).
        assert contrast(background, ink) >= 4.5
