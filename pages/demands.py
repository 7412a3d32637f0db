"""诉求办理: the demand indicators, raised against resolved, wishes over a year, the open backlog by community,
demands by source and by station, and for street and community accounts the overdue list (masked)."""

import streamlit as st

from metrics.demands import compute_open_demands
from ui import labels
from ui.data import SETTINGS, TREND_WEEKS, load_demand_records, load_overdue_demands, load_report, load_year_trend
from ui.demands import (
    render_backlog,
    render_by_source,
    render_by_station,
    render_flow,
    render_headline,
    render_overdue_list,
    render_wishes,
)
from ui.text import escape_markdown
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.PAGE_DEMANDS)
view = render_sidebar()
thresholds = SETTINGS.thresholds
with friendly_errors():
    report = load_report(*view.args)
    year = load_year_trend(*view.args)
    records = load_demand_records(*view.args)
    overdue = load_overdue_demands(*view.args) if view.scope.sees_personal_data else None
render_view_caption(view)
stop_if_area_empty(view, report)

render_headline(report, year.tail(TREND_WEEKS))
st.caption(
    labels.DEMANDS_RULES.format(
        end=view.week.end, window=thresholds.demand_window_days, overdue=thresholds.demand_overdue_days
    )
)
if records.empty:
    st.info(labels.DEMANDS_NONE.format(area=escape_markdown(view.area_name)))
    st.stop()
left, right = st.columns(2)
with left:
    render_flow(year)
with right:
    render_wishes(year)
open_demands = compute_open_demands(records, end=view.week.end, overdue_days=thresholds.demand_overdue_days)
left, right = st.columns(2)
with left:
    render_backlog(view, open_demands)
with right:
    render_by_source(records, end=view.week.end, window_days=thresholds.demand_window_days)
render_by_station(records, end=view.week.end, window_days=thresholds.demand_window_days)
if overdue is not None:
    render_overdue_list(view, overdue, overdue_days=thresholds.demand_overdue_days)
else:
    st.info(labels.DEMANDS_LEADER_NOTE)
