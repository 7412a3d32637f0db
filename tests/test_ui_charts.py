"""Chart builders: the right data, the worst on top, lagging highlighted, Chinese titles, people's number formats."""

from __future__ import annotations

import pandas as pd
import pytest

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


LINK = '<a href="https://evil.example">点我</a>&<b>'  # plotly renders <a href> as a link in labels and hover
SHOWN = '&lt;a href="https://evil.example"&gt;点我&lt;/a&gt;&amp;&lt;b&gt;'  # entities: shown as written


def strings_in(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings_in(value)]
    if isinstance(node, list | tuple):
        return [s for value in node for s in strings_in(value)]
    return []


@pytest.mark.parametrize(
    "build",
    [
        lambda f: charts.build_ranking_figure(f, "overdue", lagging=pd.Series([False] * len(f)), title="t"),
        lambda f: charts.build_bar_figure(f, x="name", y="overdue", title="t", x_title="x", y_title="y"),
        lambda f: charts.build_grouped_bar_figure(f, ["overdue"], title="t"),
        lambda f: charts.build_horizontal_bar_figure(f, x="overdue", y="name", title="t", x_title="x"),
        lambda f: charts.build_station_ranking_figure(f, label="name", value="overdue", title="t", hover="name"),
        lambda f: charts.build_stacked_bar_figure(
            f.set_index("name")[["overdue"]], names={"overdue": LINK}, title="t", x_title="x", y_title="y"
        ),
    ],
    ids=["ranking", "bar", "grouped", "horizontal", "station ranking", "stacked"],
)
def test_a_name_with_tags_is_shown_as_text(build):
    figure = build(CHILDREN.assign(name=["甲街道", LINK, "丙街道", "丁街道"]))
    strings = strings_in(figure.to_plotly_json()["data"])
    assert not [s for s in strings if "<a" in s or "<b>" in s]
    assert any(SHOWN in s for s in strings)


def test_the_funnel_writes_each_step_s_count_and_share_of_the_one_before():
    from ui.charts import FONT_FAMILY, build_funnel_figure

    steps = ["当月报到", "30 天内首次联系", "90 天内三联齐全"]
    figure = build_funnel_figure(steps, [1200, 875, 0], [None, 875 / 1200, 0.0], title="10月报到的党员")
    funnel = figure.data[0]
    assert list(funnel.x) == [1200, 875, 0] and list(funnel.y)[0] == "当月报到"
    assert list(funnel.text) == ["1,200 人", "875 人（上一步的 72.9%）", "0 人"]
    assert figure.layout.font.family == FONT_FAMILY and figure.layout.title.text == "10月报到的党员"
