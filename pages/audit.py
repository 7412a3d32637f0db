"""审计日志: who exported or revealed personal data, when, for which area and how many rows (city accounts only)."""

import streamlit as st

from ui import labels
from ui.audit import build_audit_table
from ui.auth import current_account
from ui.data import load_meta, read_audit
from ui.widgets import friendly_errors, require_app_frame

require_app_frame()
st.title(labels.PAGE_AUDIT)
if current_account() is None or current_account().role != "city":
    st.error(labels.OUT_OF_SCOPE)
    st.stop()
with friendly_errors():
    synthetic = load_meta().get("data_kind") == "synthetic"
    log = read_audit()
if synthetic:
    st.warning(labels.SYNTHETIC_BANNER)
st.caption(labels.AUDIT_INTRO)
if log.empty:
    st.info(labels.AUDIT_EMPTY)
    st.stop()
st.dataframe(
    build_audit_table(log),
    hide_index=True,
    column_config={labels.AUDIT_COLUMNS["at"]: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
