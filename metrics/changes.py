"""Member changes (the import history's member_changes): which fields are kept, and what one import changed.

A change is a row of member_id, field, old, new (codes as stored; a community as its id, as text).
"""

from __future__ import annotations

import pandas as pd

from metrics import columns as c
from metrics.days import as_dates

# The fields whose changes are kept, as a member's history shows them (a 核实日期 too: each is a verification that
# the figures of its week count); CREATED marks a member's first import
TRACKED_FIELDS = ("status", "community_id", "liaison", "flow_type", "verified_on")
CREATED = "created"
CHANGE_COLUMNS = ("member_id", "field", "old", "new")

# What an import changed, in the order the summary shows it
NEW, STATUS_CHANGED, MOVED = "new", "status_changed", "moved"
_FIELD_OF = {NEW: CREATED, STATUS_CHANGED: "status", MOVED: "community_id"}


def split_changes(changes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One import's changes as its summary's parts: new members, status changes, moves between communities (a
    frame each, rows as given)."""
    return {part: changes[changes["field"] == field].reset_index(drop=True) for part, field in _FIELD_OF.items()}


def status_flows(status_changes: pd.DataFrame) -> pd.DataFrame:
    """Status changes counted by old → new: columns old, new, members; the largest first."""
    if status_changes.empty:
        return pd.DataFrame(columns=["old", "new", "members"])
    counts = status_changes.groupby(["old", "new"], dropna=False).size().rename("members").reset_index()
    return counts.sort_values(["members", "old", "new"], ascending=[False, True, True], ignore_index=True)


def verification_days(members: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Every verification of every member: its current 核实日期 (members' verified_on, if the column is there) and
    each one a kept change replaced or set (a verification happened on each). Columns: member_id, day (dates)."""
    changes = events[events["field"] == c.VERIFIED_ON]
    parts = [(changes[c.MEMBER_ID], changes[side]) for side in ("old", "new")]
    if c.VERIFIED_ON in members.columns:
        parts.append((members[c.MEMBER_ID], members[c.VERIFIED_ON]))
    days = [pd.DataFrame({c.MEMBER_ID: ids.to_numpy(), "day": as_dates(values).to_numpy()}) for ids, values in parts]
    return pd.concat(days, ignore_index=True).dropna()
