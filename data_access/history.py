"""The import history and member changes: what each import read and changed, and each member's record over time.

Rows of member_changes hold codes and community ids as text; callers word them (ui.labels) before showing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Date, String, cast, insert, literal, null, select, update

from data_access.areas import OutOfScopeError, Scope
from data_access.engine import timed
from data_access.loading import bulk_insert
from data_access.lookups import filter_by_area
from data_access.records import frame_from_rows, query_frame
from data_access.schema import areas_table, imports_table, member_changes_table, members_table
from metrics import columns as c
from metrics import member_lists as ml
from metrics.changes import CHANGE_COLUMNS, CREATED

log = logging.getLogger(__name__)

_IDS_PER_STATEMENT = 10_000  # well under SQLite's limit of bound values in one statement


def record_import(conn: Connection, values: Mapping[str, object]) -> int:
    """One imports row (the columns of imports_table but id); its id."""
    with timed("record_import"):
        return int(conn.execute(insert(imports_table).values(**values).returning(imports_table.c.id)).scalar_one())


def insert_member_changes(conn: Connection, changes: pd.DataFrame, *, import_id: int | None, changed_on: date) -> None:
    """Member changes (CHANGE_COLUMNS) as one import made them on `changed_on`."""
    if changes.empty:
        return
    with timed("insert_member_changes"):
        bulk_insert(conn, member_changes_table, changes.assign(import_id=import_id, changed_on=changed_on))


def insert_created_members(conn: Connection, *, created_after: int, import_id: int, changed_on: date) -> None:
    """A "created" change, with the community it was listed in, for each member above id `created_after` (those one
    import just created): one statement, however many."""
    m = members_table.c
    rows = select(
        m.id, literal(CREATED), null(), cast(m.community_id, String), literal(import_id), literal(changed_on, Date)
    ).where(m.id > created_after)
    columns = ["member_id", "field", "old", "new", "import_id", "changed_on"]
    with timed("insert_created_members"):
        conn.execute(insert(member_changes_table).from_select(columns, rows))


def fetch_imports(conn: Connection, *, limit: int = 200) -> pd.DataFrame:
    """The latest imports, newest first: every column of imports_table."""
    statement = select(imports_table).order_by(imports_table.c.at.desc(), imports_table.c.id.desc()).limit(limit)
    return query_frame(conn, statement, "fetch_imports")


def _changed_members():
    """Member changes joined to the member's name, phone and (current) community path."""
    m, a, h = members_table.c, areas_table.c, member_changes_table.c
    joined = member_changes_table.join(members_table, m.id == h.member_id).join(areas_table, a.id == m.community_id)
    return select(
        h.member_id.label(c.MEMBER_ID), m.name, m.phone, a.path.label(ml.COMMUNITY_PATH), h.field, h.old, h.new,
        h.changed_on, h.import_id,
    ).select_from(joined)  # fmt: skip


def fetch_import_changes(conn: Connection, *, import_id: int) -> pd.DataFrame:
    """What one import changed, member by member, for the account that imported it (the file's own rows, and the
    members a complete roster left out); unmasked: callers mask. Columns: member_id, name, phone, community_path,
    field, old, new, changed_on, import_id."""
    h = member_changes_table.c
    statement = _changed_members().where(h.import_id == import_id).order_by(h.member_id, h.id)
    return query_frame(conn, statement, "fetch_import_changes")


def fetch_member_history(conn: Connection, *, scope: Scope, member_id: int) -> pd.DataFrame:
    """One member's changes, oldest first, with the file that made each (NULL for none); only for scopes that see
    personal data, and empty for a member outside the scope. Columns: changed_on, field, old, new, file."""
    if not scope.sees_personal_data:
        raise OutOfScopeError("member records are for street and community accounts")
    h, i = member_changes_table.c, imports_table.c
    changes = filter_by_area(_changed_members().where(h.member_id == member_id), scope.area, scope).subquery()
    statement = (
        select(changes.c.changed_on, changes.c.field, changes.c.old, changes.c.new, i.file)
        .select_from(changes.outerjoin(imports_table, i.id == changes.c.import_id))
        .order_by(changes.c.changed_on, changes.c.import_id)
    )
    return query_frame(conn, statement, "fetch_member_history")


def fetch_community_paths(conn: Connection) -> dict[str, str]:
    """Community id (as text, as member_changes stores it) -> its path, to word a change of 所在社区."""
    rows = conn.execute(select(areas_table.c.id, areas_table.c.path).where(areas_table.c.level == "community"))
    return {str(row.id): row.path for row in rows}


def fetch_roster_missing(conn: Connection, *, community_ids: Collection[int], phones: Collection[str]) -> pd.DataFrame:
    """The active members of those communities whose phone is not among `phones`: those a complete roster of the
    communities leaves out. Columns: member_id, name, phone, community_path; by member id."""
    if not community_ids:
        return pd.DataFrame(columns=[c.MEMBER_ID, c.NAME, ml.PHONE, ml.COMMUNITY_PATH])
    m, a = members_table.c, areas_table.c
    statement = (
        select(m.id.label(c.MEMBER_ID), m.name, m.phone, a.path.label(ml.COMMUNITY_PATH))
        .select_from(members_table.join(areas_table, a.id == m.community_id))
        .where(m.status == c.STATUS_ACTIVE, m.community_id.in_(sorted(community_ids)))
        .order_by(m.id)
    )
    members = query_frame(conn, statement, "fetch_roster_missing")
    return members[~members[ml.PHONE].isin(set(phones))].reset_index(drop=True)


def mark_members(conn: Connection, member_ids: Collection[int], status: str) -> pd.DataFrame:
    """Set the status of those of `member_ids` still active; the changes made (CHANGE_COLUMNS)."""
    m = members_table.c
    wanted, ids = sorted(member_ids), []
    with timed("mark_members"):
        for start in range(0, len(wanted), _IDS_PER_STATEMENT):
            part = wanted[start : start + _IDS_PER_STATEMENT]
            still_active = select(m.id).where(m.id.in_(part), m.status == c.STATUS_ACTIVE)
            found = list(conn.execute(still_active).scalars())
            if found:
                conn.execute(update(members_table).where(m.id.in_(found)).values(status=status))
            ids += found
    log.info("marked %d members %s", len(ids), status)
    return frame_from_rows(list(CHANGE_COLUMNS), [(i, "status", c.STATUS_ACTIVE, status) for i in ids])
