"""Sign-in sessions: rows in, rows out, no policy (that lives in services/sessions.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from data_access.engine import timed
from data_access.schema import accounts_table, sessions_table


def insert_session(
    conn: Connection, *, token_hash: str, account: str, now: datetime, expires_at: datetime, user_agent: str
) -> None:
    values = dict(token_hash=token_hash, account=account, created_at=now, last_seen=now, expires_at=expires_at)
    with timed("insert_session"):
        conn.execute(sessions_table.insert().values(user_agent=user_agent, **values))


def fetch_session(conn: Connection, token_hash: str) -> dict | None:
    """The session with its account's role, area and disabled flag; None when either is gone."""
    s, a = sessions_table.c, accounts_table.c
    statement = (
        select(s.account, s.last_seen, s.expires_at, a.role, a.area, a.disabled)
        .join_from(sessions_table, accounts_table, s.account == a.name)
        .where(s.token_hash == token_hash)
    )
    with timed("fetch_session"):
        row = conn.execute(statement).mappings().first()
    return dict(row) if row else None


def touch_session(conn: Connection, token_hash: str, now: datetime) -> None:
    with timed("touch_session"):
        conn.execute(sessions_table.update().where(sessions_table.c.token_hash == token_hash).values(last_seen=now))


def delete_session(conn: Connection, token_hash: str) -> None:
    with timed("delete_session"):
        conn.execute(delete(sessions_table).where(sessions_table.c.token_hash == token_hash))


def delete_account_sessions(conn: Connection, account: str) -> int:
    """End every session of `account`; returns how many there were."""
    with timed("delete_account_sessions"):
        return conn.execute(delete(sessions_table).where(sessions_table.c.account == account)).rowcount


def fetch_account_sessions(conn: Connection, account: str) -> list[dict]:
    """The account's sessions, newest first, without their hashes."""
    s = sessions_table.c
    statement = (
        select(s.created_at, s.last_seen, s.expires_at, s.user_agent)
        .where(s.account == account)
        .order_by(s.created_at.desc())
    )
    with timed("fetch_account_sessions"):
        return [dict(row) for row in conn.execute(statement).mappings()]
