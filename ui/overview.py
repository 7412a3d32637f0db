"""The 总览 page's parts that are more than layout: the indicator grid and who is behind, at every level."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from metrics import columns as c
from metrics import funnel as fn
from metrics.ordering import sort_by_pinyin
from metrics.registry import DECIMALS, GROUPS
from metrics.report import Figure
from metrics.tables import DERIVED_RATES, LAGGING, RANKING_KEYS, compute_ranking_table, compute_worst_first
from ui import labels
from ui.areas import LAGGING_STYLE, TABLE_MAX_HEIGHT
from ui.charts import build_bar_figure, build_funnel_figure, build_ranking_figure
from ui.text import escape_markdown
from ui.widgets import render_indicator

PER_ROW = 3
RANK_CHART_ROWS = 10  # bars per ranking chart: the worst ones; the table below has every area
PARENT, FLAGS = "parent", "flags"  # the ranking table's columns beside the figures


def render_indicator_grid(report: dict[str, dict[str, Figure]], trend: pd.DataFrame) -> None:
    """Every indicator, in its group (metrics/registry.py), three to a row, each with its 12-week sparkline."""
    for group, keys in GROUPS.items():
        st.subheader(labels.INDICATOR_GROUP_LABELS[group])
        for offset in range(0, len(keys), PER_ROW):
            for column, key in zip(st.columns(PER_ROW), keys[offset : offset + PER_ROW], strict=False):
                with column:
                    render_indicator(key, report[key], trend[key])


def default_ranking_level(levels: tuple[str, ...]) -> str:
    """The streets, where the area has them below it: the level a leader asks about first."""
    return "street" if "street" in levels else levels[0]


def pick_ranking_level(levels: tuple[str, ...]) -> str:
    """Which level to rank (区 / 街道 / 社区, those under the area); one level needs no picker."""
    default = default_ranking_level(levels)
    if len(levels) == 1:
        return default
    picked = st.segmented_control(
        labels.OVERVIEW_BEHIND_LEVEL,
        levels,
        default=default,
        required=True,
        format_func=lambda level: labels.OVERVIEW_BEHIND_LEVEL_OPTION.format(level=labels.LEVEL_NAMES[level]),
        key="overview_behind_level",
    )
    return picked if picked in levels else default


def build_behind_table(ranked: pd.DataFrame) -> Styler:
    """Every area of the ranking in pinyin order: where it is, its members, the ranked figures (rates in
    percent, 0-100) with the lagging cells highlighted, and which rankings it lags on."""
    ordered = sort_by_pinyin(ranked, c.NAME)
    flags = ordered[[LAGGING + key for key in RANKING_KEYS]]
    parents = ordered[c.PATH].map(lambda path: labels.BREADCRUMB_SEPARATOR.join(str(path).split("/")[:-1]))
    lagging_on = [
        labels.OVERVIEW_BEHIND_FLAG_SEPARATOR.join(
            labels.COLUMN_LABELS[key] for key in RANKING_KEYS if row[LAGGING + key]
        )
        for _, row in flags.iterrows()
    ]
    table = pd.DataFrame(
        {
            c.NAME: ordered[c.NAME],
            PARENT: parents,
            "active_members": ordered["active_members"],
            "overdue": ordered["overdue"],
            **{key: pd.to_numeric(ordered[key], errors="coerce") * 100 for key in RANKING_KEYS},
            FLAGS: pd.Series(lagging_on, index=ordered.index, dtype=object),
        }
    )

    def highlight(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for key in RANKING_KEYS:
            styles[key] = flags[LAGGING + key].map({True: LAGGING_STYLE, False: ""})
        return styles

    return table.style.apply(highlight, axis=None)


def _behind_column_config(level: str) -> dict[str, object]:
    config: dict[str, object] = {
        c.NAME: st.column_config.TextColumn(labels.LEVEL_NAMES[level], pinned=True),
        PARENT: st.column_config.TextColumn(labels.OVERVIEW_BEHIND_PARENT),
        "active_members": st.column_config.NumberColumn(
            labels.COLUMN_LABELS["active_members"], format="localized", width="small"
        ),
        "overdue": st.column_config.NumberColumn(labels.COLUMN_LABELS["overdue"], format="localized", width="small"),
        FLAGS: st.column_config.TextColumn(labels.OVERVIEW_BEHIND_FLAGS, width="large"),
    }
    for key in RANKING_KEYS:
        digits = DERIVED_RATES.get(key, DECIMALS.get(key, 1))
        config[key] = st.column_config.NumberColumn(labels.COLUMN_LABELS[key], format=f"%.{digits}f%%", width="small")
    return config


def render_behind(table: pd.DataFrame, level: str) -> None:
    """Every area of `level` under the view's area ranked by contact coverage, overdue rate and 三联齐全, worst at
    the top and the lagging quarter highlighted; then all of them in a table, in pinyin order."""
    name = labels.LEVEL_NAMES[level]
    ranked = compute_ranking_table(table)
    shown = min(len(ranked), RANK_CHART_ROWS)
    for column, key in zip(st.columns(len(RANKING_KEYS)), RANKING_KEYS, strict=True):
        worst = compute_worst_first(ranked, key).head(shown)
        figure = build_ranking_figure(
            worst, key, lagging=worst[LAGGING + key], title=labels.OVERVIEW_RANK_TITLES[key].format(level=name)
        )
        column.plotly_chart(figure, config={"displayModeBar": False})
    note = labels.OVERVIEW_RANK_SHOWN if shown < len(ranked) else labels.OVERVIEW_RANK_ALL
    st.caption(note.format(count=len(ranked), level=name, shown=shown) + labels.OVERVIEW_BEHIND_NOTE)
    st.subheader(labels.OVERVIEW_BEHIND_TABLE.format(level=name))
    st.dataframe(
        build_behind_table(ranked),
        column_config=_behind_column_config(level),
        hide_index=True,
        height=min(TABLE_MAX_HEIGHT, (len(ranked) + 1) * 35 + 3),
    )


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


FUNNEL_MONTHS = 12  # cohorts offered: the latest complete month and the eleven before it


def month_name(month: fn.Month) -> str:
    return labels.FUNNEL_MONTH_OPTION.format(year=month.start.year, month=month.start.month)


def pick_cohort_month(end: date) -> fn.Month:
    """Which month's registrations to follow: by default the latest month over by the week's end."""
    months = [fn.latest_complete_month(end)]
    while len(months) < FUNNEL_MONTHS:
        months.append(months[-1].previous)
    options = [str(month) for month in months]
    picked = st.selectbox(
        labels.FUNNEL_MONTH_PICK,
        options,
        index=0,
        format_func=lambda text: month_name(fn.Month.parse(text)),
        key="overview_funnel_month",
    )
    return fn.Month.parse(picked if picked in options else options[0])


def render_funnel(
    funnel: pd.DataFrame, *, month: fn.Month, as_of: date, area_name: str, first: int, three_way: int
) -> None:
    """The month's cohort as a funnel with the count and the share of the step before at each step; a note on how
    it is counted, and that it is still filling when its members' days are not all over by `as_of`."""
    counts = dict(zip(funnel[fn.STEP], funnel[fn.COUNT], strict=True))
    if counts[fn.REGISTERED] == 0:
        st.info(labels.FUNNEL_EMPTY.format(area=escape_markdown(area_name), month=month_name(month)))
        return
    steps = [labels.FUNNEL_STEPS[step].format(first=first, three_way=three_way) for step in funnel[fn.STEP]]
    shares = [None if pd.isna(share) else float(share) for share in funnel[fn.SHARE_OF_PREVIOUS]]
    title = labels.FUNNEL_TITLE.format(month=month_name(month), first=first, three_way=three_way)
    figure = build_funnel_figure(steps, [int(v) for v in funnel[fn.COUNT]], shares, title=title)
    st.plotly_chart(figure, config={"displayModeBar": False})
    st.caption(labels.FUNNEL_NOTE.format(as_of=as_of, first=first, three_way=three_way))
    if as_of < month.end + timedelta(days=three_way):
        st.caption(labels.FUNNEL_FILLING.format(month=month_name(month), as_of=as_of, three_way=three_way))
