"""Follow-up lists, shared by the pages and the review: keep an exported list, ask how far it got, and fetch the
full-phone list a grid worker fills in (street and community accounts only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import Engine
from data_access.follow_up import fetch_follow_up_members, insert_follow_up_list
from data_access.members import fetch_member_list
from metrics import follow_up as fu
from metrics.member_lists import compute_member_list, select_member_list
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.accounts import Account

FOLLOW_UP_KINDS = ("overdue", "lost_contact")  # the lists kept when exported ("all" is not a to-do list)
# Why a full-phone list is taken out (the audit keeps it), and the 联系方式 the grid worker's file is prefilled with
PURPOSES = {"home_visit": "home_visit", "phone_call": "phone"}  # purpose -> contact method code


def record_follow_up_list(
    engine: Engine,
    account: Account,
    *,
    area: AreaPath,
    week: Week,
    kind: str,
    member_ids: Iterable[int],
    now: datetime,
    purpose: str | None = None,
) -> int | None:
    """Keep an exported overdue or lost-contact list as a follow-up list (member ids, area, week, account, time);
    None for another list. OutOfScopeError for an account that sees no personal data."""
    if kind not in FOLLOW_UP_KINDS:
        return None
    with engine.begin() as conn:
        return insert_follow_up_list(conn, scope=account.scope, area=area, week_start=week.start, kind=kind,
                                     account=account.name, at=now, member_ids=member_ids, purpose=purpose)  # fmt: skip


def fetch_follow_up(engine: Engine, *, scope: Scope, area: AreaPath, as_of: date, window_days: int) -> pd.DataFrame:
    """The follow-up rows of the lists exported in the `window_days` days ending at `as_of`, with contacts up to
    it (data_access.follow_up.fetch_follow_up_members; personal columns for street and community scopes only)."""
    with engine.connect() as conn:
        return fetch_follow_up_members(
            conn, scope=scope, area=area, start=fu.window_start(as_of, window_days), end=as_of
        )


def follow_up_closure(
    engine: Engine, *, scope: Scope, area: AreaPath, as_of: date, window_days: int = fu.WINDOWS[0]
) -> fu.Closure:
    """How far the lists exported in the `window_days` days ending at `as_of` got, for `area`: its `share` is the
    headline "上周名单已联系 62%" (None when no list, or nobody left to contact). No personal data: any account
    whose scope holds `area` may ask (a clerk may not)."""
    rows = fetch_follow_up(engine, scope=scope, area=area, as_of=as_of, window_days=window_days)
    return fu.compute_closure(rows, as_of=as_of, window_days=window_days)


def full_member_list(
    engine: Engine, account: Account, *, area: AreaPath, week: Week, kind: str, thresholds: Thresholds
) -> pd.DataFrame:
    """One list (overdue or lost contact) of `area` at the week's end, unmasked, for a grid worker's export: never
    cached or shown. OutOfScopeError unless the account is a street or community account holding `area`."""
    if not account.scope.sees_personal_data or kind not in FOLLOW_UP_KINDS:
        raise OutOfScopeError("full member lists are for street and community accounts")
    with engine.connect() as conn:
        fetched = fetch_member_list(conn, scope=account.scope, area=area, end=week.end)
    members = compute_member_list(
        fetched, end=week.end, overdue_days=thresholds.overdue_days, lost_contact_days=thresholds.lost_contact_days
    )
    return select_member_list(members, kind)
