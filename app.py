"""The dashboard's frame: page config, logging, first-run demo city (or stale figures recomputed), the session
check and navigation by role.

Run with `streamlit run server.py` (this script behind the sign-in page and the gate of ui/web.py).
"""

import logging

import streamlit as st

from ui import labels
from ui.auth import render_account_box, render_sign_in, signed_in_account
from ui.chrome import close_sidebar_on_narrow_screens, relabel_skip_link, render_not_for_account
from ui.first_run import ensure_demo_city, refresh_stale_figures
from ui.widgets import friendly_errors

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title=labels.APP_TITLE, layout="wide")
relabel_skip_link()
with friendly_errors():
    ensure_demo_city()
    refresh_stale_figures()
    account = signed_in_account()
if account is None:
    # Every URL says why and goes to the sign-in page, which comes back to its path and parameters.
    paths = ("map", "contacts", "stations", "demands", "volunteer", "areas", "reconcile", "review", "import", "audit")
    gate = [st.Page(render_sign_in, title=labels.SIGN_IN_TITLE, default=True)]
    gate += [st.Page(render_sign_in, title=labels.SIGN_IN_TITLE, url_path=path) for path in paths]
    with friendly_errors():
        st.navigation(gate, position="hidden").run()
    st.stop()

analysis = [
    st.Page("pages/overview.py", title=labels.PAGE_OVERVIEW, default=True),
    st.Page("pages/map.py", title=labels.PAGE_MAP, url_path="map"),
    st.Page("pages/contacts.py", title=labels.PAGE_CONTACTS, url_path="contacts"),
    st.Page("pages/stations.py", title=labels.PAGE_STATIONS, url_path="stations"),
    st.Page("pages/demands.py", title=labels.PAGE_DEMANDS, url_path="demands"),
    st.Page("pages/volunteer.py", title=labels.PAGE_VOLUNTEER, url_path="volunteer"),
    st.Page("pages/areas.py", title=labels.PAGE_AREAS, url_path="areas"),
    st.Page("pages/reconcile.py", title=labels.PAGE_RECONCILE, url_path="reconcile"),
]
review = st.Page("pages/review.py", title=labels.PAGE_REVIEW, url_path="review")
imports = st.Page("pages/import.py", title=labels.PAGE_IMPORT, url_path="import")
audit = st.Page("pages/audit.py", title=labels.PAGE_AUDIT, url_path="audit")
# A clerk's root URL opens the import page, which is not the default page itself: Streamlit serves the default
# page at the root only, so a link to /import would say "Page not found".
clerk_home = st.Page(lambda: st.switch_page(imports), title=labels.PAGE_IMPORT, default=True, visibility="hidden")
# The pages each account has: the city's all, a clerk's the import page only, the others' analysis and slides.
pages_by_role = {
    "city": {labels.NAV_SECTION_ANALYSIS: analysis, labels.NAV_SECTION_MEETING: [review, imports, audit]},
    "clerk": {labels.NAV_SECTION_MEETING: [clerk_home, imports]},
}
nav = pages_by_role.get(account.role, {labels.NAV_SECTION_ANALYSIS: analysis, labels.NAV_SECTION_MEETING: [review]})
# A link to a page the account does not have says so in Chinese; Streamlit would say "Page not found" in English.
yours = {p.url_path for pages in nav.values() for p in pages}
elsewhere = [
    st.Page(render_not_for_account, title=labels.PAGE_NOT_FOR_ACCOUNT, url_path=p.url_path, visibility="hidden")
    for p in (*analysis, review, imports, audit)
    if p.url_path and p.url_path not in yours
]
first_section = next(iter(nav))
page = st.navigation({**nav, first_section: [*nav[first_section], *elsewhere]})
render_account_box(account)
close_sidebar_on_narrow_screens(page.url_path)
page.run()
