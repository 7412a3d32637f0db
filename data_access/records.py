"""Raw records as DataFrames, for computing indicators from scratch (refresh, checks, member lists)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, literal_column, select

from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.arrow import read_frames, read_tables
from data_access.engine import timed
from data_access.lookups import filter_by_area
from data_access.schema import (
    areas_table,
    contacts_table,
    demands_table,
    member_changes_table,
    members_table,
    station_visits_table,
    stations_table,
    volunteer_records_table,
)
from metrics import columns as c

log = logging.getLogger(__name__)

EVENT_FIELDS = (c.VERIFIED_ON, "status")  # the member changes the figures read


def frame_from_rows(columns: list[str], rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """Rows to a DataFrame column by column (much faster than row by row for millions of rows)."""
    return pd.DataFrame(dict(zip(columns, zip(*rows, strict=True), strict=True)) if rows else None, columns=columns)


def query_frame(conn: Connection, statement: Select, name: str) -> pd.DataFrame:
    """Run a query as a DataFrame: the one place that times it, logs its row count and wraps driver errors."""
    with timed(name):
        result = conn.execute(statement)
        frame = frame_from_rows(list(result.keys()), result.all())
    log.info("%s: %d rows", name, len(frame))
    return frame


def fetch_community_ids(conn: Connection, *, scope: Scope, area: AreaPath) -> list[int]:
    """The ids of every community under `area` (all of them for the city)."""
    statement = filter_by_area(select(areas_table.c.id).where(areas_table.c.level == "community"), area, scope)
    with timed("fetch_community_ids"):
        return list(conn.execute(statement.order_by(areas_table.c.id)).scalars())


def _member_columns() -> list:
    m = members_table.c
    return [m.id.label(c.MEMBER_ID), m.community_id, m.status, m.registered_on, m.channel, m.liaison, m.lon, m.lat,
            m.verified_on]  # fmt: skip


def _members(scope: Scope, area: AreaPath) -> Select:
    m = members_table.c
    statement = select(*_member_columns()).select_from(
        members_table.join(areas_table, areas_table.c.id == m.community_id)
    )
    return filter_by_area(statement, area, scope).order_by(m.id)


def fetch_members(conn: Connection, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """Members of the area's communities, any status.

    Columns: member_id, community_id, status, registered_on, channel, liaison, lon, lat, verified_on.
    """
    return query_frame(conn, _members(scope, area), "fetch_members")


def _member_records(
    table, columns: list, day_column, scope: Scope, area: AreaPath, start: date | None, end: date | None
) -> Select:
    statement = select(*columns).select_from(
        table.join(members_table, members_table.c.id == table.c.member_id).join(
            areas_table, areas_table.c.id == members_table.c.community_id
        )
    )
    if start is not None:
        statement = statement.where(day_column >= start)
    if end is not None:
        statement = statement.where(day_column <= end)
    return filter_by_area(statement, area, scope)


def fetch_contacts(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Contacts of the area's members (any status) dated start..end. Columns: member_id, contacted_on, side, method."""
    return query_frame(conn, _contacts(scope, area, start, end), "fetch_contacts")


def _contacts(scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None) -> Select:
    t = contacts_table.c
    return _member_records(
        contacts_table, [t.member_id, t.contacted_on, t.side, t.method], t.contacted_on, scope, area, start, end
    )


def fetch_volunteer(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Volunteer records of the area's members dated start..end. Columns: member_id, activity_on, hours, category."""
    return query_frame(conn, _volunteer(scope, area, start, end), "fetch_volunteer")


def _volunteer(scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None) -> Select:
    t = volunteer_records_table.c
    columns = [t.member_id, t.activity_on, t.hours, t.category]
    return _member_records(volunteer_records_table, columns, t.activity_on, scope, area, start, end)


def fetch_stations(conn: Connection, *, scope: Scope, area: AreaPath | None = None) -> pd.DataFrame:
    """Stations (of the area, or all of them). Columns: station_id, name, community_id, lon, lat, kind, opened_on.

    Without an area every station is returned, whatever the scope: stations are public service points, and a
    station across the boundary still serves the viewer's members (station coverage counts it).
    """
    return query_frame(conn, _stations(scope, area), "fetch_stations")


def _stations(scope: Scope, area: AreaPath | None = None) -> Select:
    s = stations_table.c
    statement = select(s.id.label(c.STATION_ID), s.name, s.community_id, s.lon, s.lat, s.kind, s.opened_on).select_from(
        stations_table.join(areas_table, areas_table.c.id == s.community_id)
    )
    if area is not None:
        statement = filter_by_area(statement, area, scope)
    return statement.order_by(s.id)


def fetch_visits(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Visits to the area's stations dated start..end. Columns: station_id, visited_at, service, member_id."""
    return query_frame(conn, _visits(scope, area, start, end), "fetch_visits")


def _visits(scope: Scope, area: AreaPath, start: date | None = None, end: date | None = None) -> Select:
    v = station_visits_table.c
    statement = select(v.station_id, v.visited_at, v.service, v.member_id).select_from(
        station_visits_table.join(stations_table, stations_table.c.id == v.station_id).join(
            areas_table, areas_table.c.id == stations_table.c.community_id
        )
    )
    if start is not None:
        statement = statement.where(v.visited_at >= datetime.combine(start, time.min))
    if end is not None:
        statement = statement.where(v.visited_at < datetime.combine(end + timedelta(days=1), time.min))
    return filter_by_area(statement, area, scope)


def fetch_demands(conn: Connection, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """Demands and wishes of the area's communities, any status and date (a ledger of a few per community and
    week). Columns: community_id, kind, status, raised_on, resolved_on, satisfaction."""
    return query_frame(conn, _demands(scope, area), "fetch_demands")


def _demands_columns() -> list:
    d = demands_table.c
    return [d.community_id, d.kind, d.status, d.raised_on, d.resolved_on, d.satisfaction]


def _demands(scope: Scope, area: AreaPath) -> Select:
    statement = select(*_demands_columns()).select_from(
        demands_table.join(areas_table, areas_table.c.id == demands_table.c.community_id)
    )
    return filter_by_area(statement, area, scope).order_by(demands_table.c.id)


def _member_events() -> Select:
    """The kept member changes the figures read (metrics.indicators.MEMBER_EVENT_COLUMNS)."""
    h = member_changes_table.c
    # Our own constant names, as SQL text: an IN list's values are spread into placeholders only when SQLAlchemy
    # executes a statement, and the refresh's reads run the compiled text through ADBC
    fields = [literal_column(f"'{name}'") for name in EVENT_FIELDS]
    return select(h.member_id, h.field, h.old, h.new, h.changed_on).where(h.field.in_(fields))


def fetch_member_events(conn: Connection, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """The kept changes of the area's members' 核实日期 and status. Columns: member_id, field, old, new, changed_on."""
    return query_frame(conn, _area_member_events(scope, area), "fetch_member_events")


def _area_member_events(scope: Scope, area: AreaPath) -> Select:
    statement = _member_events().select_from(
        member_changes_table.join(members_table, members_table.c.id == member_changes_table.c.member_id).join(
            areas_table, areas_table.c.id == members_table.c.community_id
        )
    )
    return filter_by_area(statement, area, scope)


def _area_records(scope: Scope, area: AreaPath, start: date, end: date) -> dict[str, Select]:
    """What an area's figures for the days start..end are computed from: its members, their contacts to `end` (a
    contact long before `start` is still a last contact), the visits to its stations and its members' volunteer
    records dated start..end, its demands, and its members' kept changes. Stations are every station (a station
    across the boundary still serves the area's members): fetch_stations."""
    m, t, v, w = (table.c for table in (members_table, contacts_table, station_visits_table, volunteer_records_table))
    # Only the columns the figures read: text columns they do not (method, service, category, channel) would
    # cost more memory than the dates and ids together
    return {
        "members": _members(scope, area).with_only_columns(
            m.id.label(c.MEMBER_ID), m.community_id, m.status, m.registered_on, m.liaison, m.lon, m.lat, m.verified_on
        ),
        "contacts": _contacts(scope, area, None, end).with_only_columns(t.member_id, t.contacted_on, t.side),
        "visits": _visits(scope, area, start, end).with_only_columns(v.station_id, v.visited_at),
        "volunteer": _volunteer(scope, area, start, end).with_only_columns(w.member_id, w.activity_on, w.hours),
        "demands": _demands(scope, area),
        "member_events": _area_member_events(scope, area),
    }


def fetch_area_records(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> dict:
    """`_area_records` as DataFrames, on the caller's connection (an area a page asks for)."""
    return {name: query_frame(conn, statement, f"fetch_{name}")
            for name, statement in _area_records(scope, area, start, end).items()}  # fmt: skip


def read_areas_records(
    engine: Engine, parts: Sequence[tuple[AreaPath, date, date]]
) -> Iterator[tuple[AreaPath, dict[str, pd.DataFrame]]]:
    """`_area_records` of each (area, start, end) in turn, read as Arrow columns in one read transaction, for the
    city's refresh: one area's records in memory at a time, not the city's."""
    per_area = [(area, _area_records(CITY_SCOPE, area, start, end)) for area, start, end in parts]
    tables = read_tables(
        engine, {f"{area} {name}": query for area, queries in per_area for name, query in queries.items()}
    )
    try:
        for area, queries in per_area:
            frames = {}
            for name in queries:
                _, table = next(tables)
                # Repeated words (状态, 联系方) as categories, and Arrow's buffers freed as pandas takes them
                frames[name] = table.to_pandas(date_as_object=False, strings_to_categorical=True, self_destruct=True)
                del table
            yield area, frames
    finally:
        tables.close()


def fetch_record_span(conn: Connection) -> tuple[date, date] | None:
    """(first activity day, last day of any record), as metrics.indicators.compute_date_span says it, from the whole
    database without reading it: the first contact, visit, volunteer record or demand raised or resolved
    (registrations when there is none), and the last of those and of registrations."""
    t, v, w, d, m = (table.c for table in (contacts_table, station_visits_table, volunteer_records_table,
                                            demands_table, members_table))  # fmt: skip
    activity = (t.contacted_on, v.visited_at, w.activity_on, d.raised_on, d.resolved_on)
    with timed("fetch_record_span"):
        spans = [conn.execute(select(func.min(column), func.max(column))).one() for column in activity]
        registered = conn.execute(select(func.min(m.registered_on), func.max(m.registered_on))).one()
    days = [tuple(_day(value) for value in span) for span in spans if span[0] is not None]
    if registered[0] is None and not days:
        return None
    registered = tuple(_day(value) for value in registered)
    first = min(span[0] for span in days) if days else registered[0]
    return first, max([span[1] for span in days] + ([registered[1]] if registered[1] is not None else []))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def fetch_district_sizes(conn: Connection) -> dict[str, int]:
    """Every district with communities, and how many members it has (any status), in the areas' order: the parts
    the city's refresh reads and computes a few at a time."""
    a, m = areas_table.c, members_table.c
    statement = (
        select(a.district, func.count(m.id))
        .select_from(areas_table.outerjoin(members_table, m.community_id == a.id))
        .where(a.level == "community")
        .group_by(a.district)
        .order_by(func.min(a.id))
    )
    with timed("fetch_district_sizes"):
        return {district: int(count) for district, count in conn.execute(statement).all()}


def read_record_districts(engine: Engine) -> dict[str, pd.DataFrame]:
    """Which district each member, station and community is in (columns id, district): to tell the districts an
    import touched."""
    a, m, s = areas_table.c, members_table.c, stations_table.c
    joined = {
        "members": members_table.join(areas_table, a.id == m.community_id),
        "stations": stations_table.join(areas_table, a.id == s.community_id),
    }
    return read_frames(
        engine,
        {
            "members": select(m.id, a.district).select_from(joined["members"]),
            "stations": select(s.id, a.district).select_from(joined["stations"]),
            "communities": select(a.id, a.district).where(a.level == "community"),
        },
    )
