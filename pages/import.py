"""数据导入: load the ledgers clerks keep, see what was rejected and why, download it to fix."""

import streamlit as st

from ui import labels
from ui.auth import current_account
from ui.data import SETTINGS, load_meta
from ui.importing import (
    import_requested,
    keep_reports,
    kept_reports,
    may_replace_sample,
    render_first_admin,
    render_history,
    render_limits,
    render_member_changes,
    render_preview,
    render_report,
    render_templates,
    request_import,
    run_import,
)
from ui.text import escape_markdown
from ui.widgets import friendly_errors, require_app_frame

require_app_frame()
st.title(labels.IMPORT_TITLE)
with friendly_errors():
    synthetic = load_meta().get("data_kind") == "synthetic"
if synthetic:
    st.warning(labels.SYNTHETIC_BANNER)
st.write(labels.IMPORT_INTRO)
render_limits()
st.write(labels.IMPORT_TEMPLATES)
render_templates()
if synthetic and not may_replace_sample(current_account()):
    st.warning(labels.IMPORT_SYNTHETIC_WARNING)
    st.info(labels.IMPORT_REPLACE_CITY_ONLY)
    st.stop()

# Label and help are all an app may word here: Streamlit 1.67's frontend writes the drop zone's "Drag and drop
# files here", "Upload" and "200MB per file • XLSX, CSV" itself, with no parameter for them.
uploads = st.file_uploader(
    labels.IMPORT_UPLOAD, type=["xlsx", "csv"], accept_multiple_files=True, help=labels.IMPORT_UPLOAD_HELP
)
if not uploads:
    st.info(labels.IMPORT_HINT)
    with friendly_errors():
        render_history()
    st.stop()

files = []
for upload in uploads:
    if upload.size > SETTINGS.upload_limit_mb * 1024 * 1024:
        st.error(labels.IMPORT_TOO_LARGE.format(file=escape_markdown(upload.name), mb=SETTINGS.upload_limit_mb))
    elif render_preview(upload.name, upload.getvalue()):  # read whole in a memory-limited child first
        files.append((upload.name, upload.getvalue()))

first_admin = None
if synthetic:
    st.warning(labels.IMPORT_SYNTHETIC_WARNING)
    if st.checkbox(labels.IMPORT_REPLACE_CONFIRM):
        first_admin = render_first_admin()

complete = st.checkbox(labels.IMPORT_COMPLETE, help=labels.IMPORT_COMPLETE_HELP, disabled=synthetic)
if first_admin is None:  # (the first administrator's form has its own start button)
    st.button(labels.IMPORT_START, type="primary", disabled=synthetic, on_click=request_import)
if files and import_requested():
    with friendly_errors():
        keep_reports(run_import(files, first_admin=first_admin, complete=complete and not synthetic))
if reports := kept_reports():
    render_report(reports)
    with friendly_errors():
        render_member_changes(reports)
with friendly_errors():
    render_history()  # last: it lists the import just run
