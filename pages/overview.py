"""总览: every indicator of the week with last week and a 12-week trend, child areas ranked, channels."""

import streamlit as st

from ui import labels
from ui.data import load_children, load_registrations_by_channel, load_report, load_trend
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
render_view_caption(view)
stop_if_area_empty(view, report)

render_indicator_grid(report, trend)
if view.area.child_level and not children.empty:
    st.header(labels.OVERVIEW_CHILDREN)
    render_child_rankings(children, view.area.child_level)
render_channels(channels)
