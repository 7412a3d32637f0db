"""The 志愿服务 page's parts: headline figures, a year of weekly hours, hours by category, leading communities."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import columns as c
from metrics.activity import compute_category_hours, compute_hours_per_participant, compute_leaders
from metrics.report import Figure
from ui import labels
from ui.charts import build_horizontal_bar_figure, build_week_bars_figure, number_format
from ui.formatting import change_of, format_change, format_figure
from ui.widgets import render_indicator

HEADLINE_KEYS = ("volunteer_hours", "volunteer_participants", "volunteer_participation_rate")
HOURS = "volunteer_hours"
LEADERS = 10
_PLAIN = {"displayModeBar": False}


def render_headline(report: dict[str, dict[str, Figure]], trend: pd.DataFrame) -> None:
    """Hours, participants and participation rate as `cli.py report` gives them, then hours per participant."""
    columns = st.columns(len(HEADLINE_KEYS) + 1)
    for column, key in zip(columns, HEADLINE_KEYS, strict=False):
        with column:
            render_indicator(key, report[key], trend[key])
    value, previous = (
        compute_hours_per_participant(report[HOURS][when], report["volunteer_participants"][when])
        for when in ("value", "previous")
    )
    change = change_of(HOURS, value, previous)
    weekly = [  # a week without participants has no figure (NaN, as the other sparklines), never 0
        float("nan") if (figure := compute_hours_per_participant(hours, participants)) is None else figure
        for hours, participants in zip(trend[HOURS], trend["volunteer_participants"], strict=True)
    ]
    columns[-1].metric(
        labels.VOLUNTEER_HOURS_PER_PARTICIPANT,
        format_figure(HOURS, value),
        delta=None if change is None else format_change(HOURS, value, previous),
        delta_color="off" if not change else "normal",
        help=labels.PREVIOUS_WEEK.format(value=format_figure(HOURS, previous)),
        chart_data=weekly,
        border=True,
    )


def render_year(trend: pd.DataFrame) -> None:
    """Hours per week over the weeks of `trend`, the chosen week in red, the peak week named."""
    figure = build_week_bars_figure(
        trend[HOURS],
        title=labels.VOLUNTEER_YEAR_TITLE.format(weeks=len(trend)),
        y_title=labels.AXIS_HOURS,
        value_format=number_format(HOURS),
        peak_text=labels.VOLUNTEER_PEAK,
    )
    st.plotly_chart(figure, config=_PLAIN)


def category_label(category: str) -> str:
    """A known category's name, or a ledger's own words (the chart builder escapes them for plotly)."""
    return labels.VOLUNTEER_CATEGORY_LABELS.get(category) or category


def render_categories(by_category: pd.DataFrame) -> None:
    """The week's hours per activity category, most first; a message when the week has none."""
    hours = compute_category_hours(by_category)
    if not hours[c.HOURS].sum() > 0:
        st.info(labels.VOLUNTEER_NO_HOURS)
        return
    shown = hours[hours[c.HOURS] > 0].assign(**{c.CATEGORY: lambda f: f[c.CATEGORY].map(category_label)})
    figure = build_horizontal_bar_figure(
        shown,
        x=c.HOURS,
        y=c.CATEGORY,
        title=labels.VOLUNTEER_CATEGORY_TITLE,
        x_title=labels.AXIS_HOURS,
        value_format=number_format(HOURS),
    )
    st.plotly_chart(figure, config=_PLAIN)


def render_leaders(communities: pd.DataFrame) -> None:
    """The communities with the most hours this week (top 10); a message when none has any."""
    leaders = compute_leaders(communities, HOURS, count=LEADERS) if not communities.empty else communities
    if leaders.empty:
        st.info(labels.VOLUNTEER_NO_LEADERS)
        return
    figure = build_horizontal_bar_figure(
        leaders,
        x=HOURS,
        y=c.NAME,
        title=labels.VOLUNTEER_LEADERS_TITLE,
        x_title=labels.AXIS_HOURS,
        value_format=number_format(HOURS),
    )
    st.plotly_chart(figure, config=_PLAIN)
