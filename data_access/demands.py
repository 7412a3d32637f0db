"""The 诉求台账 records behind the 诉求办理 page: a window's, those still open, and who raised the overdue ones."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, Select, and_, or_, select

from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, demands_table, members_table, stations_table
from metrics import columns as c
from metrics import demands as dm


def _open_at(end: date):
    """Raised by `end` and not resolved by it (a record's status other than withdrawn is not read)."""
    d = demands_table.c
    return and_(d.raised_on <= end, or_(d.resolved_on.is_(None), d.resolved_on > end))


def _records(scope: Scope, area: AreaPath, *columns) -> Select:
    d, a, s = demands_table.c, areas_table.c, stations_table.c
    statement = select(
        d.number,
        d.kind,
        a.path.label(dm.COMMUNITY_PATH),
        a.community.label(dm.COMMUNITY),
        d.raised_on,
        d.resolved_on,
        d.source,
        s.name.label(dm.STATION),
        *columns,
    ).select_from(
        demands_table.join(areas_table, a.id == d.community_id).outerjoin(stations_table, s.id == d.station_id)
    )
    return filter_by_area(statement, area, scope).where(d.status != c.DEMAND_WITHDRAWN)


def fetch_demand_records(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> pd.DataFrame:
    """The area's demands and wishes raised start..end or still open at `end`, withdrawn ones left out; no
    personal data (any scope).

    Columns: number, kind, community_path, community, raised_on, resolved_on (None while open), source, station
    (the station's name, None when none is named). Oldest first.
    """
    d = demands_table.c
    statement = _records(scope, area).where(or_(d.raised_on.between(start, end), _open_at(end)))
    return query_frame(conn, statement.order_by(d.raised_on, d.id), "fetch_demand_records")


def fetch_overdue_demands(
    conn: Connection, *, scope: Scope, area: AreaPath, end: date, overdue_days: int
) -> pd.DataFrame:
    """The area's 诉求 still open at `end` and raised more than `overdue_days` days before it, with the name and phone
    of the member who raised them (None where the ledger names none): demands_overdue_open's records, oldest first.

    Only for scopes that see personal data (street and community accounts); OutOfScopeError otherwise. The
    caller masks name and phone before anything is kept.
    Columns: those of fetch_demand_records, then name, phone.
    """
    if not scope.sees_personal_data:
        raise OutOfScopeError("overdue demand lists are for street and community accounts")
    d, m = demands_table.c, members_table.c
    statement = (
        _records(scope, area, m.name, m.phone)
        .outerjoin(members_table, m.id == d.member_id)
        .where(d.kind == c.KIND_DEMAND, _open_at(end), d.raised_on < end - timedelta(days=overdue_days))
    )
    return query_frame(conn, statement.order_by(d.raised_on, d.id), "fetch_overdue_demands")
