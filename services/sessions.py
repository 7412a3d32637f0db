"""Sign-in sessions: a random secret in the browser's cookie, its hash in the database.

A session ends when its account signs out, after `idle_minutes` without a request, at its absolute
lifetime, or when the account is disabled or its password changed (services/accounts.py ends them).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from data_access.areas import AreaPath
from data_access.engine import Engine
from data_access.sessions import (
    delete_account_sessions,
    delete_session,
    fetch_account_sessions,
    fetch_session,
    insert_session,
    touch_session,
)
from services.accounts import Account

TOKEN_BYTES = 32  # 256 bits from the operating system's generator
_USER_AGENT_LENGTH = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(engine: Engine, account: Account, *, now: datetime, lifetime_hours: int, user_agent: str) -> str:
    """A new session for `account`; returns the secret for the browser's cookie (never stored as such)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with engine.begin() as conn:
        insert_session(
            conn,
            token_hash=token_hash(token),
            account=account.name,
            now=now,
            expires_at=now + timedelta(hours=lifetime_hours),
            user_agent=user_agent[:_USER_AGENT_LENGTH],
        )
    return token


@dataclass(frozen=True)
class Resolved:
    """What a session secret stands for: the account, or why not (`ended`, `expired`, `disabled`)."""

    account: Account | None
    reason: str = ""


def resolve_session(engine: Engine, token: str, *, now: datetime, idle_minutes: int) -> Resolved:
    """The account a session secret signs in, its idle clock reset; a session past its time is ended here."""
    if not token:
        return Resolved(None, "ended")
    key = token_hash(token)
    with engine.begin() as conn:
        row = fetch_session(conn, key)
        if row is None:
            return Resolved(None, "ended")
        if row["disabled"]:
            delete_session(conn, key)
            return Resolved(None, "disabled")
        if now >= row["expires_at"] or now - row["last_seen"] > timedelta(minutes=idle_minutes):
            delete_session(conn, key)
            return Resolved(None, "expired")
        touch_session(conn, key, now)
    return Resolved(Account(row["account"], row["role"], AreaPath.parse(row["area"])))


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        delete_session(conn, token_hash(token))


def end_account_sessions(engine: Engine, name: str) -> int:
    """End every session of the account, wherever it is open; returns how many ended."""
    with engine.begin() as conn:
        return delete_account_sessions(conn, name)


def list_sessions(engine: Engine, name: str) -> list[dict]:
    with engine.connect() as conn:
        return fetch_account_sessions(conn, name)
