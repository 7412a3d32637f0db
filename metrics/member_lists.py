"""The lists behind 超期未联系 and 失联风险: each active member's last contact, days since, and flags.

Same definitions as metrics.indicators (PRODUCT.md "Precisely"), so a list's length equals the
report's count for the same week and area: last contact is the latest contact on or before E, or
the registration day where there is none; overdue when E - last contact > overdue_days, lost
contact when > lost_contact_days (both strict).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import columns as c
from metrics.days import as_dates, require_columns

# Columns of a member list (data_access.members.fetch_member_list, then compute_member_list)
PHONE = "phone"
FLOW_TYPE = "flow_type"
COMMUNITY = "community"  # the community's name
COMMUNITY_PATH = "community_path"
LAST_CONTACT_ON = "last_contact_on"
DAYS_SINCE_CONTACT = "days_since_contact"
OVERDUE = "overdue"
LOST_CONTACT = "lost_contact"

LIST_COLUMNS = (
    c.MEMBER_ID,
    c.NAME,
    PHONE,
    FLOW_TYPE,
    COMMUNITY_PATH,
    COMMUNITY,
    c.LIAISON,
    c.REGISTERED_ON,
    LAST_CONTACT_ON,
)
# The lists a page offers: every active member, the overdue ones, those at risk of lost contact
LIST_KINDS = ("overdue", "lost_contact", "all")


def compute_member_list(frame: pd.DataFrame, *, end: date, overdue_days: int, lost_contact_days: int) -> pd.DataFrame:
    """The fetched list with last contact filled in, days since contact and the two flags.

    `frame` is shaped like data_access.members.fetch_member_list (its last_contact_on may be
    missing: never contacted by `end`). Returns a new frame, longest-uncontacted first (then by
    member_id); an empty frame gets the same columns.
    """
    require_columns(frame, LIST_COLUMNS, "member list")
    registered = as_dates(frame[c.REGISTERED_ON])
    contacted = as_dates(frame[LAST_CONTACT_ON])
    last = contacted.where(contacted.notna(), registered)
    days = pd.Series([(end - d).days for d in last], index=frame.index, dtype="int64")
    result = frame.assign(
        **{
            c.REGISTERED_ON: registered,
            LAST_CONTACT_ON: last,
            DAYS_SINCE_CONTACT: days,
            OVERDUE: days > overdue_days,
            LOST_CONTACT: days > lost_contact_days,
        }
    )
    return result.sort_values([DAYS_SINCE_CONTACT, c.MEMBER_ID], ascending=[False, True], ignore_index=True)


def select_member_list(members: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The members of one list: "overdue", "lost_contact" or "all" (every row of compute_member_list)."""
    if kind not in LIST_KINDS:
        raise ValueError(f"unknown list {kind!r}; expected one of {LIST_KINDS}")
    if kind == "all":
        return members
    require_columns(members, (kind,), "member list")
    return members[members[kind]].reset_index(drop=True)
