"""Queries for the 覆盖地图 page: where active members live (coordinates only, nothing personal)."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
from sqlalchemy import Connection, select

from data_access.areas import AreaPath, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, members_table
from metrics import columns as c

log = logging.getLogger(__name__)


def fetch_member_locations(conn: Connection, *, scope: Scope, area: AreaPath, end: date) -> pd.DataFrame:
    """Coordinates of the area's active members registered on or before `end` that have coordinates.

    Columns: lon, lat. No id, name or phone: the map page aggregates these into grid cells.
    """
    m = members_table.c
    statement = (
        select(m.lon, m.lat)
        .select_from(members_table.join(areas_table, areas_table.c.id == m.community_id))
        .where(
            m.status == c.STATUS_ACTIVE,
            m.registered_on <= end,
            m.lon.is_not(None),
            m.lat.is_not(None),
        )
    )
    return query_frame(conn, filter_by_area(statement, area, scope), "fetch_member_locations")
