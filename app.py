"""The dashboard's frame: page config, logging, first-run demo city and navigation.

Run with `streamlit run app.py`.
"""

import logging

import streamlit as st

from ui import labels
from ui.first_run import ensure_demo_city
from ui.widgets import friendly_errors

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title=labels.APP_TITLE, layout="wide")
with friendly_errors():
    ensure_demo_city()
page = st.navigation(
    [
        st.Page("pages/overview.py", title=labels.PAGE_OVERVIEW, default=True),
        st.Page("pages/import.py", title=labels.PAGE_IMPORT, url_path="import"),
    ]
)
page.run()
