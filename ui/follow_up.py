"""Follow-up lists on the pages: keeping an exported list, the grid worker's full-phone list (a 联系记录 ledger to
fill in and import back), and on 联系情况 how far last week's lists got.

The frame and workbook builders are pure (no st. calls) so they can be unit-tested; `render_*` draw.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from ledgers.formats import CONTACTS, METHODS, QUOTED_START
from ledgers.writing import list_xlsx_bytes
from metrics import columns as c
from metrics import follow_up as fu
from metrics import member_lists as ml
from metrics.periods import TIMEZONE
from services.accounts import Account
from services.follow_up import (
    FOLLOW_UP_KINDS,
    PURPOSES,
    follow_up_closure,
    full_member_list,
    record_follow_up_list,
)
from ui import downloads, labels
from ui.auth import audit_as, now_local
from ui.data import SETTINGS, engine
from ui.formatting import closure_headline, format_rate
from ui.text import escape_markdown
from ui.widgets import View

_METHOD_WORDS = {code: word for word, code in METHODS.items()}
_HEADERS = {column.field: column.header for column in CONTACTS.columns}  # 手机号, 联系日期, 联系方, 联系方式, 联系人


def keep_exported_list(
    view: View, kind: str, rows: pd.DataFrame, account: Account, *, purpose: str | None = None
) -> None:
    """An overdue or lost-contact list just exported becomes a follow-up list (member ids, area, week, account,
    time); other lists ("all") are not kept."""
    record_follow_up_list(engine(), account, area=view.area, week=view.week, kind=kind, member_ids=rows[c.MEMBER_ID],
                          now=now_local(), purpose=purpose)  # fmt: skip


def build_grid_worker_frame(members: pd.DataFrame, purpose: str) -> pd.DataFrame:
    """The grid worker's rows: the 联系记录 ledger's columns (手机号 full; 联系日期 and 联系方 blank, to fill in;
    联系方式 from the purpose; 联系人 the member's liaison), then 姓名, 所在社区, 专属联系人 and 未联系天数, which
    the import reads as no column of the ledger and leaves aside. Longest without contact first."""
    extra = labels.FOLLOW_UP_EXTRA_COLUMNS
    shown = members.sort_values([ml.DAYS_SINCE_CONTACT, c.MEMBER_ID], ascending=[False, True], kind="stable")
    liaison = shown[c.LIAISON].astype(object).where(shown[c.LIAISON].notna(), None)
    return pd.DataFrame(
        {
            _HEADERS["member_id"]: shown[ml.PHONE].astype(str),
            _HEADERS["contacted_on"]: None,
            _HEADERS["side"]: None,
            _HEADERS["method"]: _METHOD_WORDS[PURPOSES[purpose]],
            _HEADERS["liaison"]: liaison,
            extra["name"]: shown[c.NAME],
            extra["community"]: shown[ml.COMMUNITY],
            extra["liaison"]: liaison,
            extra["days"]: shown[ml.DAYS_SINCE_CONTACT].astype("int64"),
        }
    ).reset_index(drop=True)


def build_grid_worker_workbook(view: View, kind: str, purpose: str, members: pd.DataFrame, *, now: datetime) -> bytes:
    """The .xlsx a grid worker fills in: what list, where, which week, when and for what, how to fill it (at most
    seven lines, so that the import finds the header among its first ten rows); then the rows. Formula-like text
    is quoted the way the import undoes (formats.QUOTED_START)."""
    title = labels.AREAS_LIST_TITLES[kind]
    heading = [
        labels.FOLLOW_UP_EXPORT_TITLE.format(title=title),
        labels.AREAS_EXPORT_AREA.format(area=view.breadcrumb),
        labels.AREAS_EXPORT_WEEK.format(week=view.week, start=view.week.start, end=view.week.end),
        labels.FOLLOW_UP_EXPORT_PURPOSE.format(
            time=now.astimezone(TIMEZONE), purpose=labels.FOLLOW_UP_PURPOSES[purpose], count=len(members)
        ),
        labels.FOLLOW_UP_EXPORT_HOW,
    ]
    if view.synthetic:
        heading.insert(1, labels.SYNTHETIC_BANNER)
    frame = build_grid_worker_frame(members, purpose)
    return list_xlsx_bytes(heading, frame, sheet=labels.FOLLOW_UP_EXPORT_SHEET, starts=QUOTED_START)


def audited_full_workbook(view: View, kind: str, purpose: str, account: Account) -> bytes:
    """Built at every fetch of the link for the account the fetch signs in: the list is read unmasked (never
    cached), the export recorded in the audit trail with its purpose, and kept as a follow-up list. A city,
    district or clerk account is refused (OutOfScopeError) before anything is read or recorded."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    rows = full_member_list(
        engine(), account, area=view.area, week=view.week, kind=kind, thresholds=SETTINGS.thresholds
    )
    audit_as(account)("export_full", area=view.area, rows=len(rows), detail=f"{kind}:{purpose}")
    keep_exported_list(view, kind, rows, account, purpose=purpose)
    return build_grid_worker_workbook(view, kind, purpose, rows, now=datetime.now(TIMEZONE))


def render_full_export(view: View, kind: str) -> None:
    """Under a list's masked export: pick a purpose, then the full-phone list for the grid worker (street and
    community accounts only; the page shows lists to no one else)."""
    if kind not in FOLLOW_UP_KINDS or not view.scope.sees_personal_data:
        return
    purpose = st.selectbox(
        labels.FOLLOW_UP_PURPOSE_PICK,
        list(PURPOSES),
        format_func=labels.FOLLOW_UP_PURPOSES.get,
        index=None,
        placeholder=labels.PICK_PLACEHOLDER,
        key=f"full_purpose_{kind}",
    )
    if purpose not in PURPOSES:  # none picked yet (or a value no option has)
        return
    st.caption(labels.FOLLOW_UP_FULL_NOTE)
    downloads.offer_download(
        labels.FOLLOW_UP_FULL_DOWNLOAD.format(purpose=labels.FOLLOW_UP_PURPOSES[purpose]),
        lambda account: audited_full_workbook(view, kind, purpose, account),
        file_name=labels.FOLLOW_UP_EXPORT_FILE.format(
            area=view.area_name, title=labels.AREAS_LIST_TITLES[kind], week=view.week
        ),
        mime=downloads.XLSX,
        key=f"export_full_{kind}",
    )


def headline_for(view: View, window_days: int = fu.WINDOWS[0]) -> str:
    """The review's line for a view: the closure of the lists exported in the `window_days` days ending with the
    view's week, worded by closure_headline. No personal data (any account holding the area); never cached."""
    closure = follow_up_closure(engine(), scope=view.scope, area=view.area, as_of=view.week.end,
                                window_days=window_days)  # fmt: skip
    return closure_headline(closure, window_days)


def build_follow_up_table(members: pd.DataFrame) -> pd.DataFrame:
    """The listed members (masked) for display: pending first, with Chinese headers and states in words."""
    table = members[[c.NAME, ml.PHONE, ml.COMMUNITY, c.LIAISON, fu.EXPORTED_ON, fu.STATE, fu.CONTACTED_ON]]
    table = table.assign(
        **{
            fu.STATE: table[fu.STATE].map(labels.FOLLOW_UP_STATES),
            c.LIAISON: table[c.LIAISON].fillna(labels.AREAS_NO_LIAISON),
        }
    )
    return table.rename(columns=labels.FOLLOW_UP_COLUMNS).reset_index(drop=True)


def build_closure_by_table(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """compute_closure_by's table for display: share as 62.5%, a missing liaison as 未指定."""
    shown = table.assign(
        **{
            fu.SHARE: [format_rate(v) for v in table[fu.SHARE]],
            by: table[by].astype(object).where(table[by].notna(), labels.AREAS_NO_LIAISON),
        }
    )
    return shown.rename(columns=labels.FOLLOW_UP_COLUMNS | {by: labels.FOLLOW_UP_BY[by]})


def render_follow_up(closures: dict[int, fu.Closure], members: pd.DataFrame, *, as_of: date) -> None:
    """联系情况's section for street and community accounts: last week's and the fortnight's share, the lists
    closed, then per community and per liaison, and the members still to contact first (masked)."""
    st.header(labels.FOLLOW_UP_TITLE)
    columns = st.columns(len(closures))
    for column, (days, closure) in zip(columns, closures.items(), strict=True):
        column.metric(
            labels.FOLLOW_UP_METRIC[days],
            format_rate(closure.share) if closure.lists else labels.FOLLOW_UP_NONE,
            help=labels.FOLLOW_UP_METRIC_HELP.format(
                lists=closure.lists,
                closed=closure.closed_lists,
                members=closure.members,
                contacted=closure.contacted,
                departed=closure.departed,
                pending=closure.pending,
            ),  # fmt: skip
        )
    st.caption(labels.FOLLOW_UP_RULES.format(as_of=as_of))
    if members.empty:
        st.info(labels.FOLLOW_UP_NO_LISTS[max(closures)])
        return
    left, right = st.columns(2)
    for column, by in ((left, ml.COMMUNITY), (right, c.LIAISON)):
        column.dataframe(build_closure_by_table(fu.compute_closure_by(members, by), by), hide_index=True)
    st.subheader(labels.FOLLOW_UP_MEMBERS)
    st.dataframe(build_follow_up_table(members), hide_index=True, height=min(640, (len(members) + 1) * 35 + 3))
    st.caption(escape_markdown(labels.FOLLOW_UP_MEMBERS_NOTE))
