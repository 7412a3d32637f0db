"""Outside lists (外部名单) and their 待核实 queue: writing a list's items, reading the queue within a scope, resolving
an item (which may set a member's 核实日期), and the registration funnel's count of those found and registered.

Loading a list never writes to members; only resolving an item as confirmed or corrected sets `verified_on`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from data_access.areas import CITY_SCOPE, AreaPath, OutOfScopeError, Scope
from data_access.engine import timed
from data_access.history import insert_member_changes
from data_access.importing import Written
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import (
    areas_table,
    external_items_table,
    external_lists_table,
    members_table,
)
from metrics import columns as c
from metrics import member_lists as ml
from metrics import reconcile as rc

log = logging.getLogger(__name__)
_CHUNK = 5000  # phones or ids bound per statement (SQLite allows 32,766 variables)


def _plain(value: object) -> object:
    """A frame's value as the driver takes it: None for missing, ints for ids that pandas made floats."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _members_for(conn: Connection, phones: list[str], community_ids: set[int]) -> pd.DataFrame:
    """Our members with one of `phones`, and every member of `community_ids`. Columns: member_id, phone, name,
    community_id, status."""
    m = members_table.c
    columns = (m.id.label(c.MEMBER_ID), m.phone, m.name, m.community_id, m.status)
    parts = [
        query_frame(conn, select(*columns).where(m.phone.in_(phones[start : start + _CHUNK])), "fetch_listed_members")
        for start in range(0, len(phones), _CHUNK)
    ]
    ids = sorted(community_ids)
    parts += [
        query_frame(conn, select(*columns).where(m.community_id.in_(ids[start : start + _CHUNK])), "fetch_covered")
        for start in range(0, len(ids), _CHUNK)
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=[c.MEMBER_ID, rc.PHONE, c.NAME, c.COMMUNITY_ID, c.STATUS])
    return pd.concat(parts, ignore_index=True).drop_duplicates(c.MEMBER_ID)


def _keys(items: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(phone, state, difference) of each item: what makes an item the same finding again."""
    columns = (items[name].fillna("").astype(str) for name in (rc.PHONE, rc.STATE, rc.DIFFERENCE))
    return list(zip(*columns, strict=True))


def write_external_list(
    conn: Connection, frame: pd.DataFrame, *, file: str, account: str | None, at: datetime
) -> Written:
    """Write an outside list's checked rows (name, phone, community_id, source), one list per 来源, and its items.

    Per 来源, the communities it covers are those its rows name, or our member's for a row without one. An item the
    source already has, current (not superseded), for the same phone and with the same state and difference stays
    as it is (open with its note, or resolved); the source's other open items in the covered communities are
    superseded by this list. So importing the same list again changes nothing, and a resolution is never lost.
    Returns, of the list's rows (parts of the import's accepted rows, as its contract wants): new = a phone the source
    had no current item for, updated = a phone whose finding changed; the rest were found as before."""
    written = Written()
    i = external_items_table.c
    for source, rows in frame.groupby("source", sort=True):
        listed = rows[[c.NAME, rc.PHONE, c.COMMUNITY_ID]].reset_index(drop=True)
        named = {int(x) for x in listed[c.COMMUNITY_ID].dropna()}
        members = _members_for(conn, listed[rc.PHONE].tolist(), named)
        unnamed = set(listed.loc[listed[c.COMMUNITY_ID].isna(), rc.PHONE])
        covered = named | {int(x) for x in members.loc[members[rc.PHONE].isin(unnamed), c.COMMUNITY_ID]}
        if covered - named:  # the communities of members named without a community are covered too
            members = _members_for(conn, listed[rc.PHONE].tolist(), covered)
        items = rc.compute_matches(listed, members)
        with timed("write_external_list"):
            list_id = conn.execute(
                external_lists_table.insert()
                .values(at=at, account=account, file=file, source=source, rows=len(listed), communities=len(covered))
                .returning(external_lists_table.c.id)
            ).scalar_one()
            current = query_frame(
                conn,
                select(i.id, i.phone, i.state, i.difference, i.resolution, i.community_id).where(
                    i.source == source, i.superseded_by.is_(None)
                ),
                "fetch_source_items",
            )
            same = _keys(current)
            keys = _keys(items)
            fresh = items[[key not in set(same) for key in keys]]
            found_again = set(keys) & set(same)
            stale = current[
                pd.Series([key not in found_again for key in same], index=current.index, dtype=bool)
                & current[c.COMMUNITY_ID].isin(covered)
                & (current[rc.RESOLUTION].isna() | (current[rc.RESOLUTION] == rc.PENDING))
            ]
            stale_ids = [int(x) for x in stale["id"]]
            for start in range(0, len(stale_ids), _CHUNK):
                conn.execute(
                    external_items_table.update()
                    .where(i.id.in_(stale_ids[start : start + _CHUNK]))
                    .values(superseded_by=list_id)
                )
            records = [
                {name: _plain(value) for name, value in row.items()}
                | {"list_id": list_id, "source": source, "created_on": at.date()}
                for row in fresh.to_dict("records")
            ]
            if records:
                conn.execute(external_items_table.insert(), records)
        from_rows = fresh[fresh[rc.STATE] != rc.OURS_ONLY]
        had = from_rows[rc.PHONE].isin(set(current[rc.PHONE]))
        written += Written(new=int((~had).sum()), updated=int(had.sum()))
        log.info("outside list %s: %d items new, %d superseded", list_id, len(fresh), len(stale_ids))
    return written


def _items(scope: Scope, area: AreaPath, columns: list):
    i = external_items_table.c
    return filter_by_area(
        select(*columns)
        .select_from(external_items_table.join(areas_table, areas_table.c.id == i.community_id))
        .where(i.superseded_by.is_(None)),
        area,
        scope,
    )


def fetch_reconcile_items(conn: Connection, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """The current items (not superseded) of the communities under `area`, oldest first.

    Columns: item_id, source, state, difference, community_path, district, street, community, created_on,
    resolution, note, resolved_by, resolved_at, member_id; and for scopes that see personal data (street and
    community accounts) name (the list's), member_name (ours) and phone too (unmasked: ui masks them before caching
    or showing)."""
    i, a, m = external_items_table.c, areas_table.c, members_table.c
    personal = [i.name, m.name.label(rc.MEMBER_NAME), i.phone] if scope.sees_personal_data else []
    columns = [i.id.label("item_id"), i.source, i.state, i.difference, a.path.label(ml.COMMUNITY_PATH), a.district,
               a.street, a.community, i.created_on, i.resolution, i.note, i.resolved_by, i.resolved_at, i.member_id,
               *personal]  # fmt: skip
    statement = _items(scope, area, columns).outerjoin(members_table, m.id == i.member_id)
    return query_frame(conn, statement.order_by(i.created_on, i.id), "fetch_reconcile_items")


def resolve_item(
    conn: Connection, *, scope: Scope, item_id: int, resolution: str, note: str, account: str, at: datetime
) -> str:
    """Record what a street or community account found for one item of its queue; returns the item's community path
    (for the audit). OutOfScopeError when the scope sees no personal data or the item is not under its area (or
    does not exist); ValueError for an unknown resolution, an agreed item or a superseded one. A confirmed or
    corrected item naming one of our members sets that member's verified_on to the day of `at` (local time)."""
    if resolution not in rc.RESOLUTIONS:
        raise ValueError(resolution)
    if not scope.sees_personal_data:
        raise OutOfScopeError("the queue is worked by street and community accounts")
    i = external_items_table.c
    with timed("resolve_item"):
        row = conn.execute(
            _items(scope, scope.area, [i.state, i.member_id, areas_table.c.path]).where(i.id == item_id)
        ).first()
        if row is None:
            raise OutOfScopeError(f"item {item_id}")
        if row.state not in rc.QUEUE_STATES:
            raise ValueError(f"item {item_id} is {row.state}")
        conn.execute(
            external_items_table.update()
            .where(i.id == item_id)
            .values(resolution=resolution, note=(note or "").strip()[:200] or None, resolved_by=account, resolved_at=at)
        )
        if resolution in rc.VERIFYING and row.member_id is not None:
            m = members_table.c
            before = conn.execute(select(m.verified_on).where(m.id == row.member_id)).scalar_one()
            conn.execute(members_table.update().where(m.id == row.member_id).values(verified_on=at.date()))
            # Kept as a member change, as an import's 核实日期 is: the figures of an earlier week keep counting the
            # verification this one replaces
            old = None if before is None else str(before)[:10]
            change = pd.DataFrame([{"member_id": row.member_id, "field": c.VERIFIED_ON, "old": old,
                                    "new": at.date().isoformat()}])  # fmt: skip
            insert_member_changes(conn, change, import_id=None, changed_on=at.date())
    return row.path


def fetch_registration_rows(conn: Connection, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """The people only the outside list had, confirmed (核实无误) and not yet members, under `area`: the rows of a
    members ledger to register them. Street and community accounts only (OutOfScopeError otherwise).
    Columns: name, phone, community_id (the community's path, as a ledger writes it). Sorted by community, item."""
    if not scope.sees_personal_data:
        raise OutOfScopeError("registration lists are for street and community accounts")
    i, a, m = external_items_table.c, areas_table.c, members_table.c
    registered = select(m.id).where(m.phone == i.phone).exists()
    statement = _items(scope, area, [i.name, i.phone, a.path.label(c.COMMUNITY_ID)]).where(
        i.state == rc.THEIRS_ONLY, i.resolution == rc.CONFIRMED, ~registered
    )
    return query_frame(conn, statement.order_by(a.path, i.id), "fetch_registration_rows").drop_duplicates(rc.PHONE)


def count_found_registered(
    conn: Connection, area: AreaPath, start: date, end: date, *, scope: Scope = CITY_SCOPE
) -> tuple[int, int]:
    """(found, registered) for the registration funnel: the distinct phones only an outside list had, resolved as
    confirmed (核实无误) on start..end (local days, both included) in the communities under `area`, and how many of
    those phones are members now. No personal data, so any scope holding `area` may ask."""
    i, m = external_items_table.c, members_table.c
    found = (
        _items(scope, area, [i.phone])
        .where(
            i.state == rc.THEIRS_ONLY,
            i.resolution == rc.CONFIRMED,
            i.resolved_at >= datetime.combine(start, time.min),
            i.resolved_at < datetime.combine(end + timedelta(days=1), time.min),
        )
        .distinct()
        .subquery()
    )
    statement = select(func.count(), func.count(m.id)).select_from(
        found.outerjoin(members_table, and_(m.phone == found.c.phone))
    )
    with timed("count_found_registered"):
        row = conn.execute(statement).one()
    return int(row[0]), int(row[1])


def fetch_external_lists(conn: Connection) -> pd.DataFrame:
    """Every outside list loaded, newest first (tests and the import's side; no person in it).
    Columns: id, at, account, file, source, rows, communities."""
    t = external_lists_table
    return query_frame(conn, select(t).order_by(t.c.id.desc()), "fetch_external_lists")
