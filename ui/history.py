"""The import history in words: the 数据导入 page's list of imports, what a members ledger changed (with masked
lists and the complete roster's confirmation), and a member's history under the revealed record."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_access.areas import AreaPath
from ledgers.formats import MEMBERS
from ledgers.writing import to_xlsx_bytes
from metrics import columns as c
from metrics.changes import MOVED, NEW, STATUS_CHANGED
from metrics.privacy import mask_member_frame
from services.accounts import Account
from services.importing import NOT_LISTED_STATUSES, FileReport, ImportChanges, import_changes, mark_not_listed
from ui import downloads, labels
from ui.auth import audit_as, now_local
from ui.data import SETTINGS, engine, read_community_paths
from ui.formatting import error_words
from ui.text import escape_markdown

NOT_LISTED = "not_listed"
_STATUS_WORDS = MEMBERS.words["status"]
_FLOW_WORDS = MEMBERS.words["flow_type"]


def build_history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The import history for display: Chinese headers, the ledger's title, 命令行 for the command line."""
    shown = history.assign(
        account=history["account"].where(history["account"].notna(), labels.IMPORT_HISTORY_CLI),
        ledger=history["ledger"].map(labels.LEDGER_TITLES).fillna(""),
        complete=history["complete"].map(lambda flag: labels.YES if flag else ""),
        error=history["error"].map(error_words),
    )
    return shown[list(labels.IMPORT_HISTORY_COLUMNS)].rename(columns=labels.IMPORT_HISTORY_COLUMNS)


def word_value(field: str, value: object, community_paths: dict[str, str]) -> str:
    """A stored value of a tracked field as the ledger writes it: 在册, 流入, a community's path."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    if field in ("community_id", "created"):
        return community_paths.get(text, "")
    if field == "status":
        return _STATUS_WORDS.get(text, text)
    if field == "flow_type":
        return _FLOW_WORDS.get(text, text)
    return text


def worded_changes(changes: pd.DataFrame, community_paths: dict[str, str]) -> pd.DataFrame:
    """Changes with their field's name and old and new values in words."""
    return changes.assign(
        old=[word_value(f, v, community_paths) for f, v in zip(changes["field"], changes["old"], strict=True)],
        new=[word_value(f, v, community_paths) for f, v in zip(changes["field"], changes["new"], strict=True)],
        field=changes["field"].map(labels.CHANGE_FIELDS).fillna(changes["field"]),
    )


def build_member_history(history: pd.DataFrame, community_paths: dict[str, str]) -> pd.DataFrame:
    """A member's history for display, oldest first (a first import shows the community it was listed in)."""
    shown = worded_changes(history, community_paths).assign(file=history["file"].fillna(""))
    return shown[list(labels.MEMBER_HISTORY_COLUMNS)].rename(columns=labels.MEMBER_HISTORY_COLUMNS)


def masked_list(rows: pd.DataFrame, community_paths: dict[str, str], *, with_values: bool) -> pd.DataFrame:
    """A list to download: names and phones masked, the community, and for changes the old and new value."""
    masked = mask_member_frame(rows)
    columns = ["name", "phone", "community_path"]
    if with_values:
        masked = worded_changes(masked, community_paths)
        columns += ["old", "new"]
    return masked[columns].rename(columns=labels.IMPORT_CHANGE_COLUMNS)


def _offer_list(report: FileReport, part: str, rows: pd.DataFrame, table: pd.DataFrame) -> None:
    title = labels.IMPORT_CHANGE_LISTS[part]

    def build(account: Account) -> bytes:
        audit_as(account)("export", area=AreaPath(), rows=len(table), detail=f"import {report.import_id}:{part}")
        return to_xlsx_bytes({title: table})

    downloads.offer_download(labels.IMPORT_CHANGE_DOWNLOAD.format(title=title, count=len(rows)), build,
                             file_name=f"{report.file.rsplit('.', 1)[0]}_{title}.xlsx", mime=downloads.XLSX,
                             key=f"changes_{report.import_id}_{part}")  # fmt: skip


def render_changes(report: FileReport) -> None:
    """What a members ledger changed since the last import of those members: the counts, status flows by
    old → new, and each list masked to download."""
    changes: ImportChanges = import_changes(engine(), report.import_id)
    paths = read_community_paths()
    st.subheader(escape_markdown(labels.IMPORT_CHANGES_OF.format(file=report.file)))
    st.write(labels.IMPORT_CHANGES_SUMMARY.format(new=len(changes.new), status=len(changes.status_changed),
                                                  moved=len(changes.moved)))  # fmt: skip
    for flow in changes.status_flows.itertuples(index=False):
        old, new = (_STATUS_WORDS.get(code, code) for code in (flow.old, flow.new))
        st.caption(labels.IMPORT_STATUS_FLOW.format(old=old, new=new, members=flow.members))
    for part, rows in ((NEW, changes.new), (STATUS_CHANGED, changes.status_changed), (MOVED, changes.moved)):
        if len(rows):
            _offer_list(report, part, rows, masked_list(rows, paths, with_values=part != NEW))


def render_not_listed(report: FileReport, on_marked: Callable[[int, str], None]) -> None:
    """A complete roster's 不在本次台账 list, masked, with the status to give them after an explicit confirmation."""
    missing = report.missing
    if missing is None:
        return
    if missing.empty:
        st.success(labels.IMPORT_NOT_LISTED_NONE)
        return
    paths = read_community_paths()
    table = masked_list(missing, paths, with_values=False)
    st.warning(labels.IMPORT_NOT_LISTED.format(count=len(missing)))
    if report.rejected:  # a row rejected for a mistyped phone names no one: its member is listed here too
        st.error(labels.IMPORT_NOT_LISTED_REJECTED.format(count=report.rejected))
    st.dataframe(table, hide_index=True, width="stretch")
    _offer_list(report, NOT_LISTED, missing, table)
    form = f"not_listed_{report.import_id}"
    with st.form(form, border=True, enter_to_submit=False):
        status = st.radio(labels.IMPORT_NOT_LISTED_STATUS, NOT_LISTED_STATUSES, format_func=_STATUS_WORDS.get,
                          horizontal=True)  # fmt: skip
        sure = st.checkbox(labels.IMPORT_NOT_LISTED_CONFIRM.format(count=len(missing)))
        # A flag set by the callback: the frame check reruns once before the body, where the button reads False
        st.form_submit_button(labels.IMPORT_NOT_LISTED_BUTTON, type="primary", on_click=_ask, args=(form,))
    if st.session_state.pop(f"{form}_asked", False) and sure:
        ids = [int(i) for i in missing[c.MEMBER_ID]]
        marked = mark_not_listed(engine(), report, ids, status, thresholds=SETTINGS.thresholds, at=now_local())
        on_marked(marked, status)
        st.rerun()  # the list again, now without them, and the message


def _ask(form: str) -> None:
    st.session_state[f"{form}_asked"] = True


def marked_message(count: int, status: str) -> str:
    return labels.IMPORT_NOT_LISTED_DONE.format(count=count, status=_STATUS_WORDS.get(status, status))
