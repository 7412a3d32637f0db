"""底数核查: outside lists matched with the roster, per child area the counts by state and the oldest open item;
for street and community accounts the 待核实 queue (masked), resolving an item, and the registration export."""

import streamlit as st

from metrics.periods import today_in_china
from ui import labels
from ui.data import read_reconcile
from ui.reconcile import render_queue, render_registration, render_resolve, render_saved, render_summary
from ui.text import escape_markdown
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame

require_app_frame()
st.title(labels.PAGE_RECONCILE)
view = render_sidebar()
today = today_in_china()
with friendly_errors():
    items = read_reconcile(str(view.area), str(view.scope))
render_view_caption(view)
st.caption(labels.RECONCILE_INTRO)
render_saved()
if items.empty:
    st.info(labels.RECONCILE_NONE.format(area=escape_markdown(view.area_name)))
    st.stop()
render_summary(view, items, as_of=today)
if not view.scope.sees_personal_data:
    st.info(labels.RECONCILE_LEADER_NOTE)
    st.stop()
render_queue(items, as_of=today)
with friendly_errors():
    render_resolve(items)
render_registration(view, items)
