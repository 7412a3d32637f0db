"""The lists behind 超期未联系 and 失联风险: each active member's last contact, days since, and flags.

Same definitions as metrics.indicators (PRODUCT.md "Precisely"), so a list's length equals the
report's count for the same week and area: last contact is the latest contact on or before E, or
the registration day where there is none; overdue when E - last contact > overdue_days, lost
contact when > lost_contact_days (both strict). A record is 待更新 (stale_record) when its last verification by E
(its latest verification on or before E, else its 报到日期; metrics.indicators) is not in the record_fresh_days
ending at E: E - last verified >= record_fresh_days, the active members record_freshness_rate does not count.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import columns as c
from metrics.changes import verification_days
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
LAST_VERIFIED_ON = "last_verified_on"  # 核实日期 by E, else 报到日期
DAYS_SINCE_VERIFIED = "days_since_verified"
STALE_RECORD = "stale_record"  # 待更新

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
    c.VERIFIED_ON,
)
OPTIONAL_LIST_COLUMNS = (c.VERIFIED_ON,)  # absent: no record verified
# The lists a page offers: the overdue, those at risk of lost contact, every active member, the records 待更新
LIST_KINDS = ("overdue", "lost_contact", "all", STALE_RECORD)


def latest_verification_by(members: pd.DataFrame, events: pd.DataFrame, *, end: date) -> pd.Series:
    """Each member's latest verification on or before `end`: its 核实日期 or one a later change replaced (`events`:
    member_id, field, old, new as the member changes keep them); None when none by then. As the figures count it
    (metrics.indicators), so a list of a past week matches that week's rate."""
    days = verification_days(members, events)
    latest = days[days["day"] <= end].groupby(c.MEMBER_ID)["day"].max()
    return members[c.MEMBER_ID].map(latest).astype(object).where(lambda v: v.notna(), None)


def compute_member_list(
    frame: pd.DataFrame, *, end: date, overdue_days: int, lost_contact_days: int, record_fresh_days: int = 90
) -> pd.DataFrame:
    """The fetched list with last contact filled in, days since contact and the two flags; the last verification,
    days since and the 待更新 flag.

    `frame` is shaped like data_access.members.fetch_member_list (its last_contact_on may be
    missing: never contacted by `end`; its verified_on missing or absent: never verified). Returns a new
    frame, longest-uncontacted first (then by member_id); an empty frame gets the same columns.
    """
    require_columns(frame, [name for name in LIST_COLUMNS if name not in OPTIONAL_LIST_COLUMNS], "member list")
    registered = as_dates(frame[c.REGISTERED_ON])
    contacted = as_dates(frame[LAST_CONTACT_ON])
    last = contacted.where(contacted.notna(), registered)
    days = pd.Series([(end - d).days for d in last], index=frame.index, dtype="int64")
    verified = as_dates(frame[c.VERIFIED_ON]) if c.VERIFIED_ON in frame.columns else registered.map(lambda _: None)
    last_verified = pd.Series(
        [max(v, r) if v is not None and v <= end else r for v, r in zip(verified, registered, strict=True)],
        index=frame.index,
        dtype=object,
    )
    days_verified = pd.Series([(end - d).days for d in last_verified], index=frame.index, dtype="int64")
    result = frame.assign(
        **{
            c.REGISTERED_ON: registered,
            LAST_CONTACT_ON: last,
            DAYS_SINCE_CONTACT: days,
            OVERDUE: days > overdue_days,
            LOST_CONTACT: days > lost_contact_days,
            LAST_VERIFIED_ON: last_verified,
            DAYS_SINCE_VERIFIED: days_verified,
            STALE_RECORD: days_verified >= record_fresh_days,
        }
    )
    return result.sort_values([DAYS_SINCE_CONTACT, c.MEMBER_ID], ascending=[False, True], ignore_index=True)


def select_member_list(members: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The members of one list: "overdue", "lost_contact", "all" (every row of compute_member_list) or
    "stale_record" (待更新, the longest unverified first, then by member_id)."""
    if kind not in LIST_KINDS:
        raise ValueError(f"unknown list {kind!r}; expected one of {LIST_KINDS}")
    if kind == "all":
        return members
    require_columns(members, (kind,), "member list")
    chosen = members[members[kind]]
    if kind == STALE_RECORD:
        chosen = chosen.sort_values([DAYS_SINCE_VERIFIED, c.MEMBER_ID], ascending=[False, True], kind="stable")
    return chosen.reset_index(drop=True)
