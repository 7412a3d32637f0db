"""Did last week's list get worked: closure of the follow-up lists (the overdue and lost-contact lists exported).

For an as-of day D and a window of N days, the lists are those exported on days e with D - N < e <= D (the N days
ending at D, as elsewhere). A listed member is:
- contacted: a contact dated from the export day to D, both included (on several lists: since the earliest);
- departed: not contacted and no longer 在册 (status not active): nothing is left to do for them;
- pending: neither, the ones still to work, listed first.
The share is contacted / (contacted + pending), None when there is nobody left to contact. A list is closed when
every member on it is contacted since its export or departed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from metrics import columns as c
from metrics.days import as_dates, require_columns

# Columns of data_access.follow_up.fetch_follow_up_members, then of compute_follow_up_members
LIST_ID = "list_id"
EXPORTED_ON = "exported_on"
CONTACTED_ON = "contacted_since"  # the first contact dated on or after the export day, up to the as-of day
STATE = "state"
DAYS_LISTED = "days_listed"  # days from the (first) export to the as-of day
CONTACTED, DEPARTED, PENDING = "contacted", "departed", "pending"
STATES = (PENDING, DEPARTED, CONTACTED)  # the order a list shows them in: still to do first
FETCHED_COLUMNS = (LIST_ID, EXPORTED_ON, c.KIND, c.MEMBER_ID, c.STATUS, CONTACTED_ON)

# Columns of compute_closure_by
MEMBERS = "members"
SHARE = "share"

WINDOWS = (7, 14)  # the windows shown: last week's lists, and the fortnight's


@dataclass(frozen=True)
class Closure:
    """How far the lists of a window got: members listed (each once), contacted since, departed, pending, and the
    lists, closed or not."""

    members: int = 0
    contacted: int = 0
    departed: int = 0
    pending: int = 0
    lists: int = 0
    closed_lists: int = 0

    @property
    def share(self) -> float | None:
        """Contacted among those left to contact (departed members aside); None when there is nobody."""
        denominator = self.contacted + self.pending
        return self.contacted / denominator if denominator else None


def window_start(as_of: date, window_days: int) -> date:
    """The first export day of the window: the `window_days` days ending at `as_of`."""
    return as_of - timedelta(days=window_days - 1)


def _in_window(frame: pd.DataFrame, as_of: date, window_days: int) -> pd.DataFrame:
    require_columns(frame, FETCHED_COLUMNS, "follow-up members")
    exported = as_dates(frame[EXPORTED_ON])
    contacted = as_dates(frame[CONTACTED_ON])
    start = window_start(as_of, window_days)
    inside = exported.map(lambda d: d is not None and start <= d <= as_of).astype(bool)
    # a contact after the as-of day is not known on it (the fetch's end may be later than a window's)
    contacted = contacted.map(lambda d: d if d is not None and d <= as_of else None)
    return frame.assign(**{EXPORTED_ON: exported, CONTACTED_ON: contacted})[inside]


def _states(contacted: pd.Series, status: pd.Series) -> pd.Series:
    done = contacted.notna()
    left = status != c.STATUS_ACTIVE
    return pd.Series(PENDING, index=contacted.index).mask(left, DEPARTED).mask(done, CONTACTED)


def compute_follow_up_members(frame: pd.DataFrame, *, as_of: date, window_days: int) -> pd.DataFrame:
    """One row per member on any list of the window: the fetched columns of their first list in it (personal ones
    too, when fetched), the first contact since that export, their state and the days since it; pending first,
    then departed, then contacted, each the longest listed first. An empty frame keeps the columns."""
    rows = _in_window(frame, as_of, window_days)
    ordered = rows.sort_values([EXPORTED_ON, LIST_ID], kind="stable")
    first = ordered.groupby(c.MEMBER_ID, sort=False).head(1).set_index(c.MEMBER_ID)
    contacted = ordered.groupby(c.MEMBER_ID)[CONTACTED_ON].min() if len(ordered) else first[CONTACTED_ON]
    members = first.assign(**{CONTACTED_ON: contacted.reindex(first.index)}).reset_index()
    members = members.assign(
        **{
            CONTACTED_ON: members[CONTACTED_ON].astype(object).where(members[CONTACTED_ON].notna(), None),
            STATE: _states(members[CONTACTED_ON], members[c.STATUS]),
            DAYS_LISTED: pd.Series(
                [(as_of - d).days for d in members[EXPORTED_ON]], index=members.index, dtype="int64"
            ),
        }
    )
    rank = members[STATE].map({state: i for i, state in enumerate(STATES)})
    order = members.assign(_rank=rank).sort_values(
        ["_rank", DAYS_LISTED, c.MEMBER_ID], ascending=[True, False, True], kind="stable"
    )
    return order.drop(columns="_rank").reset_index(drop=True)


def compute_closure(frame: pd.DataFrame, *, as_of: date, window_days: int) -> Closure:
    """The window's closure from fetched follow-up rows (data_access.follow_up.fetch_follow_up_members)."""
    rows = _in_window(frame, as_of, window_days)
    members = compute_follow_up_members(frame, as_of=as_of, window_days=window_days)
    counts = members[STATE].value_counts()
    per_list = rows.assign(_open=_states(rows[CONTACTED_ON], rows[c.STATUS]) == PENDING).groupby(LIST_ID)["_open"]
    open_lists = int(per_list.any().sum()) if len(rows) else 0
    lists = int(rows[LIST_ID].nunique())
    return Closure(
        members=len(members),
        contacted=int(counts.get(CONTACTED, 0)),
        departed=int(counts.get(DEPARTED, 0)),
        pending=int(counts.get(PENDING, 0)),
        lists=lists,
        closed_lists=lists - open_lists,
    )


def compute_closure_by(members: pd.DataFrame, by: str) -> pd.DataFrame:
    """Closure per value of `by` (community, liaison) from compute_follow_up_members: members, contacted,
    departed, pending and share (None with nobody left to contact); the most pending first. A missing value of
    `by` is a group of its own (kept as None)."""
    require_columns(members, (by, STATE), "follow-up members")
    columns = [by, MEMBERS, CONTACTED, DEPARTED, PENDING, SHARE]
    if members.empty:
        return pd.DataFrame(columns=columns)
    keys = members[by].astype(object).where(members[by].notna(), "")
    counts = pd.crosstab(keys, members[STATE]).reindex(columns=list(STATES), fill_value=0)
    table = counts.rename_axis(by).reset_index().rename_axis(None, axis=1)
    table = table.assign(
        **{MEMBERS: table[list(STATES)].sum(axis=1), by: table[by].astype(object).where(table[by] != "", None)}
    )
    left = table[CONTACTED] + table[PENDING]
    share = (table[CONTACTED] / left.where(left > 0)).astype(object)
    table = table.assign(**{SHARE: share.where(left > 0, None)})
    return table[columns].sort_values([PENDING, MEMBERS], ascending=[False, False], kind="stable", ignore_index=True)
