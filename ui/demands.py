"""The 诉求办理 page's parts: headline figures, raised against resolved, wishes over a year, the open backlog by
community, demands by source and by station, and the overdue list for street and community accounts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import columns as c
from metrics import demands as dm
from metrics.registry import GROUPS
from metrics.report import Figure
from metrics.tables import compute_display_names
from ui import labels
from ui.areas import CARD_LIMIT, NARROW_CSS, cards_html
from ui.charts import (
    GOOD,
    HIGHLIGHT,
    NEUTRAL,
    PRIMARY,
    build_horizontal_stacked_figure,
    build_lines_figure,
    build_week_bars_figure,
)
from ui.text import escape_markdown
from ui.widgets import View, render_indicator

HEADLINE_KEYS = GROUPS["demand"]
PER_ROW = 4
RANKED = 10  # communities and stations shown in the rankings
_PLAIN = {"displayModeBar": False}


def render_headline(report: dict[str, dict[str, Figure]], trend: pd.DataFrame) -> None:
    """The demand indicators as `cli.py report` gives them, with sparklines, four to a row."""
    for first in range(0, len(HEADLINE_KEYS), PER_ROW):
        keys = HEADLINE_KEYS[first : first + PER_ROW]
        for column, key in zip(st.columns(PER_ROW), keys, strict=False):
            with column:
                render_indicator(key, report[key], trend[key])


def render_flow(year: pd.DataFrame) -> None:
    """诉求 raised against resolved, week by week: a gap that widens is a backlog building up."""
    figure = build_lines_figure(
        year, ["demands_raised", "demands_resolved"], title=labels.DEMANDS_FLOW_TITLE.format(weeks=len(year))
    )
    figure.update_yaxes(title=labels.AXIS_DEMANDS)
    st.plotly_chart(figure, config=_PLAIN)


def render_wishes(year: pd.DataFrame) -> None:
    """Wishes fulfilled per week over the year, the busiest week named (党员义务奉献日 shows as a wave)."""
    figure = build_week_bars_figure(
        year["wishes_fulfilled"],
        title=labels.DEMANDS_WISHES_TITLE.format(weeks=len(year)),
        y_title=labels.AXIS_WISHES,
        peak_text=labels.DEMANDS_WISHES_PEAK,
    )
    st.plotly_chart(figure, config=_PLAIN)


def render_backlog(view: View, open_demands: pd.DataFrame) -> None:
    """The communities with the most open 诉求, overdue ones first in each bar."""
    backlog = dm.compute_backlog_by_community(open_demands)
    if backlog.empty:
        st.success(labels.DEMANDS_NO_BACKLOG.format(end=view.week.end, area=escape_markdown(view.area_name)))
        return
    shown = backlog.head(RANKED).assign(
        not_overdue=lambda f: f[dm.OPEN] - f[dm.OVERDUE],
        # names repeat across streets: two 龟山社区 drawn as one bar would add up
        **{dm.COMMUNITY: lambda f: compute_display_names(f[dm.COMMUNITY_PATH])},
    )
    figure = build_horizontal_stacked_figure(
        shown,
        label=dm.COMMUNITY,
        parts={dm.OVERDUE: labels.DEMANDS_PARTS["overdue"], "not_overdue": labels.DEMANDS_PARTS["not_overdue"]},
        colours=(PRIMARY, NEUTRAL),
        title=labels.DEMANDS_BACKLOG_TITLE.format(count=len(shown)),
        x_title=labels.AXIS_DEMANDS,
    )
    st.plotly_chart(figure, config=_PLAIN)


def _resolved_and_open(table: pd.DataFrame, label: str, title: str) -> None:
    figure = build_horizontal_stacked_figure(
        table,
        label=label,
        parts={dm.RESOLVED: labels.DEMANDS_PARTS["resolved"], dm.OPEN: labels.DEMANDS_PARTS["open"]},
        colours=(GOOD, HIGHLIGHT),
        title=title,
        x_title=labels.AXIS_DEMANDS,
    )
    st.plotly_chart(figure, config=_PLAIN)


def render_by_source(records: pd.DataFrame, *, end, window_days: int) -> None:
    """The window's 诉求 per source: how many were raised and how many of them are resolved."""
    by_source = dm.compute_demands_by(records, c.SOURCE, end=end, window_days=window_days)
    if by_source.empty:
        st.info(labels.DEMANDS_NO_WINDOW.format(window=window_days))
        return
    named = by_source.assign(**{c.SOURCE: by_source[c.SOURCE].map(lambda s: labels.DEMAND_SOURCE_LABELS.get(s, s))})
    _resolved_and_open(named, c.SOURCE, labels.DEMANDS_SOURCE_TITLE.format(window=window_days))


def render_by_station(records: pd.DataFrame, *, end, window_days: int) -> None:
    """The stations that took the most of the window's 诉求, with how many of them are resolved."""
    by_station = dm.compute_demands_by(records, dm.STATION, end=end, window_days=window_days)
    by_station = by_station[by_station[dm.STATION] != dm.NOT_GIVEN].head(RANKED)
    if by_station.empty:
        st.info(labels.DEMANDS_NO_STATION.format(window=window_days))
        return
    title = labels.DEMANDS_STATION_TITLE.format(window=window_days, count=len(by_station))
    _resolved_and_open(by_station, dm.STATION, title)


def build_overdue_table(overdue: pd.DataFrame) -> pd.DataFrame:
    """The masked overdue list as shown: Chinese headers, sources named, blanks said."""
    shown = overdue.assign(
        **{
            c.SOURCE: overdue[c.SOURCE].fillna(dm.NOT_GIVEN).map(lambda s: labels.DEMAND_SOURCE_LABELS.get(s, s)),
            c.RAISED_ON: pd.to_datetime(overdue[c.RAISED_ON]).dt.strftime("%Y-%m-%d"),
            c.NAME: overdue[c.NAME].fillna(labels.DEMANDS_NOT_NAMED),
        }
    )
    return shown[list(labels.DEMANDS_OVERDUE_COLUMNS)].rename(columns=labels.DEMANDS_OVERDUE_COLUMNS)


def overdue_cards_html(overdue: pd.DataFrame) -> str:
    """One card per overdue 诉求 (already masked), for a phone: number, days waiting, community, who, source,
    when raised."""
    columns = labels.DEMANDS_OVERDUE_COLUMNS
    cards = []
    for row in build_overdue_table(overdue.head(CARD_LIMIT)).to_dict("records"):
        who = " ".join(str(row[columns[k]]) for k in ("name", "phone") if isinstance(row[columns[k]], str))
        detail = labels.DEMANDS_CARD_DETAIL.format(
            community=row[columns["community"]],
            who=who,
            source=row[columns["source"]],
            raised=row[columns["raised_on"]],
        )
        cards.append(
            (str(row[columns["number"]]), labels.DEMANDS_CARD_DAYS.format(days=row[columns["days_open"]]), detail)
        )
    return cards_html(cards, len(overdue))


def render_overdue_list(view: View, overdue: pd.DataFrame, *, overdue_days: int) -> None:
    """The overdue 诉求 with their masked member: a table on a desk, cards on a phone."""
    st.subheader(labels.DEMANDS_OVERDUE_TITLE.format(count=len(overdue)))
    if overdue.empty:
        st.success(labels.DEMANDS_NO_OVERDUE.format(end=view.week.end, area=escape_markdown(view.area_name)))
        return
    st.caption(labels.DEMANDS_OVERDUE_NOTE.format(days=overdue_days, end=view.week.end))
    ordered = dm.compute_open_demands(overdue, end=view.week.end, overdue_days=overdue_days)
    st.html(NARROW_CSS)
    with st.container(key="member_table_overdue_demands"):
        st.dataframe(build_overdue_table(ordered), hide_index=True)
    with st.container(key="member_cards_overdue_demands"):
        st.html(overdue_cards_html(ordered))
