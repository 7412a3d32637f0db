"""Sign-in accounts and the audit trail: rows in, rows out, no policy (that lives in services/accounts.py)."""

from __future__ import annotations

import logging
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, delete, func, select

from data_access.engine import timed
from data_access.records import query_frame
from data_access.schema import accounts_table, audit_log_table

log = logging.getLogger(__name__)
_PUBLIC = ("name", "role", "area", "disabled", "demo", "failed_attempts", "locked_until", "created_at")


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
        conn.execute(accounts_table.insert().values(failed_attempts=0, disabled=False, **values))


def update_account(conn: Connection, name: str, **values: object) -> int:
    """Set columns of one account; returns the number of accounts changed (0 when unknown)."""
    with timed("update_account"):
        return conn.execute(accounts_table.update().where(accounts_table.c.name == name).values(**values)).rowcount


def delete_demo_accounts(conn: Connection) -> None:
    with timed("delete_demo_accounts"):
        conn.execute(delete(accounts_table).where(accounts_table.c.demo.is_(True)))


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
