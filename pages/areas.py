"""区域下钻: from the city down to one community; each level's child areas with their indicators, a group at a
time, and at street and community level the masked lists of members overdue for contact, at risk of lost
contact or with a record 待更新, exportable."""

import streamlit as st

from ui import labels
from ui.areas import render_breadcrumb, render_children_table, render_member_lists, render_reveal
from ui.data import SETTINGS, load_children, load_member_list, load_report
from ui.widgets import (
    friendly_errors,
    render_sidebar,
    render_view_caption,
    require_app_frame,
    set_area,
    stop_if_area_empty,
)

require_app_frame()
LIST_LEVELS = ("street", "community")  # where the member lists are shown
st.title(labels.PAGE_AREAS)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    children = load_children(*view.args)
    lists_here = view.area.level in LIST_LEVELS
    members = load_member_list(*view.args) if lists_here and view.scope.sees_personal_data else None
render_breadcrumb(view)
render_view_caption(view)
stop_if_area_empty(view, report)

if view.area.child_level and not children.empty:
    table_key = f"children_{view.area}_{view.week}"
    chosen = render_children_table(children, view.area.child_level, key=table_key)
    if chosen is not None:
        del st.session_state[table_key]  # coming back up, the table starts unselected
        set_area(chosen)
        st.rerun()
if members is not None:
    thresholds = SETTINGS.thresholds
    render_member_lists(
        view,
        members,
        overdue_days=thresholds.overdue_days,
        lost_contact_days=thresholds.lost_contact_days,
        record_fresh_days=thresholds.record_fresh_days,
    )
    if not members.empty:
        render_reveal(view, members)
elif lists_here:
    st.info(labels.AREAS_LEADER_NOTE)
