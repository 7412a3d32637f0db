"""数据导入: load the ledgers clerks keep, see what was rejected and why, download it to fix."""

import streamlit as st

from ui import labels
from ui.data import SETTINGS, load_meta
from ui.importing import render_preview, render_report, render_templates, run_import
from ui.widgets import friendly_errors, require_app_frame

require_app_frame()
st.title(labels.IMPORT_TITLE)
with friendly_errors():
    synthetic = load_meta().get("data_kind") == "synthetic"
if synthetic:
    st.warning(labels.SYNTHETIC_BANNER)
st.write(labels.IMPORT_INTRO)
st.caption(labels.IMPORT_LIMIT.format(mb=SETTINGS.upload_limit_mb))
st.write(labels.IMPORT_TEMPLATES)
render_templates()

uploads = st.file_uploader(labels.IMPORT_UPLOAD, type=["xlsx", "csv"], accept_multiple_files=True)
if not uploads:
    st.info(labels.IMPORT_HINT)
    st.stop()

files = []
for upload in uploads:
    if upload.size > SETTINGS.upload_limit_mb * 1024 * 1024:
        st.error(labels.IMPORT_TOO_LARGE.format(file=upload.name, mb=SETTINGS.upload_limit_mb))
    elif render_preview(upload.name, upload.getvalue()):
        files.append((upload.name, upload.getvalue()))

replace_sample = False
if synthetic:
    st.warning(labels.IMPORT_SYNTHETIC_WARNING)
    replace_sample = st.checkbox(labels.IMPORT_REPLACE_CONFIRM)

if files and st.button(labels.IMPORT_START, type="primary", disabled=synthetic and not replace_sample):
    with friendly_errors():
        reports = run_import(files, replace_sample=replace_sample)
    render_report(reports)
