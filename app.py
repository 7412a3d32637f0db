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
    {
        labels.NAV_SECTION_ANALYSIS: [
            st.Page("pages/overview.py", title=labels.PAGE_OVERVIEW, default=True),
            st.Page("pages/map.py", title=labels.PAGE_MAP, url_path="map"),
            st.Page("pages/contacts.py", title=labels.PAGE_CONTACTS, url_path="contacts"),
            st.Page("pages/stations.py", title=labels.PAGE_STATIONS, url_path="stations"),
            st.Page("pages/volunteer.py", title=labels.PAGE_VOLUNTEER, url_path="volunteer"),
            st.Page("pages/areas.py", title=labels.PAGE_AREAS, url_path="areas"),
        ],
        labels.NAV_SECTION_MEETING: [
            st.Page("pages/review.py", title=labels.PAGE_REVIEW, url_path="review"),
            st.Page("pages/import.py", title=labels.PAGE_IMPORT, url_path="import"),
        ],
    }
)
page.run()
