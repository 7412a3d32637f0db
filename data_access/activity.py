"""Activity aggregates for the 联系情况 and 志愿服务 pages: small grouped counts, never the raw rows.

Contacts and volunteer records belong to their member's area (PRODUCT.md), so every query joins
records → members → areas and filters the areas.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from data_access.areas import AreaPath, Scope
from data_access.lookups import filter_by_area
from data_access.records import query_frame
from data_access.schema import areas_table, contacts_table, members_table, volunteer_records_table
from metrics import columns as c

log = logging.getLogger(__name__)

CONTACTS = "contacts"
MEMBERS = "members"
RECORDS = "records"


def _of_members(table) -> object:
    """`table` joined to its member and the member's community."""
    return table.join(members_table, members_table.c.id == table.c.member_id).join(
        areas_table, areas_table.c.id == members_table.c.community_id
    )


def fetch_contact_count_distribution(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date
) -> pd.DataFrame:
    """How many active members had each number (>= 1) of contacts dated start..end.

    Active: status active and registered on or before `end`. Members without a contact in the
    window have no row (the caller knows the active count and fills the zeros).
    Columns: contacts (int >= 1), members (int). Sorted by contacts.
    """
    m, t = members_table.c, contacts_table.c
    per_member = filter_by_area(
        select(t.member_id, func.count().label(CONTACTS))
        .select_from(_of_members(contacts_table))
        .where(
            m.status == c.STATUS_ACTIVE,
            m.registered_on <= end,
            t.contacted_on >= start,
            t.contacted_on <= end,
        )
        .group_by(t.member_id),
        area,
        scope,
    ).subquery()
    statement = (
        select(per_member.c[CONTACTS], func.count().label(MEMBERS))
        .group_by(per_member.c[CONTACTS])
        .order_by(per_member.c[CONTACTS])
    )
    frame = query_frame(conn, statement, "fetch_contact_count_distribution")
    return frame.astype({CONTACTS: "int64", MEMBERS: "int64"})


def fetch_daily_contacts(conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date) -> pd.DataFrame:
    """Contacts of the area's members (any status) dated start..end, per day, side and method.

    Columns: contacted_on (date), side, method (missing where not recorded), contacts (int).
    """
    t = contacts_table.c
    statement = filter_by_area(
        select(t.contacted_on, t.side, t.method, func.count().label(CONTACTS))
        .select_from(_of_members(contacts_table))
        .where(t.contacted_on >= start, t.contacted_on <= end)
        .group_by(t.contacted_on, t.side, t.method),
        area,
        scope,
    )
    frame = query_frame(conn, statement, "fetch_daily_contacts")
    return frame.astype({CONTACTS: "int64"})


def fetch_volunteer_by_category(
    conn: Connection, *, scope: Scope, area: AreaPath, start: date, end: date
) -> pd.DataFrame:
    """Volunteer records of the area's members (any status) dated start..end, per category.

    Columns: category (missing where not recorded), hours (float), records (int), members (int, distinct).
    """
    t = volunteer_records_table.c
    statement = filter_by_area(
        select(
            t.category,
            func.sum(t.hours).label(c.HOURS),
            func.count().label(RECORDS),
            func.count(t.member_id.distinct()).label(MEMBERS),
        )
        .select_from(_of_members(volunteer_records_table))
        .where(t.activity_on >= start, t.activity_on <= end)
        .group_by(t.category),
        area,
        scope,
    )
    frame = query_frame(conn, statement, "fetch_volunteer_by_category")
    return frame.astype({c.HOURS: "float64", RECORDS: "int64", MEMBERS: "int64"})
