"""Every record as ledger rows: references written as people write them (community path, phone, station name)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from sqlalchemy import Connection, Select, select

from data_access.engine import timed
from data_access.records import frame_from_rows
from data_access.schema import (
    areas_table,
    contacts_table,
    demands_table,
    members_table,
    station_visits_table,
    stations_table,
    volunteer_records_table,
)

a, m, s = areas_table.c, members_table.c, stations_table.c


def _statement(kind: str) -> Select:
    """The query for one ledger; columns are named as the ledger's fields (ledgers/formats.py)."""
    community = areas_table.alias("community")
    if kind == "areas":
        return select(a.district, a.street, a.community, a.lon, a.lat).where(a.level == "community").order_by(a.id)
    if kind == "stations":
        return (
            select(s.name, community.c.path.label("community_id"), s.lon, s.lat, s.kind, s.opened_on, s.services)
            .join_from(stations_table, community, community.c.id == s.community_id)
            .order_by(s.id)
        )
    if kind == "members":
        return (
            select(
                m.name,
                m.phone,
                m.flow_type,
                community.c.path.label("community_id"),
                m.registered_on,
                m.gender,
                m.birth_date,
                m.home_org,
                m.employer,
                m.occupation,
                m.channel,
                m.liaison,
                m.status,
                m.lon,
                m.lat,
                m.verified_on,
            )
            .join_from(members_table, community, community.c.id == m.community_id)
            .order_by(m.id)
        )
    if kind == "contacts":
        t = contacts_table.c
        return (
            select(m.phone.label("member_id"), t.contacted_on, t.side, t.method, t.liaison)
            .join_from(contacts_table, members_table, m.id == t.member_id)
            .order_by(t.id)
        )
    if kind == "station_visits":
        t = station_visits_table.c
        return (
            select(s.name.label("station_id"), t.visited_at, t.service, t.visitor_phone)
            .join_from(station_visits_table, stations_table, s.id == t.station_id)
            .order_by(t.id)
        )
    if kind == "demands":
        t = demands_table.c
        return (
            select(
                t.number,
                t.kind,
                t.raised_on,
                community.c.path.label("community_id"),
                t.status,
                t.resolved_on,
                t.content,
                t.source,
                s.name.label("station_id"),
                m.phone.label("member_id"),
                t.satisfaction,
            )
            .join_from(demands_table, community, community.c.id == t.community_id)
            .outerjoin(stations_table, s.id == t.station_id)
            .outerjoin(members_table, m.id == t.member_id)
            .order_by(t.id)
        )
    t = volunteer_records_table.c
    return (
        select(
            t.activity,
            t.activity_on,
            m.phone.label("member_id"),
            t.hours,
            t.category,
            community.c.path.label("community_id"),
        )
        .join_from(volunteer_records_table, members_table, m.id == t.member_id)
        .outerjoin(community, community.c.id == t.community_id)
        .order_by(t.id)
    )


def iter_ledger_rows(conn: Connection, kind: str, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    """All rows of one ledger kind (areas, stations, members, contacts, station_visits, volunteer_records, demands),
    streamed in chunks so a city-sized table never sits in memory whole."""
    with timed(f"iter_ledger_rows {kind}"):
        result = conn.execution_options(yield_per=chunk_rows).execute(_statement(kind))
        columns = list(result.keys())
        empty = True
        for rows in result.partitions():
            empty = False
            yield frame_from_rows(columns, rows)
        if empty:
            yield frame_from_rows(columns, [])
