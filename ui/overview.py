"""The 总览 page's parts that are more than layout: the indicator grid and the child-area rankings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.registry import GROUPS
from metrics.report import Figure
from metrics.tables import compute_lagging
from ui import labels
from ui.charts import build_bar_figure, build_ranking_figure
from ui.widgets import render_indicator

PER_ROW = 3


def render_indicator_grid(report: dict[str, dict[str, Figure]], trend: pd.DataFrame) -> None:
    """Every indicator, in its group (metrics/registry.py), three to a row, each with its 12-week sparkline."""
    for group, keys in GROUPS.items():
        st.subheader(labels.INDICATOR_GROUP_LABELS[group])
        for offset in range(0, len(keys), PER_ROW):
            for column, key in zip(st.columns(PER_ROW), keys[offset : offset + PER_ROW], strict=False):
                with column:
                    render_indicator(key, report[key], trend[key])


def render_child_rankings(children: pd.DataFrame, level: str) -> None:
    """Child areas ranked by contact coverage and by overdue count, the lagging quarter highlighted."""
    name = labels.LEVEL_NAMES[level]
    left, right = st.columns(2)
    for column, key, title in (
        (left, "contact_coverage", labels.OVERVIEW_RANK_COVERAGE),
        (right, "overdue", labels.OVERVIEW_RANK_OVERDUE),
    ):
        figure = build_ranking_figure(
            children, key, lagging=compute_lagging(children, key), title=title.format(level=name)
        )
        column.plotly_chart(figure, config={"displayModeBar": False})
    st.caption(labels.OVERVIEW_LAGGING_NOTE)


def render_channels(channels: pd.DataFrame) -> None:
    if channels.empty:
        st.info(labels.OVERVIEW_NO_REGISTRATIONS)
        return
    frame = (
        channels.assign(channel=channels["channel"].map(labels.CHANNEL_LABELS).fillna(labels.CHANNEL_LABELS["other"]))
        .groupby("channel", as_index=False)["registrations"]
        .sum()
        .sort_values("registrations", ascending=False)
    )
    figure = build_bar_figure(
        frame,
        x="channel",
        y="registrations",
        title=labels.OVERVIEW_CHANNELS,
        x_title=labels.COLUMN_LABELS["channel"],
        y_title=labels.AXIS_REGISTRATIONS,
    )
    st.plotly_chart(figure, config={"displayModeBar": False})
