"""联系情况: contact coverage and 三联 for the week, how often members are contacted, by whom and how."""

import streamlit as st

from ui import labels
from ui.contacts import (
    render_child_contacts,
    render_headline,
    render_histogram,
    render_three_way_trend,
    render_weekly_contacts,
)
from ui.data import (
    SETTINGS,
    TREND_WEEKS,
    load_children,
    load_contact_distribution,
    load_daily_contacts,
    load_report,
    load_trend,
    read_follow_up,
)
from ui.follow_up import render_follow_up
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, stop_if_area_empty

require_app_frame()
st.title(labels.PAGE_CONTACTS)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    trend = load_trend(*view.args)
    children = load_children(*view.args)
    distribution = load_contact_distribution(*view.args)
    daily = load_daily_contacts(*view.args)
    # street and community accounts: did the lists they exported get worked (masked names)
    follow_up = (
        read_follow_up(str(view.week), str(view.area), str(view.scope)) if view.scope.sees_personal_data else None
    )
render_view_caption(view)
stop_if_area_empty(view, report)

render_headline(report, trend)
left, right = st.columns(2)
with left:
    render_histogram(distribution, report, SETTINGS.thresholds.contact_window_days)
with right:
    render_three_way_trend(trend)
render_weekly_contacts(daily, view.week, TREND_WEEKS)
render_child_contacts(children, view.area.child_level)
if follow_up is not None:
    render_follow_up(*follow_up, as_of=view.week.end)
