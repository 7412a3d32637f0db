"""Contact and volunteer breakdowns: the per-member contact histogram, weekly buckets, hours by category.

Inputs are the small grouped frames of data_access/activity.py; outputs are display-ready tables
with every bucket present (zeros, not gaps), so a chart never silently drops a category.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from metrics import columns as c
from metrics.indicators import require_columns
from metrics.periods import Week

CONTACTS = "contacts"
MEMBERS = "members"
SHARE = "share"
BUCKET = "bucket"
RECORDS = "records"
UNKNOWN = "unknown"  # a contact without a recorded method
TAIL_SUFFIX = "+"


def compute_contact_histogram(distribution: pd.DataFrame, *, active_members: int, tail: int = 5) -> pd.DataFrame:
    """Active members by number of contacts in the window: buckets "0", "1", ..., "<tail>+".

    `distribution` has columns contacts (>= 1) and members, as fetch_contact_count_distribution
    returns; the "0" bucket is `active_members` minus everyone counted there.
    Columns: bucket (text), members (int), share (of active members; None when there are none).
    """
    require_columns(distribution, (CONTACTS, MEMBERS), "distribution")
    counts = distribution[CONTACTS].to_numpy(dtype=np.int64)
    members = distribution[MEMBERS].to_numpy(dtype=np.int64)
    if (counts < 1).any():
        raise ValueError("distribution counts members with at least one contact only")
    contacted = int(members.sum())
    if contacted > active_members:
        raise ValueError(f"{contacted} contacted members but only {active_members} active")
    per_bucket = np.bincount(np.minimum(counts, tail), weights=members, minlength=tail + 1).astype(np.int64)
    per_bucket[0] = active_members - contacted
    names = [str(i) for i in range(tail)] + [f"{tail}{TAIL_SUFFIX}"]
    shares = [None if not active_members else int(n) / active_members for n in per_bucket]
    return pd.DataFrame({BUCKET: names, MEMBERS: per_bucket, SHARE: pd.Series(shares, dtype=object)})


def compute_mean_contacts(distribution: pd.DataFrame, *, active_members: int) -> float | None:
    """Contacts per active member in the window (the report's contacts_per_member_30d); None without members."""
    require_columns(distribution, (CONTACTS, MEMBERS), "distribution")
    if not active_members:
        return None
    total = int((distribution[CONTACTS].astype("int64") * distribution[MEMBERS].astype("int64")).sum())
    return total / active_members


def week_names(end: date, weeks: int) -> list[str]:
    """The names (2026-W46) of the `weeks` ISO weeks ending with the week containing `end`, oldest first."""
    last = Week.containing(end)
    return [str(last.shifted(-i)) for i in range(weeks - 1, -1, -1)]


def compute_weekly_contacts(daily: pd.DataFrame, *, end: date, weeks: int, by: str) -> pd.DataFrame:
    """Contacts per ISO week and per code of `by` (side or method), for the `weeks` weeks ending with `end`'s week.

    `daily` has columns contacted_on, side, method, contacts (fetch_daily_contacts). Index: week names,
    oldest first, every week present; columns: the codes of `by` in their usual order (a missing method
    is UNKNOWN, listed last only when it occurs). Days outside the weeks are ignored.
    """
    if by not in (c.SIDE, c.METHOD):
        raise ValueError(f"by must be {c.SIDE!r} or {c.METHOD!r}, not {by!r}")
    require_columns(daily, (c.CONTACTED_ON, by, CONTACTS), "daily contacts")
    names = week_names(end, weeks)
    first = Week.parse(names[0]).start
    codes = list(c.SIDES if by == c.SIDE else c.METHODS)
    days = pd.to_datetime(daily[c.CONTACTED_ON])
    keys = daily[by].astype(object).where(daily[by].notna(), UNKNOWN)
    week_index = ((days - pd.Timestamp(first)).dt.days // 7).to_numpy()
    inside = (week_index >= 0) & (week_index < weeks)
    codes += sorted(set(keys[inside]) - set(codes), key=lambda code: code == UNKNOWN)  # e.g. other, then unknown
    frame = pd.DataFrame(
        {
            c.WEEK_START: np.asarray(names, dtype=object)[week_index[inside]],
            by: keys.to_numpy()[inside],
            CONTACTS: daily[CONTACTS].to_numpy(dtype=np.int64)[inside],
        }
    )
    table = frame.pivot_table(index=c.WEEK_START, columns=by, values=CONTACTS, aggfunc="sum", fill_value=0)
    return (
        table.reindex(index=names, columns=codes, fill_value=0)
        .astype(np.int64)
        .rename_axis(index=c.WEEK_START, columns=by)
    )


def compute_category_hours(by_category: pd.DataFrame, *, own_categories: int = 5) -> pd.DataFrame:
    """Volunteer hours per category, every known category present, most hours first (ties in code order).

    `by_category` has columns category, hours, records (fetch_volunteer_by_category). A category is a known code,
    or the words a ledger used (活动类别 is free text): the `own_categories` with most hours are kept, the rest
    count as "other", as does a record without a category. Columns: category, hours, records.
    """
    require_columns(by_category, (c.CATEGORY, c.HOURS, RECORDS), "hours by category")
    codes = list(c.VOLUNTEER_CATEGORIES)
    named = by_category[c.CATEGORY].astype(object).where(by_category[c.CATEGORY].notna(), "other")
    own = by_category.assign(**{c.CATEGORY: named})[~named.isin(codes)].groupby(c.CATEGORY)[c.HOURS].sum()
    kept = own.sort_values(ascending=False, kind="stable").index[:own_categories].tolist()
    category = named.where(named.isin(codes + kept), "other")
    order = codes + kept
    sums = (
        by_category.assign(**{c.CATEGORY: category})
        .groupby(c.CATEGORY)
        .agg(hours=(c.HOURS, "sum"), records=(RECORDS, "sum"))
        .reindex(order, fill_value=0)
        .rename_axis(c.CATEGORY)
        .reset_index()
        .assign(_order=range(len(order)))
        .sort_values([c.HOURS, "_order"], ascending=[False, True], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return sums.astype({c.HOURS: "float64", RECORDS: "int64"})


def compute_hours_per_participant(hours: float | None, participants: int | None) -> float | None:
    """Hours per participant; None when nobody took part."""
    if not participants or hours is None:
        return None
    return hours / participants


def compute_leaders(table: pd.DataFrame, key: str, *, count: int = 10) -> pd.DataFrame:
    """The `count` rows with the largest positive `key`, largest first (ties by the table's order)."""
    require_columns(table, (key,), "table")
    values = pd.to_numeric(table[key], errors="coerce")
    ranked = table.assign(_value=values)[values > 0].sort_values("_value", ascending=False, kind="stable")
    return ranked.drop(columns="_value").head(count).reset_index(drop=True)
