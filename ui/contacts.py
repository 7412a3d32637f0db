"""The 联系情况 page's parts: headline figures, the per-member histogram, contacts by side and method, areas."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import columns as c
from metrics.activity import BUCKET, MEMBERS, SHARE, compute_contact_histogram, compute_weekly_contacts
from metrics.periods import Week
from metrics.report import Figure
from ui import labels
from ui.charts import (
    build_grouped_bar_figure,
    build_histogram_figure,
    build_lines_figure,
    build_stacked_bar_figure,
)
from ui.formatting import format_figure
from ui.widgets import render_indicator

HEADLINE_KEYS = ("contact_coverage", "overdue", "lost_contact", "three_way_complete", "contacts_per_member_30d")
TREND_KEYS = ["three_way_complete", "contact_coverage"]
CHILD_KEYS = ["overdue", "lost_contact"]
_PLAIN = {"displayModeBar": False}


def render_headline(report: dict[str, dict[str, Figure]], trend: pd.DataFrame) -> None:
    """The week's contact figures, as `cli.py report` gives them, each with last week and a sparkline."""
    for column, key in zip(st.columns(len(HEADLINE_KEYS)), HEADLINE_KEYS, strict=True):
        with column:
            render_indicator(key, report[key], trend[key])


def render_histogram(distribution: pd.DataFrame, report: dict[str, dict[str, Figure]], window_days: int) -> None:
    """How many contacts each active member had in the window; its mean is the report's contacts per member."""
    histogram = compute_contact_histogram(distribution, active_members=report["active_members"]["value"])
    mean = format_figure("contacts_per_member_30d", report["contacts_per_member_30d"]["value"])
    figure = build_histogram_figure(
        histogram,
        x=BUCKET,
        y=MEMBERS,
        share=SHARE,
        title=labels.CONTACTS_HISTOGRAM_TITLE.format(days=window_days, mean=mean),
        x_title=labels.AXIS_CONTACTS_IN_WINDOW.format(days=window_days),
        y_title=labels.AXIS_MEMBERS,
    )
    st.plotly_chart(figure, config=_PLAIN)
    st.caption(labels.CONTACTS_HISTOGRAM_NOTE.format(days=window_days))


def render_three_way_trend(trend: pd.DataFrame) -> None:
    st.plotly_chart(build_lines_figure(trend, TREND_KEYS, title=labels.CONTACTS_THREE_WAY_TITLE), config=_PLAIN)


def render_weekly_contacts(daily: pd.DataFrame, week: Week, weeks: int) -> None:
    """Contacts per week by side (三联) and by method, side by side; a message when there are none."""
    if daily.empty:
        st.info(labels.CONTACTS_NONE_IN_WEEKS)
        return
    left, right = st.columns(2)
    for column, by, names, title in (
        (left, c.SIDE, labels.SIDE_LABELS, labels.CONTACTS_BY_SIDE_TITLE),
        (right, c.METHOD, labels.METHOD_LABELS, labels.CONTACTS_BY_METHOD_TITLE),
    ):
        table = compute_weekly_contacts(daily, end=week.end, weeks=weeks, by=by)
        figure = build_stacked_bar_figure(
            table, names=names, title=title, x_title=labels.AXIS_WEEK, y_title=labels.AXIS_CONTACTS
        )
        column.plotly_chart(figure, config=_PLAIN)


def render_child_contacts(children: pd.DataFrame, level: str | None) -> None:
    """Overdue and lost-contact members per child area; at community level, a line saying where to look."""
    if level is None or children.empty:
        st.info(labels.CONTACTS_NO_CHILDREN)
        return
    title = labels.CONTACTS_CHILDREN_TITLE.format(level=labels.LEVEL_NAMES[level])
    st.plotly_chart(build_grouped_bar_figure(children, CHILD_KEYS, title=title), config=_PLAIN)
