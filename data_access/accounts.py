"""Sign-in accounts and the audit trail: rows in, rows out, no policy (that lives in services/accounts.py)."""

from __future__ import annotations

import logging
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.engine import timed
from data_access.records import query_frame
from data_access.schema import accounts_table, audit_log_table, sessions_table, sign_in_failures_table

log = logging.getLogger(__name__)
_PUBLIC = ("name", "role", "area", "disabled", "demo", "created_at")


def fetch_account(conn: Connection, name: str) -> dict | None:
    """One account with its password hash, or None."""
    with timed("fetch_account"):
        row = conn.execute(select(accounts_table).where(accounts_table.c.name == name)).mappings().first()
    return dict(row) if row else None


def fetch_accounts(conn: Connection) -> list[dict]:
    """Every account without its hash, by name."""
    columns = [accounts_table.c[name] for name in _PUBLIC]
    with timed("fetch_accounts"):
        return [dict(row) for row in conn.execute(select(*columns).order_by(accounts_table.c.name)).mappings()]


def count_accounts(conn: Connection) -> int:
    with timed("count_accounts"):
        return conn.execute(select(func.count()).select_from(accounts_table)).scalar_one()


def insert_account(
    conn: Connection, *, name: str, role: str, area: str, password_hash: str, demo: bool, now: datetime
) -> None:
    values = dict(name=name, role=role, area=area, password_hash=password_hash, demo=demo, created_at=now)
    with timed("insert_account"):
        conn.execute(accounts_table.insert().values(disabled=False, **values))


def update_account(conn: Connection, name: str, **values: object) -> int:
    """Set columns of one account; returns the number of accounts changed (0 when unknown)."""
    with timed("update_account"):
        return conn.execute(accounts_table.update().where(accounts_table.c.name == name).values(**values)).rowcount


def delete_demo_accounts(conn: Connection) -> None:
    with timed("delete_demo_accounts"):
        demo = select(accounts_table.c.name).where(accounts_table.c.demo.is_(True))
        conn.execute(delete(sessions_table).where(sessions_table.c.account.in_(demo)))
        conn.execute(delete(accounts_table).where(accounts_table.c.demo.is_(True)))


def count_sign_in_attempt(conn: Connection, name: str, source: str, now: datetime) -> tuple[int, datetime | None]:
    """One more attempt for (name, source), counted in one statement so that parallel attempts each get their
    own number; a lock that has run out starts the count again. Returns (attempts in a row, locked until)."""
    t = sign_in_failures_table
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    lapsed = t.c.locked_until <= now  # NULL (never locked) is not lapsed
    statement = (
        dialect.insert(t)
        .values(name=name, source=source, failures=1, locked_until=None)
        .on_conflict_do_update(
            index_elements=[t.c.name, t.c.source],
            set_={
                "failures": case((lapsed, 1), else_=t.c.failures + 1),
                "locked_until": case((lapsed, None), else_=t.c.locked_until),
            },
        )
        .returning(t.c.failures, t.c.locked_until)
    )
    with timed("count_sign_in_attempt"):
        failures, locked_until = conn.execute(statement).one()
    return failures, locked_until


def lock_sign_in(conn: Connection, name: str, source: str, until: datetime) -> None:
    t = sign_in_failures_table
    with timed("lock_sign_in"):
        conn.execute(t.update().where(t.c.name == name, t.c.source == source).values(locked_until=until))


def clear_sign_in_failures(conn: Connection, name: str, source: str | None = None) -> None:
    """Forget the wrong passwords for `name` from `source`, or from everywhere when source is None."""
    t = sign_in_failures_table.c
    condition = t.name == name if source is None else (t.name == name) & (t.source == source)
    with timed("clear_sign_in_failures"):
        conn.execute(delete(sign_in_failures_table).where(condition))


def insert_audit(
    conn: Connection, *, at: datetime, account: str, action: str, area: str, rows: int, detail: str = ""
) -> None:
    with timed("insert_audit"):
        conn.execute(
            audit_log_table.insert().values(at=at, account=account, action=action, area=area, rows=rows, detail=detail)
        )


def fetch_audit(conn: Connection, *, limit: int = 1000) -> pd.DataFrame:
    """The latest audit rows, newest first. Columns: at, account, action, area, rows, detail."""
    t = audit_log_table.c
    statement = select(t.at, t.account, t.action, t.area, t.rows, t.detail).order_by(t.at.desc(), t.id.desc())
    return query_frame(conn, statement.limit(limit), "fetch_audit")
