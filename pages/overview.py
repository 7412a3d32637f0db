"""总览: what moved this week, every indicator of the week with last week and a 12-week trend, child areas ranked,
channels."""

import streamlit as st

from ui import labels
from ui.data import (
    load_children,
    load_flow_members,
    load_registrations_by_channel,
    load_report,
    load_trend,
    load_what_moved,
)
from ui.movers import render_what_moved
from ui.overview import render_channels, render_child_rankings, render_indicator_grid
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.APP_TITLE)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    trend = load_trend(*view.args)
    children = load_children(*view.args)
    channels = load_registrations_by_channel(*view.args)
    moved = load_what_moved(*view.args)
    flow_members = load_flow_members(*view.args) if view.scope.sees_personal_data else None
render_view_caption(view)
stop_if_area_empty(view, report)

render_what_moved(view, moved, report, flow_members)
render_indicator_grid(report, trend)
if view.area.child_level and not children.empty:
    st.header(labels.OVERVIEW_CHILDREN)
    render_child_rankings(children, view.area.child_level)
render_channels(channels)
