"""A registration cohort: the members of an area registered in a period, and their contacts (for metrics.funnel)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, select

from data_access.areas import AreaPath, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, contacts_table, members_table
from metrics import columns as c


def fetch_cohort_members(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> pd.DataFrame:
    """Members of the area's communities (any status) registered start..end. Columns: member_id, registered_on."""
    m = members_table.c
    statement = filter_by_area(
        select(m.id.label(c.MEMBER_ID), m.registered_on)
        .select_from(members_table.join(areas_table, areas_table.c.id == m.community_id))
        .where(m.registered_on >= start, m.registered_on <= end),
        area,
        scope,
    ).order_by(m.id)
    return query_frame(conn, statement, "fetch_cohort_members")


def fetch_cohort_contacts(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date, until: date
) -> pd.DataFrame:
    """Contacts dated start..until of the area's members registered start..end (a contact before a member's own
    registration is returned too: the funnel decides). Columns: member_id, contacted_on, side."""
    m, t = members_table.c, contacts_table.c
    statement = filter_by_area(
        select(t.member_id, t.contacted_on, t.side)
        .select_from(
            contacts_table.join(members_table, m.id == t.member_id).join(
                areas_table, areas_table.c.id == m.community_id
            )
        )
        .where(m.registered_on >= start, m.registered_on <= end, t.contacted_on >= start, t.contacted_on <= until),
        area,
        scope,
    ).order_by(t.member_id, t.contacted_on)
    return query_frame(conn, statement, "fetch_cohort_contacts")
