"""总览: what moved this week, every indicator of the week with last week and a 12-week trend, who is behind at
every level, channels, and a month's registrations followed through a funnel."""

import streamlit as st

from ui import labels
from ui.data import (
    SETTINGS,
    load_area_table,
    load_flow_members,
    load_funnel,
    load_registrations_by_channel,
    load_report,
    load_trend,
    load_what_moved,
)
from ui.movers import render_what_moved
from ui.overview import (
    pick_cohort_month,
    pick_ranking_level,
    render_behind,
    render_channels,
    render_funnel,
    render_indicator_grid,
)
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.APP_TITLE)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    trend = load_trend(*view.args)
    channels = load_registrations_by_channel(*view.args)
    moved = load_what_moved(*view.args)
    flow_members = load_flow_members(*view.args) if view.scope.sees_personal_data else None
render_view_caption(view)
stop_if_area_empty(view, report)

render_what_moved(view, moved, report, flow_members)
render_indicator_grid(report, trend)
if view.area.levels_below:
    st.header(labels.OVERVIEW_BEHIND)
    level = pick_ranking_level(view.area.levels_below)
    with friendly_errors():
        behind = load_area_table(*view.args, level)
    if not behind.empty:
        render_behind(behind, level)
render_channels(channels)
st.header(labels.OVERVIEW_FUNNEL)
month = pick_cohort_month(view.week.end)
with friendly_errors():
    funnel = load_funnel(*view.args, str(month))
thresholds = SETTINGS.thresholds
render_funnel(funnel, month=month, as_of=view.week.end, area_name=view.area_name,
              first=thresholds.overdue_days, three_way=thresholds.three_way_window_days)  # fmt: skip
