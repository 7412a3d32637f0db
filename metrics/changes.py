"""Member changes (the import history's member_changes): which fields are kept, and what one import changed.

A change is a row of member_id, field, old, new (codes as stored; a community as its id, as text).
"""

from __future__ import annotations

import pandas as pd

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
