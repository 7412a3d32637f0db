"""总览: every indicator of the week with last week and a 12-week trend, who is behind at every level, channels."""

import streamlit as st

from ui import labels
from ui.data import load_area_table, load_registrations_by_channel, load_report, load_trend
from ui.overview import pick_ranking_level, render_behind, render_channels, render_indicator_grid
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.APP_TITLE)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    trend = load_trend(*view.args)
    channels = load_registrations_by_channel(*view.args)
render_view_caption(view)
stop_if_area_empty(view, report)

render_indicator_grid(report, trend)
if view.area.levels_below:
    st.header(labels.OVERVIEW_BEHIND)
    level = pick_ranking_level(view.area.levels_below)
    with friendly_errors():
        behind = load_area_table(*view.args, level)
    if not behind.empty:
        render_behind(behind, level)
render_channels(channels)
