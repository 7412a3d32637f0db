"""Reconciling the roster with an outside list (底数清): matching by 手机号, and the queue's counts per area.

Pure pandas. data_access reads the list's rows and our members and writes what `compute_matches` returns.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import columns as c
from metrics.days import require_columns

PHONE = "phone"
STATE = "state"
DIFFERENCE = "difference"
LISTED_COMMUNITY_ID = "listed_community_id"
MEMBER_NAME = "member_name"
RESOLUTION = "resolution"
CREATED_ON = "created_on"
OPEN = "open"
OLDEST_OPEN_DAYS = "oldest_open_days"

AGREED, DIFFERS, OURS_ONLY, THEIRS_ONLY = "agreed", "differs", "ours_only", "theirs_only"
STATES = (AGREED, DIFFERS, OURS_ONLY, THEIRS_ONLY)
QUEUE_STATES = (DIFFERS, OURS_ONLY, THEIRS_ONLY)  # what someone has to look into: the 待核实 queue
# What a street or community account finds; pending (待查) keeps the item open, with its note
CONFIRMED, CORRECTED, NOT_OURS, NOT_MOBILE, PENDING = "confirmed", "corrected", "not_ours", "not_mobile", "pending"
RESOLUTIONS = (CONFIRMED, CORRECTED, NOT_OURS, NOT_MOBILE, PENDING)
VERIFYING = (CONFIRMED, CORRECTED)  # these set the named member's 核实日期
# What differs for a phone in both, in this order
DIFF_NAME, DIFF_COMMUNITY, DIFF_STATUS = "name", "community", "status"

ITEM_COLUMNS = (STATE, DIFFERENCE, c.NAME, PHONE, c.COMMUNITY_ID, LISTED_COMMUNITY_ID, c.MEMBER_ID)


def _clean(names: pd.Series) -> pd.Series:
    return names.astype(object).map(lambda v: "".join(str(v).split()) if isinstance(v, str) else v)


def compute_matches(listed: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The items one outside list (one 来源) gives, matched with our members by phone.

    `listed`: name, phone, community_id (None: not written), one row per phone. `members`: member_id, phone, name,
    community_id, status, for at least the list's phones and every member of the covered communities. The covered
    communities are those the rows name, and for a row without one the community of our member with that phone.

    Returns one row per listed phone (agreed, differs, theirs_only) and one per active member of a covered community
    whose phone the list lacks (ours_only), with ITEM_COLUMNS: `community_id` the queue's community (our member's
    when we have the phone, else the list's), `listed_community_id` what the list wrote, `name` the list's (None for
    ours_only), `difference` for differs which of name, community and status (not 在册) differ, joined by ",".
    """
    require_columns(listed, (c.NAME, PHONE, c.COMMUNITY_ID), "outside list")
    require_columns(members, (c.MEMBER_ID, PHONE, c.NAME, c.COMMUNITY_ID, c.STATUS), "members")
    ours = members.set_index(PHONE)
    found = listed.rename(columns={c.COMMUNITY_ID: LISTED_COMMUNITY_ID}).join(
        ours[[c.MEMBER_ID, c.NAME, c.COMMUNITY_ID, c.STATUS]].rename(columns={c.NAME: MEMBER_NAME}), on=PHONE
    )
    known = found[c.MEMBER_ID].notna()
    listed_community = found[LISTED_COMMUNITY_ID]
    differences = pd.DataFrame(
        {
            DIFF_NAME: known & (_clean(found[c.NAME]) != _clean(found[MEMBER_NAME])),
            DIFF_COMMUNITY: known & listed_community.notna() & (listed_community != found[c.COMMUNITY_ID]),
            DIFF_STATUS: known & (found[c.STATUS] != c.STATUS_ACTIVE),
        },
        index=found.index,
    )
    difference = differences.apply(lambda row: ",".join(name for name, hit in row.items() if hit) or None, axis=1)
    state = pd.Series(AGREED, index=found.index, dtype=object)
    state[known & difference.notna()] = DIFFERS
    state[~known] = THEIRS_ONLY
    from_list = pd.DataFrame(
        {
            STATE: state,
            DIFFERENCE: difference.where(state == DIFFERS, None) if len(found) else pd.Series(dtype=object),
            c.NAME: found[c.NAME],
            PHONE: found[PHONE],
            c.COMMUNITY_ID: found[c.COMMUNITY_ID].where(known, listed_community),
            LISTED_COMMUNITY_ID: listed_community,
            c.MEMBER_ID: found[c.MEMBER_ID].where(known, None),
        }
    )
    covered = set(listed_community.dropna()) | set(found.loc[known & listed_community.isna(), c.COMMUNITY_ID])
    missing = members[
        members[c.COMMUNITY_ID].isin(covered)
        & (members[c.STATUS] == c.STATUS_ACTIVE)
        & ~members[PHONE].isin(set(listed[PHONE]))
    ]
    ours_only = pd.DataFrame(
        {
            STATE: OURS_ONLY,
            DIFFERENCE: None,
            c.NAME: None,
            PHONE: missing[PHONE],
            c.COMMUNITY_ID: missing[c.COMMUNITY_ID],
            LISTED_COMMUNITY_ID: None,
            c.MEMBER_ID: missing[c.MEMBER_ID],
        }
    )
    parts = [part for part in (from_list, ours_only) if len(part)]
    if not parts:
        return pd.DataFrame(columns=list(ITEM_COLUMNS))
    result = pd.concat(parts, ignore_index=True)[list(ITEM_COLUMNS)].astype(object)
    return result.where(result.notna(), None)


def is_open(items: pd.DataFrame) -> pd.Series:
    """Items still to look into: in the queue and not resolved (待查 is not a resolution, only a note)."""
    return items[STATE].isin(QUEUE_STATES) & (items[RESOLUTION].isna() | (items[RESOLUTION] == PENDING))


def compute_reconcile_summary(items: pd.DataFrame, *, by: str, as_of: date) -> pd.DataFrame:
    """Per value of `by` (an area name column): the current items by state, how many are open, and the age in days
    on `as_of` of the oldest open one (None when none is open). Columns: by, the four STATES, open,
    oldest_open_days; sorted by open items, most first."""
    require_columns(items, (by, STATE, RESOLUTION, CREATED_ON), "reconcile items")
    columns = [by, *STATES, OPEN, OLDEST_OPEN_DAYS]
    if items.empty:
        return pd.DataFrame(columns=columns)
    ages = (pd.Timestamp(as_of) - pd.to_datetime(items[CREATED_ON])).dt.days
    frame = items.assign(**{OPEN: is_open(items), "_age": ages.where(is_open(items))})
    counts = pd.crosstab(frame[by], frame[STATE]).reindex(columns=list(STATES), fill_value=0)
    summary = counts.join(frame.groupby(by).agg(**{OPEN: (OPEN, "sum"), OLDEST_OPEN_DAYS: ("_age", "max")}))
    oldest = [None if pd.isna(v) else int(v) for v in summary[OLDEST_OPEN_DAYS]]
    summary[OLDEST_OPEN_DAYS] = pd.Series(oldest, index=summary.index, dtype=object)
    summary = summary.reset_index().sort_values([OPEN, by], ascending=[False, True], kind="stable")
    return summary[columns].reset_index(drop=True)
