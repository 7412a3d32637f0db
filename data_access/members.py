"""Member lists: every active member of an area with the day of their last contact, for the 区域下钻 lists.

The rows carry names and phone numbers; callers mask them (metrics.privacy) before caching or showing.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
from sqlalchemy import Connection, func, select

from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import timed
from data_access.lookups import filter_by_area
from data_access.records import fetch_member_events, query_frame
from data_access.schema import areas_table, contacts_table, members_table
from metrics import columns as c
from metrics import member_lists as ml

log = logging.getLogger(__name__)


def fetch_member_list(conn: Connection, *, scope: Scope, area: AreaPath, end: date) -> pd.DataFrame:
    """One row per member of `area` who is active (status active, registered on or before `end`).

    Only for scopes that see personal data (street and community accounts); OutOfScopeError otherwise.

    Columns: member_id, name, phone, flow_type, community_path, community, liaison, registered_on,
    last_contact_on (the latest contact dated on or before `end`; None when there is none), verified_on (the latest
    verification on or before `end`, kept changes included: metrics.member_lists.latest_verification_by; None when
    none by then).
    Sorted by member_id. The last contacts are a grouped subquery over the area's active members, joined LEFT so
    that members never contacted stay in the list; the kept verifications are a second read.
    """
    if not scope.sees_personal_data:
        raise OutOfScopeError("member lists are for street and community accounts")
    m, a, t = members_table.c, areas_table.c, contacts_table.c
    active = (m.status == c.STATUS_ACTIVE, m.registered_on <= end)
    last_contacts = filter_by_area(
        select(t.member_id, func.max(t.contacted_on).label(ml.LAST_CONTACT_ON))
        .select_from(
            contacts_table.join(members_table, members_table.c.id == t.member_id).join(
                areas_table, areas_table.c.id == m.community_id
            )
        )
        .where(t.contacted_on <= end, *active),
        area,
        scope,
    ).group_by(t.member_id)
    last = last_contacts.subquery("last_contacts")
    statement = filter_by_area(
        select(
            m.id.label(c.MEMBER_ID),
            m.name,
            m.phone,
            m.flow_type.label(ml.FLOW_TYPE),
            a.path.label(ml.COMMUNITY_PATH),
            a.community.label(ml.COMMUNITY),
            m.liaison,
            m.registered_on,
            last.c[ml.LAST_CONTACT_ON],
            m.verified_on,
        )
        .select_from(members_table.join(areas_table, a.id == m.community_id).outerjoin(last, last.c.member_id == m.id))
        .where(*active),
        area,
        scope,
    ).order_by(m.id)
    members = query_frame(conn, statement, "fetch_member_list")
    events = fetch_member_events(conn, scope=scope, area=area)
    return members.assign(**{c.VERIFIED_ON: ml.latest_verification_by(members, events, end=end)})


def fetch_member_record(conn: Connection, *, scope: Scope, member_id: int) -> dict | None:
    """One member's full, unmasked record, only when the member lives within `scope` and the scope sees personal
    data; None when there is no such member in the scope (so ids outside it tell nothing).

    Keys: name, phone, flow_type, community_path, gender, birth_date, home_org, employer, occupation, channel,
    liaison, status, registered_on, verified_on.
    """
    if not scope.sees_personal_data:
        raise OutOfScopeError("member records are for street and community accounts")
    m, a = members_table.c, areas_table.c
    statement = filter_by_area(
        select(
            m.name,
            m.phone,
            m.flow_type,
            a.path.label(ml.COMMUNITY_PATH),
            m.gender,
            m.birth_date,
            m.home_org,
            m.employer,
            m.occupation,
            m.channel,
            m.liaison,
            m.status,
            m.registered_on,
            m.verified_on,
        )  # fmt: skip
        .select_from(members_table.join(areas_table, a.id == m.community_id))
        .where(m.id == member_id),
        scope.area,
        scope,
    )
    with timed("fetch_member_record"):
        row = conn.execute(statement).mappings().first()
    return dict(row) if row else None
