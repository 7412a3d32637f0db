"""The engine: one per URL, its schema checked (created, upgraded or refused) before first use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Index, Table, create_engine, delete, event, inspect, select, text, update
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import SQLAlchemyError

from data_access.schema import (
    ACTIVITY_KEYS,
    ACTIVITY_TABLES,
    SCHEMA_VERSION,
    accounts_table,
    audit_log_table,
    delete_repeats,
    demands_table,
    external_items_table,
    external_lists_table,
    follow_up_lists_table,
    follow_up_members_table,
    imports_table,
    member_changes_table,
    members_table,
    meta_table,
    metadata,
    natural_key,
    sessions_table,
    sign_in_failures_table,
    weekly_stats_table,
)
from metrics.registry import DEMAND_PARTS, FLOW_PARTS

log = logging.getLogger(__name__)

_engines: dict[str, Engine] = {}


class DataAccessError(Exception):
    """A database problem, with a short `code` that the CLI and UI turn into a Chinese message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _add_accounts_and_audit(conn: Connection) -> None:
    """Version 1 to 2: sign-in accounts and the audit trail (new tables; existing data untouched)."""
    accounts_table.create(conn)
    audit_log_table.create(conn)


_OLD_ACTIVITY_INDEXES = {
    "contacts": "ix_contacts_member_date",
    "station_visits": "ix_station_visits_station_time",
    "volunteer_records": "ix_volunteer_member_date",
}


_VERSION_3_KEYS = {
    "contacts": ("member_id", "contacted_on", "side", "method"),
    "station_visits": ("station_id", "visited_at", "service", "member_id"),
    "volunteer_records": ("member_id", "activity_on", "activity"),
}


def _create_natural_key_index(conn: Connection, table: Table, keys: dict[str, tuple[str, ...]]) -> None:
    """The unique index on a key, as of some schema version; it is not left in the table's metadata."""
    index = Index(f"ux_{table.name}_natural_key", *natural_key(table, keys), unique=True)
    try:
        index.create(conn)
    finally:
        table.indexes.discard(index)


def _unique_natural_keys(conn: Connection) -> None:
    """Version 2 to 3: each activity table's natural key becomes a unique index, replacing its (member or
    station, day) index, which the new one leads with. A repeated record, if any, keeps its first row."""
    for name in _VERSION_3_KEYS:  # the tables of version 2 (demands came later)
        table = ACTIVITY_TABLES[name]
        conn.execute(delete_repeats(table, _VERSION_3_KEYS))
        conn.execute(text(f"DROP INDEX IF EXISTS {_OLD_ACTIVITY_INDEXES[name]}"))  # our own constant names
        _create_natural_key_index(conn, table, _VERSION_3_KEYS)


def _keys_of_every_column(conn: Connection) -> None:
    """Version 3 to 4: a contact's key takes its liaison and a visit's the visitor's phone (kept for non-members
    too), so that records the ledger keeps apart stay apart; a volunteer category may be the ledger's own words.
    The new keys are finer than the old, so no existing row repeats another."""
    visits = ACTIVITY_TABLES["station_visits"]
    conn.execute(text("DROP INDEX IF EXISTS ux_contacts_natural_key"))
    conn.execute(text("DROP INDEX IF EXISTS ux_station_visits_natural_key"))
    conn.execute(text("ALTER TABLE station_visits ADD COLUMN visitor_phone VARCHAR(11)"))
    phone = select(members_table.c.phone).where(members_table.c.id == visits.c.member_id).scalar_subquery()
    conn.execute(update(visits).where(visits.c.member_id.is_not(None)).values(visitor_phone=phone))
    if conn.dialect.name == "postgresql":  # SQLite does not hold text to a length
        conn.execute(text("ALTER TABLE volunteer_records ALTER COLUMN category TYPE VARCHAR(100)"))
    for name in ("contacts", "station_visits"):
        _create_natural_key_index(conn, ACTIVITY_TABLES[name], ACTIVITY_KEYS)


def _sessions_and_sign_in_failures(conn: Connection) -> None:
    """Version 4 to 5: sessions live in the database (a reload keeps them, sign-out ends them everywhere), and
    wrong passwords are counted per name and source in a table of their own instead of on the account."""
    sessions_table.create(conn, checkfirst=True)
    sign_in_failures_table.create(conn, checkfirst=True)
    columns = {column["name"] for column in inspect(conn).get_columns("accounts")}
    for old in ("failed_attempts", "locked_until"):  # absent when version 1 to 2 made today's accounts table
        if old in columns:
            conn.execute(text(f"ALTER TABLE accounts DROP COLUMN {old}"))  # our own constant names


def _add_demands(conn: Connection) -> None:
    """Version 5 to 6: the 诉求台账 ledger's table, with its natural key and per-community indexes (a new table;
    existing data untouched)."""
    demands_table.create(conn, checkfirst=True)


def _add_follow_up_lists(conn: Connection) -> None:
    """Version 8 to 9: follow-up lists, the members of each exported overdue or lost-contact list (new tables;
    existing data untouched)."""
    follow_up_lists_table.create(conn, checkfirst=True)
    follow_up_members_table.create(conn, checkfirst=True)


def _add_import_history_and_reconciling(conn: Connection) -> None:
    """Version 9 to 10: the import history and member changes, the outside lists and their items to reconcile the
    roster with (new tables), and each member's 核实日期 (a new column, NULL: never verified)."""
    imports_table.create(conn, checkfirst=True)
    member_changes_table.create(conn, checkfirst=True)
    external_lists_table.create(conn, checkfirst=True)
    external_items_table.create(conn, checkfirst=True)
    if "verified_on" not in {column["name"] for column in inspect(conn).get_columns(members_table.name)}:
        conn.execute(text("ALTER TABLE members ADD COLUMN verified_on DATE"))


def add_weekly_parts(*names: str) -> Callable[[Connection], None]:
    """The upgrade for new indicators' parts (metrics/registry.py): each named weekly_stats column is added where
    absent (0 in the rows already there), and the weekly figures are marked stale, so that reads compute from the
    raw records until the next refresh fills the new columns in. Use: `UPGRADES[n] = add_weekly_parts("x", "y")`."""

    def upgrade(conn: Connection) -> None:
        present = {column["name"] for column in inspect(conn).get_columns(weekly_stats_table.name)}
        for name in names:
            if name not in present:  # a database created at a later version has it already
                kind = weekly_stats_table.c[name].type.compile(conn.dialect)
                # our own declared names and types
                conn.execute(text(f"ALTER TABLE weekly_stats ADD COLUMN {name} {kind} NOT NULL DEFAULT 0"))
        conn.execute(delete(meta_table).where(meta_table.c.key == "stats_data_version"))

    return upgrade


# Upgrades from version N to N+1, keyed by N.
UPGRADES: dict[int, Callable[[Connection], None]] = {
    1: _add_accounts_and_audit,
    2: _unique_natural_keys,
    3: _keys_of_every_column,
    4: _sessions_and_sign_in_failures,
    5: _add_demands,
    6: add_weekly_parts(*DEMAND_PARTS),
    7: add_weekly_parts(*FLOW_PARTS),
    8: _add_follow_up_lists,
    9: _add_import_history_and_reconciling,
    10: add_weekly_parts("verified_in_window", "left_active"),
}


def get_engine(url: str) -> Engine:
    """The engine for `url`, created once per process, with its schema ready."""
    if url not in _engines:
        engine = _create(url)
        ensure_schema(engine)
        _engines[url] = engine
    return _engines[url]


def dispose_engine(url: str) -> None:
    """Forget the engine for `url` (tests that drop a database use this)."""
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _create(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            database = url.split("///", 1)[-1]
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "handle_error", _unreachable)
        with engine.connect():
            pass
    except (SQLAlchemyError, ImportError, ValueError, OSError) as exc:  # OSError: a folder that cannot be made
        raise DataAccessError("unreachable", str(exc)) from exc
    return engine


def _unreachable(context: ExceptionContext) -> None:
    """A database that went away (server stopped, database dropped or closed to connections, its file gone or
    unreadable) raises DataAccessError("unreachable") wherever a connection is opened or lost: the UI, the
    services and the CLI open theirs in many places, outside any query's `timed`, and would otherwise get the
    driver's own error. Errors of a statement on a live connection are left to `timed` (query_failed), and an
    IntegrityError stays one for code that expects it."""
    if context.is_pre_ping:
        return  # the pool's own check: it reconnects, and a failed reconnect comes back here
    if context.connection is None or context.is_disconnect:
        log.warning("database unreachable: %s", type(context.original_exception).__name__)
        raise DataAccessError("unreachable", type(context.original_exception).__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def ensure_schema(engine: Engine) -> None:
    """Create the schema in an empty database, upgrade an older one, refuse anything else."""
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        if meta_table.name not in tables:
            if tables & set(metadata.tables):
                raise DataAccessError("schema_unknown", "tables exist but no meta table")
            metadata.create_all(conn)
            conn.execute(meta_table.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}])
            log.info("created schema version %s", SCHEMA_VERSION)
            return
        row = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).first()
        version = int(row.value) if row and row.value.isdigit() else None
        if version is None or version > SCHEMA_VERSION:
            raise DataAccessError("schema_newer" if version else "schema_unknown", f"version {version}")
        while version < SCHEMA_VERSION:
            if version not in UPGRADES:
                raise DataAccessError("schema_unknown", f"no upgrade from version {version}")
            UPGRADES[version](conn)
            version += 1
            conn.execute(meta_table.update().where(meta_table.c.key == "schema_version"), {"value": str(version)})
            log.info("upgraded schema to version %s", version)


@contextmanager
def timed(name: str) -> Iterator[None]:
    """Log a query's name and duration; turn driver errors into DataAccessError."""
    started = time.perf_counter()
    try:
        yield
    except SQLAlchemyError as exc:
        log.warning("%s failed: %s", name, type(exc).__name__)
        raise DataAccessError("query_failed", name) from exc
    except DataAccessError as exc:  # the connection was lost (_unreachable): say which query met it
        log.warning("%s failed: %s", name, exc.code)
        raise
    log.debug("%s took %.3f s", name, time.perf_counter() - started)
