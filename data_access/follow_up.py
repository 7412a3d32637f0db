"""Follow-up lists: the members of each overdue or lost-contact list a street or community account exported, and
for each, the first contact dated on or after the export day (did the list get worked?)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, func, literal, select

from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import timed
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import (
    areas_table,
    contacts_table,
    follow_up_lists_table,
    follow_up_members_table,
    members_table,
)
from metrics import columns as c
from metrics import follow_up as fu
from metrics import member_lists as ml

log = logging.getLogger(__name__)
_CHUNK = 5000  # member ids bound per statement (SQLite allows 32,766 variables, psycopg 65,535)


def insert_follow_up_list(
    conn: Connection,
    *,
    scope: Scope,
    area: AreaPath,
    week_start: date,
    kind: str,
    account: str,
    at: datetime,
    member_ids: Iterable[int],
    purpose: str | None = None,
) -> int:
    """Keep an exported list's members (those of `member_ids` who live in `area`) as a follow-up list; returns its
    id. Only for street and community accounts, within their scope (OutOfScopeError otherwise)."""
    if not scope.sees_personal_data:
        raise OutOfScopeError("follow-up lists are for street and community accounts")
    scope.check(area)
    lists, listed = follow_up_lists_table, follow_up_members_table
    values = dict(area=str(area), week_start=week_start, kind=kind, account=account, exported_at=at,
                  exported_on=at.date(), purpose=purpose, members=0)  # fmt: skip
    ids = sorted({int(i) for i in member_ids})
    m = members_table.c
    with timed("insert_follow_up_list"):
        list_id = conn.execute(lists.insert().values(**values).returning(lists.c.id)).scalar_one()
        for start in range(0, len(ids), _CHUNK):
            chosen = filter_by_area(
                select(literal(list_id), m.id)
                .select_from(members_table.join(areas_table, areas_table.c.id == m.community_id))
                .where(m.id.in_(ids[start : start + _CHUNK])),
                area,
                scope,
            )
            conn.execute(listed.insert().from_select(["list_id", "member_id"], chosen))
        count = select(func.count()).select_from(listed).where(listed.c.list_id == list_id).scalar_subquery()
        conn.execute(lists.update().where(lists.c.id == list_id).values(members=count))
    log.info("follow-up list %s kept", list_id)
    return list_id


def fetch_follow_up_members(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> pd.DataFrame:
    """One row per member of each follow-up list exported on `start`..`end`, for the members who live in `area`.

    Columns: list_id, exported_on, kind, member_id, community_path, community, status, contacted_on (the first
    contact dated from the export day to `end`, both included; None when there is none), and for scopes that see
    personal data (street and community accounts) name, phone and liaison too. Sorted by list_id, member_id.
    """
    lists, listed, m, a, t = (
        follow_up_lists_table.c,
        follow_up_members_table.c,
        members_table.c,
        areas_table.c,
        contacts_table.c,
    )
    first_contact = (
        select(func.min(t.contacted_on))
        .where(t.member_id == listed.member_id, t.contacted_on >= lists.exported_on, t.contacted_on <= end)
        .scalar_subquery()
    )
    personal = (m.name, m.phone, m.liaison) if scope.sees_personal_data else ()
    statement = filter_by_area(
        select(
            listed.list_id,
            lists.exported_on.label(fu.EXPORTED_ON),
            lists.kind,
            listed.member_id.label(c.MEMBER_ID),
            a.path.label(ml.COMMUNITY_PATH),
            a.community.label(ml.COMMUNITY),
            m.status,
            first_contact.label(fu.CONTACTED_ON),
            *personal,
        )
        .select_from(
            follow_up_members_table.join(follow_up_lists_table, lists.id == listed.list_id)
            .join(members_table, m.id == listed.member_id)
            .join(areas_table, a.id == m.community_id)
        )
        .where(lists.exported_on >= start, lists.exported_on <= end),
        area,
        scope,
    ).order_by(listed.list_id, listed.member_id)
    return query_frame(conn, statement, "fetch_follow_up_members")


def fetch_follow_up_lists(conn: Connection) -> pd.DataFrame:
    """Every follow-up list, newest first (tests and the audit side; no member in it).
    Columns: id, area, week_start, kind, account, exported_at, exported_on, purpose, members."""
    t = follow_up_lists_table
    return query_frame(conn, select(t).order_by(t.c.id.desc()), "fetch_follow_up_lists")
