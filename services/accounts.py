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
    count_accounts,
    delete_demo_accounts,
    fetch_account,
    fetch_accounts,
    insert_account,
    insert_audit,
    update_account,
)
from data_access.areas import ROLE_DEPTH, ROLES, AreaPath, Scope
from data_access.engine import Engine
from data_access.lookups import area_exists

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
_UNKNOWN_HASH = _hasher.hash("no such account")  # checked against when the name is unknown

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
        if not update_account(conn, name, password_hash=_hasher.hash(password), failed_attempts=0, locked_until=None):
            raise AccountError("unknown", name)


def disable_account(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        if not update_account(conn, name, disabled=True):
            raise AccountError("unknown", name)


def list_accounts(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return fetch_accounts(conn)


def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return count_accounts(conn) > 0


def sign_in(
    engine: Engine, name: str, password: str, *, now: datetime, max_failures: int, lock_minutes: int
) -> Account:
    """The account when the password is right; AccountError("denied" | "locked" | "disabled") otherwise.

    An unknown name and a wrong password give the same answer. After `max_failures` wrong passwords in a
    row the account is locked for `lock_minutes`, even against the right password.
    """
    with engine.begin() as conn:  # refusals are raised after the commit, so failure counts persist
        row = fetch_account(conn, name.strip())
        # Always one hash check, whether or not the name exists, so neither answer nor timing tells names apart.
        matches = _password_matches(row["password_hash"] if row else _UNKNOWN_HASH, password)
        if row is None or (row["disabled"] and not matches):
            refusal = AccountError("denied")
        elif row["locked_until"] and row["locked_until"] > now:
            refusal = AccountError("locked", row["locked_until"].strftime("%H:%M"))
        elif not matches:
            failures = row["failed_attempts"] + 1
            locked = now + timedelta(minutes=lock_minutes) if failures >= max_failures else None
            update_account(conn, row["name"], failed_attempts=0 if locked else failures, locked_until=locked)
            log.info("sign-in refused (%d failures)", failures)
            refusal = AccountError("locked", locked.strftime("%H:%M")) if locked else AccountError("denied")
        elif row["disabled"]:
            refusal = AccountError("disabled")  # only someone who knows the password learns this
        else:
            refusal = None
            update_account(conn, row["name"], failed_attempts=0, locked_until=None)
    if refusal is not None:
        raise refusal
    return Account(row["name"], row["role"], AreaPath.parse(row["area"]))


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def is_enabled(engine: Engine, name: str) -> bool:
    """Whether the account still exists and is not disabled (checked on every page, so a disabling takes effect)."""
    with engine.connect() as conn:
        row = fetch_account(conn, name)
    return row is not None and not row["disabled"]


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
