"""Accounts: create, sign in (with lockout), change, disable; demo accounts for the synthetic city; the audit trail.

Passwords are hashed with argon2 (argon2-cffi); the hash carries its own salt and parameters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data_access.accounts import (
    clear_sign_in_failures,
    count_accounts,
    count_sign_in_attempt,
    delete_demo_accounts,
    fetch_account,
    fetch_accounts,
    insert_account,
    insert_audit,
    lock_sign_in,
    update_account,
)
from data_access.areas import ROLE_DEPTH, ROLES, AreaPath, Scope
from data_access.engine import Engine
from data_access.lookups import area_exists
from data_access.sessions import delete_account_sessions

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
_UNKNOWN_HASH = _hasher.hash("no such account")  # checked against when the name is unknown
_NAME_LENGTH, _SOURCE_LENGTH = 64, 64  # the columns' lengths (an IPv6 address is at most 45 characters)

DEMO_PASSWORD = "synthetic-demo"  # documented in the README beside the word synthetic; only for the sample city
DEMO_ACCOUNTS = (
    ("demo-city", "city", ""),
    ("demo-district", "district", "江汉区"),
    ("demo-street", "street", "江汉区/北湖街道"),
    ("demo-community", "community", "江汉区/北湖街道/环保社区"),
    ("demo-clerk", "clerk", ""),
)


class AccountError(Exception):
    """A request about accounts that cannot be done; `code` says why (the UI and CLI word it in Chinese)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    area: AreaPath

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.area)


def check_role_area(engine: Engine, role: str, area: AreaPath) -> None:
    """AccountError unless `area` exists and has the depth `role` needs (none for city and clerk)."""
    if role not in ROLES:
        raise AccountError("bad_role", role)
    if len(area.parts) != ROLE_DEPTH.get(role, 0):
        raise AccountError("area_for_role", role)
    with engine.connect() as conn:
        if not area_exists(conn, area):
            raise AccountError("unknown_area", str(area))


@dataclass(frozen=True)
class NewAccount:
    """An account checked and hashed but not yet written: `values` are insert_account's keyword arguments."""

    values: dict[str, object]

    @property
    def account(self) -> Account:
        return Account(str(self.values["name"]), str(self.values["role"]), AreaPath.parse(str(self.values["area"])))


def prepare_account(
    engine: Engine,
    *,
    name: str,
    role: str,
    area: AreaPath,
    password: str,
    now: datetime,
    demo: bool = False,
    replaces_demo: bool = False,
) -> NewAccount:
    """Check name, role, area and password and hash the password; AccountError when any is wrong.

    With `replaces_demo` the name may be a demo account's, as those are deleted in the same transaction.
    """
    name = name.strip()
    if not name:
        raise AccountError("bad_name")
    check_role_area(engine, role, area)
    if len(password) < 8:
        raise AccountError("weak_password")
    with engine.connect() as conn:
        existing = fetch_account(conn, name)
    if existing and not (replaces_demo and existing["demo"]):
        raise AccountError("exists", name)
    values = dict(name=name, role=role, area=str(area), password_hash=_hasher.hash(password), demo=demo, now=now)
    return NewAccount(values)


def create_account(
    engine: Engine, *, name: str, role: str, area: AreaPath, password: str, now: datetime, demo: bool = False
) -> None:
    new = prepare_account(engine, name=name, role=role, area=area, password=password, now=now, demo=demo)
    with engine.begin() as conn:
        if fetch_account(conn, new.account.name):
            raise AccountError("exists", new.account.name)
        insert_account(conn, **new.values)
    log.info("account created: role %s", role)


def set_password(engine: Engine, name: str, password: str) -> None:
    if len(password) < 8:
        raise AccountError("weak_password")
    with engine.begin() as conn:
        if not update_account(conn, name, password_hash=_hasher.hash(password)):
            raise AccountError("unknown", name)
        clear_sign_in_failures(conn, name)  # a new password unlocks the account from everywhere
        delete_account_sessions(conn, name)  # whoever knew the old password is signed out everywhere


def disable_account(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        if not update_account(conn, name, disabled=True):
            raise AccountError("unknown", name)
        delete_account_sessions(conn, name)


def list_accounts(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return fetch_accounts(conn)


def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return count_accounts(conn) > 0


def sign_in(
    engine: Engine,
    name: str,
    password: str,
    *,
    now: datetime,
    max_failures: int,
    lock_minutes: int,
    source: str = "",
) -> Account:
    """The account when the password is right; AccountError("denied" | "locked" | "disabled") otherwise.

    An unknown name and a wrong password give the same answer, locking included. After `max_failures` wrong
    passwords in a row for a name from one source (the client's address), that name is locked from that source
    for `lock_minutes`, even against the right password. The attempt is counted (and committed) before the
    password is checked, so parallel attempts cannot all read the same count: at most `max_failures` of them
    reach the hash check in a row.
    """
    key, source = name.strip()[:_NAME_LENGTH], source[:_SOURCE_LENGTH]
    with engine.begin() as conn:
        attempts, locked_until = count_sign_in_attempt(conn, key, source, now)
        if attempts > max_failures and not (locked_until and locked_until > now):
            locked_until = now + timedelta(minutes=lock_minutes)  # attempts still in flight passed the limit
            lock_sign_in(conn, key, source, locked_until)
    if locked_until and locked_until > now:
        raise AccountError("locked", locked_until.strftime("%H:%M"))
    with engine.connect() as conn:
        row = fetch_account(conn, key)
    # Always one hash check, whether or not the name exists, so neither answer nor timing tells names apart.
    matches = _password_matches(row["password_hash"] if row else _UNKNOWN_HASH, password)
    with engine.begin() as conn:  # refusals are raised after the commit, so that the lock persists
        if row is not None and matches:
            clear_sign_in_failures(conn, key, source)
        elif attempts >= max_failures:
            locked_until = now + timedelta(minutes=lock_minutes)
            lock_sign_in(conn, key, source, locked_until)
            log.info("sign-in locked after %d failures", attempts)
    if locked_until:
        raise AccountError("locked", locked_until.strftime("%H:%M"))
    if row is None or not matches:
        log.info("sign-in refused (%d failures)", attempts)
        raise AccountError("denied")
    if row["disabled"]:
        raise AccountError("disabled")  # only someone who knows the password learns this
    return Account(row["name"], row["role"], AreaPath.parse(row["area"]))


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_demo_accounts(engine: Engine, *, now: datetime) -> None:
    """One account per role for the synthetic city (areas the demo city always has), replacing earlier ones."""
    with engine.begin() as conn:
        delete_demo_accounts(conn)
    for name, role, area in DEMO_ACCOUNTS:
        create_account(engine, name=name, role=role, area=AreaPath.parse(area), password=DEMO_PASSWORD, now=now,
                       demo=True)  # fmt: skip


def record_audit(
    engine: Engine, account: Account, *, action: str, area: AreaPath, rows: int, now: datetime, detail: str = ""
) -> None:
    """Write who did what, for which area and how many rows; never the personal data itself."""
    with engine.begin() as conn:
        insert_audit(conn, at=now, account=account.name, action=action, area=str(area), rows=rows, detail=detail)
