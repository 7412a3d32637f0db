"""Chart builders: the right data, the worst on top, lagging highlighted, Chinese titles, people's number formats."""

from __future__ import annotations

import pandas as pd

from ui import charts, labels

CHILDREN = pd.DataFrame(
    {
        "name": ["甲街道", "乙街道", "丙街道", "丁街道"],
        "contact_coverage": [0.9, 0.5, None, 0.7],
        "overdue": [3, 40, 0, 12],
    }
)


def test_ranking_puts_the_worst_on_top_and_highlights_the_lagging():
    lagging = pd.Series([False, True, False, False])
    figure = charts.build_ranking_figure(CHILDREN, "contact_coverage", lagging=lagging, title="哪些街道联系覆盖率偏低")
    bar = figure.data[0]
    assert list(bar.y)[-1] == "乙街道"  # plotly draws the last bar at the top
    assert list(bar.y)[0] == "丙街道"  # no figure: at the bottom
    assert bar.marker.color[-1] == charts.HIGHLIGHT and bar.marker.color[-2] == charts.NEUTRAL
    assert figure.layout.xaxis.tickformat == ".1%"
    assert figure.layout.title.text == "哪些街道联系覆盖率偏低"


def test_ranking_of_a_bad_count_puts_the_largest_on_top():
    figure = charts.build_ranking_figure(CHILDREN, "overdue", lagging=pd.Series([False] * 4), title="t")
    assert list(figure.data[0].y)[-1] == "乙街道"
    assert figure.layout.xaxis.tickformat == ",.0f"


def test_trend_has_one_point_per_week_and_a_chinese_axis():
    trend = pd.DataFrame({"volunteer_hours": [1.5, 2.0, 0.0]}, index=["2026-W45", "2026-W46", "2026-W47"])
    figure = charts.build_trend_figure(trend, "volunteer_hours")
    assert list(figure.data[0].x) == ["2026-W45", "2026-W46", "2026-W47"]
    assert figure.layout.xaxis.title.text == labels.AXIS_WEEK
    assert labels.INDICATOR_LABELS["volunteer_hours"] in figure.layout.title.text
    assert "Noto Sans CJK SC" in figure.layout.font.family
