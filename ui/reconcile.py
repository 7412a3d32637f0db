"""底数核查 on the page: each child area's counts by state and its oldest open item, the 待核实 queue (masked) with a
form to resolve one item, and the door to registration (a members ledger of the confirmed people only an outside
list had).

The frame and workbook builders are pure (no st. calls) so they can be unit-tested; `render_*` draw.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from data_access.areas import OutOfScopeError
from ledgers.formats import MEMBERS, QUOTED_START
from ledgers.writing import list_xlsx_bytes, to_ledger_frame
from metrics import member_lists as ml
from metrics import reconcile as rc
from metrics.periods import TIMEZONE
from services.accounts import Account
from services.reconcile import registration_rows, resolve
from ui import downloads, labels
from ui.auth import current_account, now_local
from ui.data import engine
from ui.text import escape_markdown
from ui.widgets import View

_COLUMNS = labels.RECONCILE_COLUMNS


def summary_level(view: View) -> str:
    """The level the summary's rows are: the area's children, or the community itself at the bottom."""
    return view.area.child_level or "community"


def build_summary_table(items: pd.DataFrame, view: View, *, as_of: date) -> pd.DataFrame:
    """Per child area: the items by state, the open ones and the oldest open one's age, in Chinese headers."""
    level = summary_level(view)
    summary = rc.compute_reconcile_summary(items, by=level, as_of=as_of)
    oldest = summary[rc.OLDEST_OPEN_DAYS]  # none open: a blank, never "None"
    summary[rc.OLDEST_OPEN_DAYS] = [f"{int(d):,}" if pd.notna(d) else "" for d in oldest]
    headers = {level: labels.RECONCILE_LEVELS[level], rc.OPEN: labels.RECONCILE_OPEN,
               rc.OLDEST_OPEN_DAYS: labels.RECONCILE_OLDEST} | labels.RECONCILE_STATES  # fmt: skip
    return summary.rename(columns=headers)


def _difference_words(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return "、".join(labels.RECONCILE_DIFFERENCES.get(part, part) for part in value.split(","))


def build_queue_table(items: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The queue (already masked) for display: open items first, oldest first; states and resolutions in words."""
    queue = items[items[rc.STATE].isin(rc.QUEUE_STATES)]
    open_ = rc.is_open(queue)
    days = (pd.Timestamp(as_of) - pd.to_datetime(queue[rc.CREATED_ON])).dt.days
    table = pd.DataFrame(
        {
            "item_id": queue["item_id"],
            "community": queue[ml.COMMUNITY],
            "source": queue["source"],
            "state": queue[rc.STATE].map(labels.RECONCILE_STATES),
            "difference": queue[rc.DIFFERENCE].map(_difference_words),
            "name": queue["name"],
            "member_name": queue[rc.MEMBER_NAME],
            "phone": queue[rc.PHONE],
            "days": days.where(open_),
            "resolution": queue[rc.RESOLUTION].map(labels.RECONCILE_RESOLUTIONS.get),
            "note": queue["note"],
        }
    ).assign(_open=open_)
    table = table.sort_values(["_open", "days", "item_id"], ascending=[False, False, True], kind="stable")
    # A blank cell stays blank: the grid draws a missing text value as "None"
    texts = ["source", "name", "member_name", "resolution", "note"]
    table[texts] = table[texts].astype(object).where(table[texts].notna(), "")
    # and a closed item's age (only an open item waits) as a blank, never "None"
    table["days"] = [f"{int(d):,}" if pd.notna(d) else "" for d in table["days"]]
    return table.drop(columns="_open").rename(columns=_COLUMNS).reset_index(drop=True)


def render_summary(view: View, items: pd.DataFrame, *, as_of: date) -> None:
    level = summary_level(view)
    st.subheader(labels.RECONCILE_SUMMARY.format(level=labels.RECONCILE_LEVELS[level]))
    st.dataframe(build_summary_table(items, view, as_of=as_of), hide_index=True)


def render_queue(items: pd.DataFrame, *, as_of: date) -> None:
    st.subheader(labels.RECONCILE_QUEUE)
    table = build_queue_table(items, as_of=as_of)
    if table.empty:
        st.info(labels.RECONCILE_QUEUE_EMPTY)
        return
    st.dataframe(table, hide_index=True, height=min(640, (len(table) + 1) * 35 + 3))
    st.caption(labels.RECONCILE_QUEUE_NOTE)


def _option(row: pd.Series) -> str:
    name = row["name"] if isinstance(row["name"], str) else row[rc.MEMBER_NAME]
    return labels.RECONCILE_ITEM_OPTION.format(item=row["item_id"], community=row[ml.COMMUNITY],
                                               state=labels.RECONCILE_STATES[row[rc.STATE]], name=name or "",
                                               phone=row[rc.PHONE])  # fmt: skip


def _save_resolution() -> None:
    """The form's callback (it runs before the page does, so the page shows the item as saved): resolve and audit."""
    item, resolution = st.session_state.get("reconcile_item"), st.session_state.get("reconcile_resolution")
    if item is None or resolution not in labels.RECONCILE_RESOLUTIONS:
        return
    try:
        resolve(engine(), current_account(), item_id=int(item), resolution=resolution,
                note=st.session_state.get("reconcile_note", ""), now=now_local())  # fmt: skip
    except (OutOfScopeError, ValueError):
        st.session_state["reconcile_saved"] = ("error", labels.RECONCILE_GONE)
        return
    saved = labels.RECONCILE_SAVED.format(item=item, resolution=labels.RECONCILE_RESOLUTIONS[resolution])
    st.session_state["reconcile_saved"] = ("success", saved)
    st.session_state["reconcile_item"] = None


def render_resolve(items: pd.DataFrame) -> None:
    """A form for one open item: what was found and a note; saved (and audited) by its callback."""
    queue = items[rc.is_open(items)]
    if queue.empty:
        return
    st.subheader(labels.RECONCILE_RESOLVE)
    options = {int(row["item_id"]): _option(row) for _, row in queue.iterrows()}
    if st.session_state.get("reconcile_item") not in options:
        st.session_state["reconcile_item"] = None
    with st.form("reconcile_resolve", enter_to_submit=False):
        st.selectbox(labels.RECONCILE_PICK_ITEM, list(options), format_func=options.get,
                     placeholder=labels.PICK_PLACEHOLDER, key="reconcile_item")  # fmt: skip
        st.radio(labels.RECONCILE_PICK_RESOLUTION, list(labels.RECONCILE_RESOLUTIONS),
                 format_func=labels.RECONCILE_RESOLUTIONS.get, horizontal=True, key="reconcile_resolution")  # fmt: skip
        st.text_input(labels.RECONCILE_NOTE, max_chars=200, key="reconcile_note")
        st.form_submit_button(labels.RECONCILE_SUBMIT, key="reconcile_submit", on_click=_save_resolution)


def render_saved() -> None:
    """The last save's confirmation, shown once after the rerun it caused."""
    saved = st.session_state.pop("reconcile_saved", None)
    if saved:
        kind, text = saved
        (st.success if kind == "success" else st.error)(text)


def build_registration_workbook(view: View, rows: pd.DataFrame, *, now: datetime) -> bytes:
    """The 流动党员台账 a clerk completes and imports: a few heading lines (the import finds the header among the first
    ten rows), then the ledger's own columns with 姓名, 手机号 and 所在社区 filled, the rest blank. Formula-like text
    is quoted the way the import undoes (formats.QUOTED_START)."""
    heading = [
        labels.RECONCILE_REGISTRATION_TITLE,
        labels.AREAS_EXPORT_AREA.format(area=view.breadcrumb),
        labels.RECONCILE_REGISTRATION_WHEN.format(time=now.astimezone(TIMEZONE), count=len(rows)),
        labels.RECONCILE_REGISTRATION_HOW,
    ]
    if view.synthetic:
        heading.insert(1, labels.SYNTHETIC_BANNER)
    frame = to_ledger_frame(MEMBERS, rows.reset_index(drop=True))
    return list_xlsx_bytes(heading, frame, sheet=labels.RECONCILE_REGISTRATION_SHEET, starts=QUOTED_START)


def audited_registration_workbook(view: View, account: Account) -> bytes:
    """Built at every fetch of the link, for the account the fetch signs in: the rows are read unmasked (never
    cached) and the export audited; a city, district or clerk account is refused (OutOfScopeError) first."""
    rows = registration_rows(engine(), account, area=view.area, now=now_local())
    return build_registration_workbook(view, rows, now=datetime.now(TIMEZONE))


def render_registration(view: View, items: pd.DataFrame) -> None:
    """The download, offered once some item only an outside list had is confirmed."""
    confirmed = (items[rc.STATE] == rc.THEIRS_ONLY) & (items[rc.RESOLUTION] == rc.CONFIRMED)
    if not confirmed.any():
        return
    st.caption(escape_markdown(labels.RECONCILE_REGISTRATION_NOTE))
    downloads.offer_download(
        labels.RECONCILE_REGISTRATION,
        lambda account: audited_registration_workbook(view, account),
        file_name=labels.RECONCILE_REGISTRATION_FILE.format(area=view.area_name),
        mime=downloads.XLSX,
        key="reconcile_registration",
    )
