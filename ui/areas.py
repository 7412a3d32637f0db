"""The 区域下钻 page's parts: the clickable breadcrumb, the child-area table and the member lists with export.

The table and workbook builders are pure (no st. calls) so they can be unit-tested; `render_*` draw.
"""

from __future__ import annotations

import html
from datetime import datetime

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from data_access.areas import AreaPath
from ledgers.formats import MEMBERS
from ledgers.writing import list_xlsx_bytes
from metrics import columns as c
from metrics import member_lists as ml
from metrics.periods import TIMEZONE, Week
from metrics.registry import DECIMALS, GROUPS, JUDGED_INDICATORS, RATE_INDICATORS
from metrics.tables import PREVIOUS, compute_lagging
from services.accounts import Account
from ui import downloads, labels
from ui.auth import audit, audit_as
from ui.data import read_community_paths, read_member_history, read_member_record
from ui.follow_up import keep_exported_list, render_full_export
from ui.history import build_member_history
from ui.text import escape_markdown
from ui.widgets import View, friendly_errors, set_area

LAGGING_STYLE = "background-color: #FBE3E1; color: #8B1A1A; font-weight: 600"
PREVIOUS_STYLE = "color: #7B8794"  # last week's figures, quieter than this week's
TABLE_MAX_HEIGHT = 640  # px: more rows than fit scroll inside the table
# The child table's column groups: the registry's (metrics.registry.GROUPS) and every indicator at once; 22
# columns scroll sideways even at 1920 px, so one group is shown first, the headline contact figures.
ALL_GROUPS = "all"
DEFAULT_GROUP = "contact"
# Rates in percent (the table multiplies them by 100), whole counts localized (12,345)
_NUMBER_FORMATS = {
    key: f"%.{digits}f%%" if key in RATE_INDICATORS else f"%.{digits}f" if digits else "localized"
    for key, digits in DECIMALS.items()
}


def render_breadcrumb(view: View) -> None:
    """武汉市 › 江汉区 › 北湖街道 › 环保社区: each ancestor a button that goes back up to it."""
    names = (labels.CITY, *view.area.parts)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for depth, name in enumerate(names):
            if depth == len(names) - 1:
                st.markdown(f"**{escape_markdown(name)}**")
                break
            st.button(
                escape_markdown(name),
                key=f"crumb_{depth}",
                type="tertiary",
                help=labels.AREAS_BREADCRUMB_HELP.format(area=escape_markdown(name)),
                on_click=set_area,  # a callback: the run it triggers already shows the area above
                args=(AreaPath(view.area.parts[:depth]),),
            )
            st.markdown(labels.BREADCRUMB_SEPARATOR.strip())


def group_keys(group: str) -> tuple[str, ...]:
    """The indicators of a group of the child table (ALL_GROUPS: every one), in report order."""
    return c.REPORT_KEYS if group == ALL_GROUPS else GROUPS[group]


def build_children_styler(
    children: pd.DataFrame, *, keys: tuple[str, ...] = c.REPORT_KEYS, show_previous: bool = False
) -> Styler:
    """The child table for display: name, the indicators `keys` (optionally last week's beside each), rates in
    percent (0-100), and each judged indicator's lagging quarter highlighted (metrics.tables.compute_lagging)."""
    shown = [k for key in keys for k in ((key, PREVIOUS + key) if show_previous else (key,))]
    rates = [k for k in shown if k.removeprefix(PREVIOUS) in RATE_INDICATORS]
    table = children[[c.PATH, c.NAME, *shown]].assign(
        **{k: pd.to_numeric(children[k], errors="coerce") * 100 for k in rates}
    )
    lagging = {key: compute_lagging(children, key) for key in JUDGED_INDICATORS if key in keys}

    def highlight(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for column in frame.columns[frame.columns.str.startswith(PREVIOUS)]:
            styles[column] = PREVIOUS_STYLE
        for key, flags in lagging.items():
            styles[key] = flags.map({True: LAGGING_STYLE, False: ""})
        return styles

    return table.style.apply(highlight, axis=None)


def children_column_config(
    level: str, *, keys: tuple[str, ...] = c.REPORT_KEYS, show_previous: bool = False
) -> dict[str, object]:
    """Chinese headers (COLUMN_LABELS), the name pinned; 87.5% for rates, 12,345 for counts."""
    config: dict[str, object] = {
        c.PATH: None,
        c.NAME: st.column_config.TextColumn(labels.LEVEL_NAMES[level], pinned=True),
    }
    for key in keys:
        full = labels.COLUMN_LABELS[key]
        label = labels.AREAS_SHORT_HEADERS.get(key, full)
        number_format = _NUMBER_FORMATS[key]
        config[key] = st.column_config.NumberColumn(label, help=full, format=number_format)
        if show_previous:
            config[PREVIOUS + key] = st.column_config.NumberColumn(
                labels.AREAS_PREVIOUS_COLUMN.format(label=label),
                help=labels.AREAS_PREVIOUS_COLUMN.format(label=full),
                format=number_format,
            )
    return config


def _group_label(group: str) -> str:
    return labels.AREAS_GROUP_ALL if group == ALL_GROUPS else labels.INDICATOR_GROUP_LABELS[group]


def render_children_table(children: pd.DataFrame, level: str, *, key: str) -> AreaPath | None:
    """The child areas with one group of indicators (or all), sortable and coloured; returns the child whose row
    was clicked. Whatever the group, the table is the same widget (`key`): its selection state is the same."""
    name = labels.LEVEL_NAMES[level]
    st.header(labels.AREAS_CHILDREN.format(level=name))
    picked = st.segmented_control(
        labels.AREAS_GROUP_PICK,
        (*GROUPS, ALL_GROUPS),
        default=DEFAULT_GROUP,
        required=True,  # a click on the chosen group keeps it: the table never loses its columns
        format_func=_group_label,
        # One key at every level and week: the group chosen stays chosen going down the table's rows
        key="children_group",
        wrap=True,  # on a phone the groups take two rows rather than scroll
    )
    keys = group_keys(picked if picked in (*GROUPS, ALL_GROUPS) else DEFAULT_GROUP)
    show_previous = st.toggle(labels.AREAS_SHOW_PREVIOUS, key=f"{key}_previous")
    row_height = 35
    event = st.dataframe(
        build_children_styler(children, keys=keys, show_previous=show_previous),
        column_config=children_column_config(level, keys=keys, show_previous=show_previous),
        hide_index=True,
        height=min(TABLE_MAX_HEIGHT, (len(children) + 1) * row_height + 3),
        on_select="rerun",
        # Rows only: with cell selection on, a click on a header (to sort) also reports a selected cell.
        selection_mode="single-row",
        key=key,
    )
    st.caption(labels.AREAS_CHILDREN_HINT.format(level=name))
    rows = event.selection.rows
    return AreaPath.parse(children[c.PATH].iloc[rows[0]]) if rows else None


def _list_columns(kind: str) -> dict[str, str]:
    """A list's columns and their headers: the 待更新 list shows the record's last check instead of contact."""
    return labels.STALE_LIST_COLUMNS if kind == ml.STALE_RECORD else labels.MEMBER_LIST_COLUMNS


def build_member_table(members: pd.DataFrame, kind: str = "all") -> pd.DataFrame:
    """A member list (already masked) for display and export: Chinese headers, flow types in words."""
    names = _list_columns(kind)
    columns = list(names)
    table = members[columns].assign(
        **{
            ml.FLOW_TYPE: members[ml.FLOW_TYPE].map(MEMBERS.words[ml.FLOW_TYPE]).fillna(members[ml.FLOW_TYPE]),
            c.LIAISON: members[c.LIAISON].fillna(labels.AREAS_NO_LIAISON),
        }
    )
    return table.rename(columns=names).reset_index(drop=True)


CARD_LIMIT = 200  # a phone's list stays short; the export holds every row

# Static CSS (no data in it): on a narrow screen each list is a column of cards instead of a wide grid.
NARROW_CSS = """<style>
[class*="st-key-member_cards_"] { display: none; }
@media (max-width: 640px) {
  [class*="st-key-member_table_"] { display: none; }
  [class*="st-key-member_cards_"] { display: block; }
}
.member-cards { list-style: none; margin: 0 !important; padding: 0 !important; }
.member-card { border: 1px solid rgba(49, 51, 63, .15); border-radius: .5rem; padding: .6rem .8rem;
  margin: 0 0 .5rem 0 !important; display: grid; grid-template-columns: 1fr auto; gap: .15rem .8rem; }
.member-card .who { font-size: 1.1rem; font-weight: 600; }
.member-card .days { font-size: 1.1rem; font-weight: 700; color: #8a1020; text-align: right; }
.member-card .detail { color: #3E4C59; font-size: .95rem; grid-column: 1 / -1; }
.member-cards-more { color: #3E4C59; font-size: .9rem; }
</style>"""


def cards_html(cards: list[tuple[str, str, str]], total: int) -> str:
    """A phone's list: one card per (who, days, detail), already masked and at most CARD_LIMIT, and a note when
    `total` is more. Every value is escaped."""
    items = [
        f'<li class="member-card"><span class="who">{html.escape(who)}</span>'
        f'<span class="days">{html.escape(days)}</span><span class="detail">{html.escape(detail)}</span></li>'
        for who, days, detail in cards
    ]
    more = ""
    if total > len(cards):
        note = labels.AREAS_CARDS_MORE.format(shown=len(cards), total=total)
        more = f'<p class="member-cards-more">{html.escape(note)}</p>'
    return f'<ul class="member-cards">{"".join(items)}</ul>{more}'


def member_cards_html(members: pd.DataFrame, kind: str = "all") -> str:
    """One card per member (already masked), the longest without contact first: name and phone, days since
    contact, liaison and last contact; for the 待更新 list the longest unverified first, with days since the record
    was verified and its last check."""
    stale = kind == ml.STALE_RECORD
    days_column, last_column = (
        (ml.DAYS_SINCE_VERIFIED, ml.LAST_VERIFIED_ON) if stale else (ml.DAYS_SINCE_CONTACT, ml.LAST_CONTACT_ON)
    )
    days_text = labels.AREAS_CARD_DAYS_VERIFIED if stale else labels.AREAS_CARD_DAYS
    detail_text = labels.AREAS_CARD_DETAIL_VERIFIED if stale else labels.AREAS_CARD_DETAIL
    shown = members.sort_values(days_column, ascending=False, kind="stable").head(CARD_LIMIT)
    cards = []
    for member in shown.to_dict("records"):
        liaison = member[c.LIAISON] if isinstance(member[c.LIAISON], str) else labels.AREAS_NO_LIAISON
        last = member[last_column]
        last = f"{pd.Timestamp(last):%Y-%m-%d}" if pd.notna(last) else labels.AREAS_CARD_NEVER
        cards.append(
            (
                f"{member[c.NAME]} {member[ml.PHONE]}",
                days_text.format(days=member[days_column]),
                detail_text.format(liaison=liaison, last=last),
            )
        )
    return cards_html(cards, len(members))


def build_list_workbook(view: View, kind: str, members: pd.DataFrame, *, now: datetime) -> bytes:
    """The .xlsx a grid worker gets: what list, where, which week, when exported (Beijing time), whether the
    data is synthetic; then the masked table."""
    title = labels.AREAS_LIST_TITLES[kind]
    week: Week = view.week
    heading = [
        labels.AREAS_EXPORT_TITLE.format(title=title),
        labels.AREAS_EXPORT_AREA.format(area=view.breadcrumb),
        labels.AREAS_EXPORT_WEEK.format(week=week, start=week.start, end=week.end),
        labels.AREAS_EXPORT_TIME.format(time=now.astimezone(TIMEZONE)),
        labels.AREAS_EXPORT_COUNT.format(count=len(members)),
    ]
    if view.synthetic:
        heading.insert(1, labels.SYNTHETIC_BANNER)
    return list_xlsx_bytes(heading, build_member_table(members, kind), sheet=title)


def _audited_workbook(view: View, kind: str, rows: pd.DataFrame, account: Account) -> bytes:
    """Built at every fetch of the link, and each fetch recorded in the audit trail: who exported which list,
    how many rows. An overdue or lost-contact list is kept as a follow-up list (ui/follow_up.py)."""
    audit_as(account)("export", area=view.area, rows=len(rows), detail=kind)
    keep_exported_list(view, kind, rows, account)
    return build_list_workbook(view, kind, rows, now=datetime.now(TIMEZONE))


_REVEAL_PICK, _REVEAL_ASKED = "reveal_pick", "reveal_asked"


def _ask_reveal() -> None:
    """The explicit click: remember which member, for this run only."""
    st.session_state[_REVEAL_ASKED] = st.session_state.get(_REVEAL_PICK)


def build_reveal_table(record: dict) -> pd.DataFrame:
    """One member's record for display: a row per field (Chinese names), codes (流动类型, 性别, 职业类别) in the
    ledger's own words, dates as 2026-11-05, a blank as 未填写."""
    words = MEMBERS.words

    def shown(key: str) -> str:
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return labels.AREAS_REVEAL_NOT_GIVEN
        return words[key].get(value, value) if key in words else str(value)

    fields = labels.AREAS_REVEAL_FIELDS
    return pd.DataFrame({labels.AREAS_REVEAL_VALUE: [shown(key) for key in fields]}, index=list(fields.values()))


def render_reveal(view: View, members: pd.DataFrame) -> None:
    """One member's full record on an explicit click, for street and community accounts; every reveal is audited."""
    st.subheader(labels.AREAS_REVEAL)
    choices = dict(zip(members[c.MEMBER_ID], members[c.NAME] + " " + members[ml.PHONE], strict=True))
    with st.form(f"reveal_{view.area}", border=False, enter_to_submit=False):
        st.selectbox(labels.AREAS_REVEAL_PICK, list(choices), format_func=choices.get, index=None, key=_REVEAL_PICK,
                     placeholder=labels.PICK_PLACEHOLDER)  # fmt: skip
        st.form_submit_button(labels.AREAS_REVEAL_BUTTON, key="reveal_button", on_click=_ask_reveal)
    member_id = st.session_state.pop(_REVEAL_ASKED, None)
    if member_id not in choices:  # none picked, or a crafted value (Streamlit passes one matching no option on)
        return
    with friendly_errors():
        record = read_member_record(int(member_id), str(view.scope))
        if record is None:
            st.warning(labels.AREAS_REVEAL_GONE)
            return
        # Recorded before it is shown: a database gone in between shows its message and never the record.
        audit("reveal", area=AreaPath.parse(record[ml.COMMUNITY_PATH]), rows=1, detail=f"member {int(member_id)}")
    shown = build_reveal_table(record)
    # st.dataframe, not st.table: st.table renders Markdown in its cells, and these are a ledger's own words.
    st.dataframe(shown, height=(len(shown) + 1) * 35 + 3)  # every field in view, no scrolling
    st.markdown(f"**{labels.MEMBER_HISTORY}**")
    with friendly_errors():
        changes = read_member_history(int(member_id), str(view.scope))
        if changes.empty:
            st.caption(labels.MEMBER_HISTORY_EMPTY)
        else:
            st.dataframe(build_member_history(changes, read_community_paths()), hide_index=True, width="stretch")


def _member_column_config(kind: str) -> dict[str, object]:
    names = _list_columns(kind)
    dates = (c.REGISTERED_ON, ml.LAST_CONTACT_ON, ml.LAST_VERIFIED_ON)
    days = (ml.DAYS_SINCE_CONTACT, ml.DAYS_SINCE_VERIFIED)
    return {
        **{names[name]: st.column_config.DateColumn(format="YYYY-MM-DD") for name in dates if name in names},
        **{names[name]: st.column_config.NumberColumn(format="localized") for name in days if name in names},
    }


def render_member_lists(
    view: View, members: pd.DataFrame, *, overdue_days: int, lost_contact_days: int, record_fresh_days: int = 90
) -> None:
    """Tabs 超期未联系 / 失联风险 / 全部在册 / 一人一档待更新, each a masked table with its Excel export (audited);
    empty lists say so."""
    st.header(labels.AREAS_MEMBERS)
    if members.empty:
        st.info(labels.AREAS_NO_MEMBERS.format(area=escape_markdown(view.area_name), end=view.week.end))
        return
    st.caption(labels.AREAS_MEMBERS_NOTE.format(end=view.week.end))
    lists = {kind: ml.select_member_list(members, kind) for kind in ml.LIST_KINDS}
    tabs = st.tabs(
        [
            labels.AREAS_LIST_TAB.format(title=labels.AREAS_LIST_TITLES[kind], count=len(rows))
            for kind, rows in lists.items()
        ]
    )
    days = {"overdue": overdue_days, "lost_contact": lost_contact_days, "all": None, ml.STALE_RECORD: record_fresh_days}
    st.html(NARROW_CSS)
    for tab, (kind, rows) in zip(tabs, lists.items(), strict=True):
        with tab:
            if rows.empty:
                st.success(labels.AREAS_LIST_EMPTY[kind].format(area=escape_markdown(view.area_name)))
                continue
            st.caption(labels.AREAS_LIST_RULES[kind].format(end=view.week.end, days=days[kind]))
            with st.container(key=f"member_table_{kind}"):
                st.dataframe(
                    build_member_table(rows, kind),
                    column_config=_member_column_config(kind),
                    hide_index=True,
                    height=min(TABLE_MAX_HEIGHT, (len(rows) + 1) * 35 + 3),
                )
            with st.container(key=f"member_cards_{kind}"):
                st.html(member_cards_html(rows, kind))
            downloads.offer_download(
                labels.AREAS_DOWNLOAD,
                lambda account, kind=kind, rows=rows: _audited_workbook(view, kind, rows, account),
                file_name=labels.AREAS_EXPORT_FILE.format(
                    area=view.area_name, title=labels.AREAS_LIST_TITLES[kind], week=view.week
                ),
                mime=downloads.XLSX,
                key=f"export_{kind}",
            )
            render_full_export(view, kind)
