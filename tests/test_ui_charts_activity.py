"""Chart builders of the 联系情况 and 志愿服务 pages: data in the right place, order, colours and formats."""

from __future__ import annotations

import pandas as pd

from ui import charts, labels


def test_histogram_labels_counts_and_shares_and_marks_the_zero_bucket():
    histogram = pd.DataFrame(
        {"bucket": ["0", "1", "5+"], "members": [1200, 30, 4], "share": pd.Series([0.5, 0.25, None], dtype=object)}
    )
    figure = charts.build_histogram_figure(
        histogram, x="bucket", y="members", share="share", title="几次", x_title="次数", y_title="人数"
    )
    bar = figure.data[0]
    assert list(bar.x) == ["0", "1", "5+"]
    assert list(bar.text) == ["1,200（50.0%）", "30（25.0%）", "4"]
    assert list(bar.marker.color) == [charts.HIGHLIGHT, charts.PRIMARY, charts.PRIMARY]
    assert figure.layout.xaxis.title.text == "次数" and figure.layout.yaxis.title.text == "人数"


def test_stacked_bars_one_trace_per_code_named_in_chinese():
    table = pd.DataFrame(
        {"outflow_org": [1, 2], "inflow_org": [3, 4], "member": [5, 6]}, index=["2026-W45", "2026-W46"]
    )
    figure = charts.build_stacked_bar_figure(
        table, names=labels.SIDE_LABELS, title="三联", x_title=labels.AXIS_WEEK, y_title=labels.AXIS_CONTACTS
    )
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["流出地党组织", "流入地党组织", "党员主动"]
    assert list(figure.data[2].y) == [5, 6] and list(figure.data[0].x) == ["2026-W45", "2026-W46"]
    assert figure.layout.legend.traceorder == "normal"


def test_lines_one_per_indicator_in_rate_format():
    trend = pd.DataFrame(
        {"three_way_complete": [0.2, 0.3], "contact_coverage": [0.6, None]}, index=["2026-W45", "2026-W46"]
    )
    figure = charts.build_lines_figure(trend, ["three_way_complete", "contact_coverage"], title="走势")
    assert [trace.name for trace in figure.data] == ["三联齐全率", "联系覆盖率"]
    assert figure.layout.yaxis.tickformat == ".1%"
    assert list(figure.data[0].x) == ["2026-W45", "2026-W46"]


def test_grouped_bars_put_the_largest_first_indicator_on_top():
    children = pd.DataFrame({"name": ["甲", "乙", "丙"], "overdue": [5, 40, 12], "lost_contact": [1, 9, 30]})
    figure = charts.build_grouped_bar_figure(children, ["overdue", "lost_contact"], title="超期")
    by_name = {trace.name: trace for trace in figure.data}
    overdue = by_name[labels.INDICATOR_LABELS["overdue"]]
    assert list(overdue.y) == ["甲", "丙", "乙"]  # plotly draws the last at the top
    assert list(overdue.x) == [5, 12, 40]
    assert list(by_name[labels.INDICATOR_LABELS["lost_contact"]].x) == [1, 30, 9]
    assert figure.layout.barmode == "group"


def test_week_bars_mark_the_chosen_week_and_name_the_peak():
    values = pd.Series([10.0, 95.5, 20.0, 12.0], index=["2026-W24", "2026-W25", "2026-W26", "2026-W27"])
    figure = charts.build_week_bars_figure(values, title="一年", y_title="小时", peak_text=labels.VOLUNTEER_PEAK)
    bar = figure.data[0]
    assert list(bar.marker.color) == [charts.NEUTRAL] * 3 + [charts.PRIMARY]
    (note,) = figure.layout.annotations
    assert note.x == "2026-W25" and note.text == "最高 2026-W25：95.5 小时"
    assert figure.layout.yaxis.tickformat == ",~f"
    quiet = charts.build_week_bars_figure(values * 0, title="一年", y_title="小时", peak_text=labels.VOLUNTEER_PEAK)
    assert not quiet.layout.annotations  # no peak to name in a year without hours


def test_horizontal_bars_keep_the_frame_order_from_the_top():
    frame = pd.DataFrame({"name": ["甲社区", "乙社区", "丙社区"], "hours": [21.0, 13.0, 12.5]})
    figure = charts.build_horizontal_bar_figure(
        frame, x="hours", y="name", title="前 10", x_title="小时", value_format=",.1f"
    )
    bar = figure.data[0]
    assert list(bar.y)[-1] == "甲社区" and list(bar.x)[-1] == 21.0
    assert bar.texttemplate == "%{x:,.1f}"
    assert figure.layout.title.text == "前 10"
