"""Station usage queries for the 驿站服务 page: visits per station, and the week's visit times and services.

A station and its visits belong to the station's community. Weekday and hour bucketing is left to
metrics/stations.py, so these queries run unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from data_access.areas import AreaPath, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, station_visits_table, stations_table
from metrics import columns as c
from metrics.stations import VISITS

log = logging.getLogger(__name__)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00): visits dated start..end, whatever their time of day."""
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def fetch_station_visit_counts(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date
) -> pd.DataFrame:
    """Every station of the area (open or not) with its visits dated start..end, 0 where there were none.

    Columns: station_id, name, path (区/街道/社区 of its community), community, kind, opened_on, visits.
    Sorted by station_id.
    """
    s, v, a = stations_table.c, station_visits_table.c, areas_table.c
    low, high = _day_bounds(start, end)
    in_period = and_(v.station_id == s.id, v.visited_at >= low, v.visited_at < high)
    statement = (
        select(
            s.id.label(c.STATION_ID),
            s.name,
            a.path,
            a.community,
            s.kind,
            s.opened_on,
            func.count(v.id).label(VISITS),
        )
        .select_from(
            stations_table.join(areas_table, a.id == s.community_id).outerjoin(station_visits_table, in_period)
        )
        .group_by(s.id, s.name, a.path, a.community, s.kind, s.opened_on)
    )
    frame = query_frame(conn, filter_by_area(statement, area, scope).order_by(s.id), "fetch_station_visit_counts")
    return frame.astype({VISITS: "int64"})


def fetch_visit_times(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> pd.DataFrame:
    """Visits to the area's stations dated start..end (local time). Columns: visited_at, service."""
    s, v = stations_table.c, station_visits_table.c
    low, high = _day_bounds(start, end)
    statement = (
        select(v.visited_at, v.service)
        .select_from(
            station_visits_table.join(stations_table, s.id == v.station_id).join(
                areas_table, areas_table.c.id == s.community_id
            )
        )
        .where(v.visited_at >= low, v.visited_at < high)
    )
    return query_frame(conn, filter_by_area(statement, area, scope), "fetch_visit_times")
