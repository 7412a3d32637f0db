"""总览's 本周变化: the week's member flows (with masked lists for street and community accounts), and where the
change of an indicator came from among the child areas."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from metrics.movers import compute_largest_moves
from metrics.registry import FLOWS, REPORT_KEYS
from metrics.report import Figure
from services.movers import WhatMoved
from ui import labels
from ui.areas import NARROW_CSS, build_member_table, member_cards_html
from ui.charts import build_contributions_figure
from ui.formatting import format_change, format_moves, negligible_change
from ui.text import escape_markdown
from ui.widgets import View

SHOWN = 5  # areas that moved an indicator most, up and down
SUMMARY_AREAS = 3  # of those, named in the sentence above the chart
DEFAULT_INDICATOR = "contact_coverage"


def summary_text(key: str, figure: dict[str, Figure], moves: pd.DataFrame, level: str) -> str:
    """One sentence: the change, and the areas that moved it most each way (names escaped for Markdown)."""
    up, down = format_moves(key, moves, count=SUMMARY_AREAS, escape=escape_markdown)
    parts = (labels.MOVED_UP.format(areas=up) if up else "") + (labels.MOVED_DOWN.format(areas=down) if down else "")
    return labels.MOVED_SUMMARY.format(
        indicator=labels.INDICATOR_LABELS[key],
        change=format_change(key, figure["value"], figure["previous"]),
        parts=parts or labels.MOVED_NO_CHANGE.format(level=labels.LEVEL_NAMES[level]),
    )


# Static CSS (no data in it): the five flows as tiles, five in a row on a desk, two on a phone.
FLOW_CSS = """<style>
.flow-tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: .75rem; }
.flow-tile { border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .6rem 1rem; }
.flow-tile .label { display: block; font-size: .95rem; color: #3E4C59; }
.flow-tile .count { display: block; font-size: 2rem; font-weight: 600; font-variant-numeric: tabular-nums; }
</style>"""


def flows_html(flows: dict[str, int]) -> str:
    tiles = "".join(
        f'<div class="flow-tile"><span class="label">{html.escape(labels.FLOW_LABELS[flow])}</span>'
        f'<span class="count">{count:,}</span></div>'
        for flow, count in flows.items()
    )
    return f'{FLOW_CSS}<div class="flow-tiles">{tiles}</div>'


def render_flows(view: View, flows: dict[str, int], members: pd.DataFrame | None) -> None:
    """The five flows as tiles; for street and community accounts, the masked list of the one picked."""
    st.caption(labels.MOVED_FLOWS_NOTE.format(before=view.week.previous.end, end=view.week.end))
    st.html(flows_html(flows))
    if members is None:
        return
    picked = st.segmented_control(
        labels.MOVED_LIST_PICK,
        list(FLOWS),
        format_func=lambda flow: labels.MOVED_LIST_OPTION.format(flow=labels.FLOW_LABELS[flow], count=flows[flow]),
        key="moved_flow",
    )
    if picked is None:
        return
    rows = members[members[picked]]
    if rows.empty:
        st.info(labels.MOVED_LIST_EMPTY.format(flow=labels.FLOW_LABELS[picked]))
        return
    st.caption(labels.MOVED_LIST_NOTE)
    st.html(NARROW_CSS)
    with st.container(key="member_table_flow"):
        st.dataframe(build_member_table(rows), hide_index=True)
    with st.container(key="member_cards_flow"):
        st.html(member_cards_html(rows))


def render_movers(view: View, moved: WhatMoved, report: dict[str, dict[str, Figure]]) -> None:
    """For the indicator picked (contact coverage first): a sentence, then the areas that moved it most."""
    level = view.area.child_level
    key = st.selectbox(
        labels.MOVED_PICK,
        REPORT_KEYS,
        index=REPORT_KEYS.index(DEFAULT_INDICATOR),
        format_func=labels.INDICATOR_LABELS.get,
        key="moved_indicator",
    )
    movers, figure = moved.movers[key], report[key]
    if figure["value"] is None or figure["previous"] is None:
        st.info(labels.MOVED_NO_FIGURE)
        return
    moves = compute_largest_moves(movers, count=SHOWN, negligible=negligible_change(key))
    st.markdown(summary_text(key, figure, moves, level))
    if not moves.empty:
        title = labels.MOVED_CHART_TITLE.format(
            indicator=labels.INDICATOR_LABELS[key],
            change=format_change(key, figure["value"], figure["previous"]),
            level=labels.LEVEL_NAMES[level],
        )
        st.plotly_chart(build_contributions_figure(moves, key, title=title), config={"displayModeBar": False})
    st.caption(labels.MOVED_RULE.format(level=labels.LEVEL_NAMES[level]))


def render_what_moved(
    view: View, moved: WhatMoved, report: dict[str, dict[str, Figure]], members: pd.DataFrame | None
) -> None:
    st.header(labels.OVERVIEW_MOVED)
    render_flows(view, moved.flows, members)
    if view.area.child_level:
        render_movers(view, moved, report)
