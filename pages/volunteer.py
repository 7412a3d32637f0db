"""志愿服务: the week's hours and participants, a year of weekly hours, categories and leading communities."""

import streamlit as st

from ui import labels
from ui.data import (
    TREND_WEEKS,
    load_community_figures,
    load_report,
    load_volunteer_by_category,
    load_year_trend,
)
from ui.volunteer import render_categories, render_headline, render_leaders, render_year
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.PAGE_VOLUNTEER)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    year = load_year_trend(*view.args)
    by_category = load_volunteer_by_category(*view.args)
    communities = load_community_figures(*view.args) if view.area.child_level else None
render_view_caption(view)
stop_if_area_empty(view, report)

render_headline(report, year.tail(TREND_WEEKS))
render_year(year)
left, right = st.columns(2)
with left:
    render_categories(by_category)
if communities is not None:
    with right:
        render_leaders(communities)
