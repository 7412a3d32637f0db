"""Writing checked ledger rows: areas, stations and members are matched and updated; activity rows are
inserted unless their natural key is already there, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)

from data_access.engine import timed
from data_access.loading import Progress, bulk_insert
from data_access.schema import (
    areas_table,
    contacts_table,
    members_table,
    station_visits_table,
    stations_table,
    volunteer_records_table,
)

log = logging.getLogger(__name__)

# The natural key of each activity table; nullable parts are compared through coalesce.
NATURAL_KEYS = {
    "contacts": (contacts_table, ("member_id", "contacted_on", "side", "method")),
    "station_visits": (station_visits_table, ("station_id", "visited_at", "service", "member_id")),
    "volunteer_records": (volunteer_records_table, ("activity", "activity_on", "member_id")),
}


def fetch_references(conn: Connection) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(community path -> id, station name -> id, member phone -> id): what ledger rows may refer to."""
    with timed("fetch_references"):
        communities = dict(
            conn.execute(select(areas_table.c.path, areas_table.c.id).where(areas_table.c.level == "community")).all()
        )
        stations = dict(conn.execute(select(stations_table.c.name, stations_table.c.id)).all())
        members = dict(conn.execute(select(members_table.c.phone, members_table.c.id)).all())
    return communities, stations, members


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts of plain Python values (None for missing) for executemany."""
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).to_dict("records")


def write_areas(conn: Connection, frame: pd.DataFrame) -> int:
    """Create the districts, streets and communities named; set community centres where given."""
    known = dict(conn.execute(select(areas_table.c.path, areas_table.c.id)).all())

    def ensure(level: str, district: str, street: str | None, community: str | None, parent: int | None) -> int:
        path = "/".join(p for p in (district, street, community) if p)
        if path not in known:
            values = dict(
                level=level, path=path, district=district, street=street, community=community, parent_id=parent
            )
            known[path] = conn.execute(insert(areas_table).values(**values).returning(areas_table.c.id)).scalar_one()
        return known[path]

    for row in _records(frame, ["district", "street", "community", "lon", "lat"]):
        district_id = ensure("district", row["district"], None, None, None)
        street_id = ensure("street", row["district"], row["street"], None, district_id)
        community_id = ensure("community", row["district"], row["street"], row["community"], street_id)
        if row["lon"] is not None and row["lat"] is not None:
            conn.execute(
                update(areas_table).where(areas_table.c.id == community_id).values(lon=row["lon"], lat=row["lat"])
            )
    return len(frame)


def _upsert(conn: Connection, table: Table, frame: pd.DataFrame, key: str, known: dict[str, int]) -> int:
    """Update the rows whose `key` is known, insert the others."""
    columns = [name for name in frame.columns if name in table.c and name != "id"]
    rows = _records(frame, columns)
    updates = [row | {"row_id": known[row[key]]} for row in rows if row[key] in known]
    inserts = [row for row in rows if row[key] not in known]
    if updates:
        statement = update(table).where(table.c.id == bindparam("row_id")).values({c: bindparam(c) for c in columns})
        conn.execute(statement, updates)
    if inserts:
        conn.execute(insert(table), inserts)
    return len(rows)


def write_stations(conn: Connection, frame: pd.DataFrame) -> int:
    known = dict(conn.execute(select(stations_table.c.name, stations_table.c.id)).all())
    return _upsert(conn, stations_table, frame, "name", known)


def write_members(conn: Connection, frame: pd.DataFrame) -> int:
    """Members matched by phone: a known phone updates that member."""
    known = dict(conn.execute(select(members_table.c.phone, members_table.c.id)).all())
    return _upsert(conn, members_table, frame, "phone", known)


def _null_safe(column: Column, nullable: bool) -> object:
    """Compare NULLs as equal: a missing method or visitor is part of the key like any value."""
    if not nullable:
        return column
    return func.coalesce(column, literal("" if isinstance(column.type, String) else 0))


def write_activity(conn: Connection, kind: str, frame: pd.DataFrame, progress: Progress | None = None) -> int:
    """Insert activity rows whose natural key is not in the table yet; returns how many were new."""
    table, key = NATURAL_KEYS[kind]
    columns = [name for name in frame.columns if name in table.c and name != "id"]
    staging = Table(
        f"staging_{kind}", MetaData(), *(Column(name, table.c[name].type) for name in columns), prefixes=["TEMPORARY"]
    )
    staging.create(conn)  # inside the file's transaction: a failure rolls it back with everything else
    bulk_insert(conn, staging, frame[columns], progress)
    match = and_(
        *(_null_safe(table.c[n], table.c[n].nullable) == _null_safe(staging.c[n], table.c[n].nullable) for n in key)
    )
    fresh = select(*(staging.c[name] for name in columns)).distinct().where(~exists().where(match))
    with timed(f"write_activity {kind}"):
        inserted = conn.execute(insert(table).from_select(columns, fresh)).rowcount
    staging.drop(conn)
    log.info("%s: %d rows read, %d new", kind, len(frame), inserted)
    return inserted
