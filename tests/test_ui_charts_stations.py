"""The 驿站服务 chart builders: bars in the given order from the top, idle in gold, a Monday-first heatmap in
the theme's sequential scale with Chinese weekdays and hours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui import charts, labels

STATIONS = pd.DataFrame(
    {
        "label": ["甲驿站", "乙驿站", "丙驿站"],
        "visits": [12, 3, 0],
        "path": ["江汉区/北湖街道/甲社区", "江汉区/北湖街道/乙社区", "武昌区/南湖街道/丙社区"],
    }
)


def test_ranking_keeps_the_frame_order_from_the_top():
    figure = charts.build_station_ranking_figure(STATIONS, label="label", value="visits", title="本周最忙的驿站")
    bar = figure.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["丙驿站", "乙驿站", "甲驿站"]  # plotly draws the last bar at the top
    assert list(bar.x) == [0, 3, 12]
    assert figure.layout.title.text == "本周最忙的驿站"
    assert figure.layout.xaxis.title.text == labels.AXIS_VISITS
    assert figure.layout.yaxis.type == "category"


def test_ranking_marks_stations_without_visits_in_gold():
    bar = charts.build_station_ranking_figure(STATIONS, label="label", value="visits", title="t").data[0]
    assert list(bar.marker.color) == [charts.HIGHLIGHT, charts.PRIMARY, charts.PRIMARY]
    assert bar.texttemplate == "%{x:,.0f}"


def test_ranking_of_small_counts_has_whole_ticks_and_hover_shows_the_area():
    figure = charts.build_station_ranking_figure(
        STATIONS.tail(2), label="label", value="visits", title="t", hover="path"
    )
    assert figure.layout.xaxis.dtick == 1
    assert figure.layout.xaxis.range[0] == 0
    assert list(figure.data[0].customdata) == ["武昌区/南湖街道/丙社区", "江汉区/北湖街道/乙社区"]
    assert "%{customdata}" in figure.data[0].hovertemplate


def test_ranking_of_all_zero_still_starts_at_zero():
    zeros = STATIONS.assign(visits=0)
    figure = charts.build_station_ranking_figure(zeros, label="label", value="visits", title="t")
    assert tuple(figure.layout.xaxis.range) == (0, 1.15)


def test_ranking_grows_with_the_number_of_stations():
    many = pd.DataFrame({"label": [f"驿站{i}" for i in range(20)], "visits": range(20)})
    short = charts.build_station_ranking_figure(many.head(3), label="label", value="visits", title="t")
    tall = charts.build_station_ranking_figure(many, label="label", value="visits", title="t")
    assert tall.layout.height > short.layout.height


def test_heatmap_has_chinese_weekdays_monday_on_top_and_hours():
    matrix = pd.DataFrame(np.arange(7 * 24).reshape(7, 24), index=range(7), columns=range(24))
    figure = charts.build_visit_heatmap_figure(matrix, title="什么时候来驿站")
    heat = figure.data[0]
    assert heat.type == "heatmap"
    assert list(heat.y) == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert list(heat.x)[0] == "0时" and list(heat.x)[-1] == "23时" and len(heat.x) == 24
    assert np.asarray(heat.z).tolist() == matrix.to_numpy().tolist()
    assert heat.zmin == 0
    assert figure.layout.yaxis.autorange == "reversed"  # Monday at the top
    assert figure.layout.xaxis.title.text == labels.AXIS_HOUR
    assert heat.colorbar.title.text == labels.AXIS_VISITS
    assert figure.layout.title.text == "什么时候来驿站"
    assert figure.layout.font.family == charts.FONT_FAMILY


def test_heatmap_uses_the_theme_sequential_scale():
    matrix = pd.DataFrame(np.zeros((7, 24), dtype=int))
    heat = charts.build_visit_heatmap_figure(matrix, title="t").data[0]
    expected = charts.go.Heatmap(colorscale=charts.SEQUENTIAL).colorscale
    assert heat.colorscale == expected


def test_heatmap_of_a_quiet_week_has_whole_colour_ticks():
    matrix = pd.DataFrame(np.zeros((7, 24), dtype=int))
    matrix.loc[0, 12] = 1
    heat = charts.build_visit_heatmap_figure(matrix, title="t").data[0]
    assert heat.colorbar.dtick == 1 and heat.zmax == 1
    busy = charts.build_visit_heatmap_figure(matrix * 50, title="t").data[0]
    assert busy.colorbar.dtick is None and busy.zmax == 50
