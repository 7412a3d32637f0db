"""Placeholder while this page is being built (issue 5/6)."""

import streamlit as st

from ui import labels
from ui.widgets import render_sidebar, render_view_caption, require_app_frame

require_app_frame()
st.title(labels.PAGE_AREAS)
view = render_sidebar()
render_view_caption(view)
