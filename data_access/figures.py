"""Dashboard figures: precomputed weekly sums per child area, the area tree, registrations by channel."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from data_access.areas import LEVELS, AreaPath, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, members_table, weekly_stats_table
from metrics import columns as c

log = logging.getLogger(__name__)

_LEVEL_COLUMNS = {"district": ("district",), "street": ("district", "street"), "community": LEVELS}


def fetch_areas(conn: Connection) -> pd.DataFrame:
    """Every area. Columns: area_id, level, path, district, street, community, lon, lat."""
    a = areas_table.c
    statement = select(
        a.id.label(c.AREA_ID), a.level, a.path, a.district, a.street, a.community, a.lon, a.lat
    ).order_by(a.path)
    return query_frame(conn, statement, "fetch_areas")


def fetch_boundaries(conn: Connection, *, scope: Scope, area: AreaPath, level: str) -> pd.DataFrame:
    """The areas of `level` under `area` with their GeoJSON boundary. Columns: path, name, lon, lat, boundary."""
    a = areas_table.c
    statement = select(a.path, a[level].label(c.NAME), a.lon, a.lat, a.boundary).where(a.level == level)
    return query_frame(conn, filter_by_area(statement, area, scope).order_by(a.path), "fetch_boundaries")


def fetch_totals_by_area(
    conn: Connection, *, scope: Scope, area: AreaPath, week_starts: list[date], level: str
) -> pd.DataFrame:
    """Precomputed weekly sums of the areas of `level` under `area`, for the given weeks.

    Columns: week_start, path (区[/街道[/社区]] of each area of `level`), then every SUMMARY_COUNTS column.
    Areas without figures for a week have no row for it.
    """
    group = [areas_table.c[name] for name in _LEVEL_COLUMNS[level]]
    sums = [func.sum(weekly_stats_table.c[name]).label(name) for name in c.SUMMARY_COUNTS]
    statement = (
        select(weekly_stats_table.c.week_start, *group, *sums)
        .select_from(weekly_stats_table.join(areas_table, areas_table.c.id == weekly_stats_table.c.community_id))
        .where(weekly_stats_table.c.week_start.in_(week_starts))
        .group_by(weekly_stats_table.c.week_start, *group)
    )
    frame = query_frame(conn, filter_by_area(statement, area, scope), "fetch_totals_by_area")
    paths = frame[list(_LEVEL_COLUMNS[level])].astype(str).agg("/".join, axis=1) if len(frame) else []
    paths = pd.Series(paths, index=frame.index, dtype=object)  # text even when there are no rows
    return frame.assign(**{c.PATH: paths})[[c.WEEK_START, c.PATH, *c.SUMMARY_COUNTS]]


def fetch_registrations_by_channel(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date
) -> pd.DataFrame:
    """Members of any status registered start..end in the area, per channel. Columns: channel, registrations."""
    m = members_table.c
    statement = (
        select(m.channel, func.count().label("registrations"))
        .select_from(members_table.join(areas_table, areas_table.c.id == m.community_id))
        .where(m.registered_on >= start, m.registered_on <= end)
        .group_by(m.channel)
    )
    return query_frame(conn, filter_by_area(statement, area, scope), "fetch_registrations_by_channel")
