"""Small lookups: meta, area names and the precomputed weekly figures.

This module avoids pandas so that `cli.py report` starts fast.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import Connection, Select, func, select

from data_access.areas import AreaPath, Scope
from data_access.engine import timed
from data_access.schema import areas_table, meta_table, weekly_stats_table
from metrics.columns import SUMMARY_COUNTS

log = logging.getLogger(__name__)


def fetch_meta(conn: Connection) -> dict[str, str]:
    """Every meta key and value: schema_version, data_kind, data_version, summary_* and sample_*."""
    with timed("fetch_meta"):
        return {row.key: row.value for row in conn.execute(select(meta_table.c.key, meta_table.c.value))}


def filter_by_area(statement: Select, area: AreaPath, scope: Scope) -> Select:
    """Restrict a statement that already joins `areas_table` to the communities under `area`.

    OutOfScopeError when `area` is outside the viewer's `scope`: every query of records goes through here.
    """
    scope.check(area)
    for column, value in zip(
        (areas_table.c.district, areas_table.c.street, areas_table.c.community), area.parts, strict=False
    ):
        statement = statement.where(column == value)
    return statement


def fetch_area_paths(conn: Connection) -> list[str]:
    """Every area's path (区, 区/街道, 区/街道/社区), sorted."""
    with timed("fetch_area_paths"):
        return list(conn.execute(select(areas_table.c.path).order_by(areas_table.c.path)).scalars())


def has_areas(conn: Connection) -> bool:
    """Whether the database holds any area at all (ledgers other than 区划 refer to areas)."""
    with timed("has_areas"):
        return conn.execute(select(areas_table.c.id).limit(1)).first() is not None


def area_exists(conn: Connection, area: AreaPath) -> bool:
    """Whether `area` names a known area; the whole city always exists."""
    if not area.parts:
        return True
    statement = select(areas_table.c.id).where(areas_table.c.path == str(area)).limit(1)
    with timed("area_exists"):
        return conn.execute(statement).first() is not None


def fetch_weekly_totals(
    conn: Connection, *, scope: Scope, area: AreaPath, week_starts: list[date]
) -> dict[date, dict[str, float]]:
    """For each requested week held in weekly_stats: the sum of every SUMMARY_COUNTS column over the area."""
    sums = [func.sum(weekly_stats_table.c[name]).label(name) for name in SUMMARY_COUNTS]
    statement = (
        select(weekly_stats_table.c.week_start, *sums)
        .select_from(weekly_stats_table.join(areas_table, areas_table.c.id == weekly_stats_table.c.community_id))
        .where(weekly_stats_table.c.week_start.in_(week_starts))
        .group_by(weekly_stats_table.c.week_start)
    )
    with timed("fetch_weekly_totals"):
        rows = conn.execute(filter_by_area(statement, area, scope)).all()
    return {row.week_start: {name: getattr(row, name) or 0 for name in SUMMARY_COUNTS} for row in rows}
