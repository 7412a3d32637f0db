"""The 驿站服务 page's parts that are more than layout: headline, rankings, when and what, idle stations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import columns as c
from metrics.report import Figure
from metrics.stations import COMMUNITY, KIND, VISITS, VisitPatterns
from ui import labels
from ui.charts import build_bar_figure, build_station_ranking_figure, build_visit_heatmap_figure
from ui.widgets import render_indicator

HEADLINE_KEYS = ("station_coverage", "station_visits", "idle_stations")
_CHART_CONFIG = {"displayModeBar": False}
_LABEL = "label"


def render_headline(
    report: dict[str, dict[str, Figure]], trend: pd.DataFrame, demands: int, previous_demands: int
) -> None:
    """The three station indicators (as `cli.py report` gives them) with sparklines, and the week's demands
    against last week's (neither good nor bad, so the change is not coloured)."""
    columns = st.columns(len(HEADLINE_KEYS) + 1)
    for column, key in zip(columns, HEADLINE_KEYS, strict=False):
        with column:
            render_indicator(key, report[key], trend[key])
    columns[-1].metric(
        labels.STATIONS_DEMANDS,
        f"{demands:,}",
        delta=f"{demands - previous_demands:+,}",
        delta_color="off",
        help=labels.STATIONS_DEMANDS_HELP + labels.PREVIOUS_WEEK.format(value=f"{previous_demands:,}"),
        border=True,
    )


def station_labels(stations: pd.DataFrame) -> pd.Series:
    """Each station's name, followed by its community unless the name already says it."""
    return pd.Series(
        [
            name
            if community and community in name
            else labels.STATIONS_NAME_WITH_COMMUNITY.format(name=name, community=community)
            for name, community in zip(stations[c.NAME], stations[COMMUNITY], strict=True)
        ],
        index=stations.index,
        dtype=object,
    )


def _ranking(frame: pd.DataFrame, title: str) -> None:
    figure = build_station_ranking_figure(
        frame.assign(**{_LABEL: station_labels(frame)}), label=_LABEL, value=VISITS, title=title, hover=c.PATH
    )
    st.plotly_chart(figure, config=_CHART_CONFIG)


def render_rankings(busiest: pd.DataFrame, quietest: pd.DataFrame) -> None:
    """The busiest and the quietest open stations side by side, or all of them in one chart when few."""
    if quietest.empty:
        _ranking(busiest, labels.STATIONS_ALL_TITLE)
    else:
        left, right = st.columns(2)
        with left:
            _ranking(busiest, labels.STATIONS_BUSIEST_TITLE.format(count=len(busiest)))
        with right:
            _ranking(quietest, labels.STATIONS_QUIETEST_TITLE.format(count=len(quietest)))
    st.caption(labels.STATIONS_RANKING_NOTE)


def render_services(patterns: VisitPatterns) -> None:
    """Visits of the week per service, in Chinese, busiest first."""
    if not patterns.total:
        st.info(labels.STATIONS_NO_VISITS)
        return
    frame = patterns.by_service.assign(**{c.SERVICE: patterns.by_service[c.SERVICE].map(labels.SERVICE_LABELS)})
    figure = build_bar_figure(
        frame,
        x=c.SERVICE,
        y=VISITS,
        title=labels.STATIONS_SERVICES_TITLE,
        x_title=labels.AXIS_SERVICE,
        y_title=labels.AXIS_VISITS,
    )
    if frame[VISITS].max() < 8:
        figure.update_yaxes(dtick=1)  # whole visits only: no 0, 1, 1, 2 from rounded half steps
    st.plotly_chart(figure, config=_CHART_CONFIG)


def render_heatmap(patterns: VisitPatterns) -> None:
    if patterns.total:
        st.plotly_chart(
            build_visit_heatmap_figure(patterns.heatmap, title=labels.STATIONS_HEATMAP_TITLE), config=_CHART_CONFIG
        )


def render_idle_table(idle: pd.DataFrame) -> None:
    """The open stations without a visit this week: name, community, kind and opening date, in Chinese."""
    st.subheader(labels.STATIONS_IDLE_TITLE.format(count=len(idle)))
    if idle.empty:
        st.success(labels.STATIONS_NO_IDLE)
        return
    table = idle.assign(
        **{
            KIND: idle[KIND].map(labels.STATION_KIND_LABELS).fillna(labels.STATIONS_NOT_GIVEN),
            c.OPENED_ON: [labels.STATIONS_NOT_GIVEN if pd.isna(day) else str(day)[:10] for day in idle[c.OPENED_ON]],
        }
    )
    columns = [c.NAME, COMMUNITY, c.PATH, KIND, c.OPENED_ON]
    st.dataframe(table[columns].rename(columns=labels.STATIONS_IDLE_COLUMNS), hide_index=True, width="stretch")
