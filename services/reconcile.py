"""Reconciling with outside lists (底数清), shared by the page and tests: the queue within a scope, resolving an item
(audited with it, in one transaction), and the people to register once confirmed (an audited full-phone export)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from data_access.accounts import insert_audit
from data_access.areas import AreaPath, Scope
from data_access.engine import Engine
from data_access.reconcile import fetch_reconcile_items, fetch_registration_rows, resolve_item
from services.accounts import Account

RESOLVE_ACTION = "reconcile_resolve"  # audit_log actions
REGISTRATION_ACTION = "export_registration"


def fetch_queue(engine: Engine, *, scope: Scope, area: AreaPath) -> pd.DataFrame:
    """The current items of `area` (data_access.reconcile.fetch_reconcile_items: names and phones unmasked, for
    street and community scopes only)."""
    with engine.connect() as conn:
        return fetch_reconcile_items(conn, scope=scope, area=area)


def resolve(engine: Engine, account: Account, *, item_id: int, resolution: str, note: str, now: datetime) -> None:
    """Resolve one item of the account's queue and audit it (who, when, the item's community, the item and what was
    found; never the person) in the same transaction: a resolution is never left unaudited. OutOfScopeError for an
    item outside the account's area or an account that sees no personal data."""
    with engine.begin() as conn:
        path = resolve_item(conn, scope=account.scope, item_id=item_id, resolution=resolution, note=note,
                            account=account.name, at=now)  # fmt: skip
        insert_audit(conn, at=now, account=account.name, action=RESOLVE_ACTION, area=path, rows=1,
                     detail=f"item {item_id}:{resolution}")  # fmt: skip


def registration_rows(engine: Engine, account: Account, *, area: AreaPath, now: datetime) -> pd.DataFrame:
    """The confirmed people only an outside list had, not yet members, under `area`, with full phones for the
    clerk's members ledger: never cached or shown. The export is audited. OutOfScopeError unless the account is a
    street or community account holding `area`."""
    with engine.begin() as conn:
        rows = fetch_registration_rows(conn, scope=account.scope, area=area)
        insert_audit(conn, at=now, account=account.name, action=REGISTRATION_ACTION, area=str(area), rows=len(rows))
    return rows
