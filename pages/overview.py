"""总览: the 14 indicators of the last complete week, with last week beside each."""

import streamlit as st

from metrics.periods import last_complete_week, today_in_china
from ui import labels
from ui.data import load_meta, load_report
from ui.widgets import friendly_errors, render_indicator, require_app_frame

require_app_frame()
st.title(labels.APP_TITLE)
week = last_complete_week(today_in_china())
with friendly_errors():
    meta = load_meta()
    report = load_report(str(week), "", meta.get("data_version", "0"))

if meta.get("data_kind") == "synthetic":
    st.warning(labels.SYNTHETIC_BANNER)
if "data_kind" not in meta:
    st.info(labels.NO_DATA)
    st.stop()

st.caption(labels.WEEK_CAPTION.format(area=labels.CITY, week=week, start=week.start, end=week.end))
for group, keys in labels.INDICATOR_GROUPS.items():
    st.subheader(group)
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        with column:
            render_indicator(key, report[key])
