"""Bulk writes: whole tables from DataFrames (SQLite executemany, PostgreSQL COPY) and meta updates."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Insert,
    Integer,
    Table,
    Text,
    cast,
    delete,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from data_access.accounts import delete_demo_accounts, insert_account
from data_access.engine import timed
from data_access.schema import DATA_TABLES, TABLES_ABOUT_RECORDS, areas_table, meta_table, weekly_stats_table

log = logging.getLogger(__name__)

CHUNK_ROWS = 100_000
Progress = Callable[[str, int, int], None]  # (stage or table, done, total)


def _python_values(series: pd.Series, column_type: object) -> list:
    """A column as Python values the drivers take: text for dates (as SQLAlchemy writes them), None for missing."""
    if isinstance(column_type, (Date, DateTime)):
        unit = "us" if isinstance(column_type, DateTime) else "D"
        stamps = pa.array(pd.to_datetime(series).to_numpy(dtype=f"datetime64[{unit}]"))
        return pc.cast(stamps, pa.string()).to_pylist()  # 2026-11-09 and 2026-11-09 12:30:05.000000
    if isinstance(column_type, Integer) and series.dtype.kind not in "iu":
        series = pd.to_numeric(series).astype("Int64")  # ids with gaps arrive as floats: 1.0 must be written 1
    values = series.astype(object).to_numpy()
    missing = pd.isna(values)
    return (np.where(missing, None, values) if missing.any() else values).tolist()


def _rows(frame: pd.DataFrame, table: Table) -> list[tuple]:
    columns = [_python_values(frame[name], table.c[name].type) for name in frame.columns]
    return list(zip(*columns, strict=True))


def bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame, progress: Progress | None = None) -> None:
    """Append `frame` (columns named as the table's) to `table`, in chunks: COPY on PostgreSQL."""
    names = list(frame.columns)
    started = time.perf_counter()
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    placeholders = ", ".join("?" for _ in names)
    for offset in range(0, len(frame), CHUNK_ROWS):
        rows = _rows(frame.iloc[offset : offset + CHUNK_ROWS], table)
        if postgres:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})", rows)
        if progress:
            progress(table.name, min(offset + CHUNK_ROWS, len(frame)), len(frame))
    log.info("bulk_insert %s: %d rows in %.1f s", table.name, len(frame), time.perf_counter() - started)


def _reset_sequence(conn: Connection, table: Table) -> None:
    """After explicit ids, move PostgreSQL's id sequence past them so later inserts don't collide."""
    if conn.dialect.name == "postgresql":
        highest = select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery()
        conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest)))


def _sqlite_foreign_keys(conn: Connection, *, enforce: bool) -> None:
    """Switch SQLite's per-row foreign key checks (a no-op inside a transaction, so done between them).

    A bulk load is checked before it is written (generator, ledger validation); checking each of
    ten million rows again doubles the load time.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enforce else 'OFF'}")
        conn.commit()


def _with_visitor_phones(name: str, frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """A visit's key holds its visitor's phone: generated visits name only the member, so it is looked up."""
    frame = frames[name]
    if name != "station_visits" or "visitor_phone" in frame.columns:
        return frame
    phones = frames["members"].set_index("id")["phone"]
    return frame.assign(visitor_phone=frame["member_id"].map(phones))


def replace_all_data(
    engine: Engine,
    frames: Mapping[str, pd.DataFrame],
    *,
    meta: Mapping[str, str],
    progress: Progress | None = None,
) -> None:
    """Replace every data table with `frames` (keyed by table name) in one transaction.

    Indexes are dropped during the load and rebuilt after it, which is several times faster.
    PostgreSQL checks foreign keys as usual; SQLite's per-row checks are off for the load.
    """
    with engine.connect() as conn:
        _sqlite_foreign_keys(conn, enforce=False)
        try:
            with conn.begin(), timed("replace_all_data"):
                for table in (weekly_stats_table, *reversed(TABLES_ABOUT_RECORDS), *reversed(DATA_TABLES)):
                    conn.execute(delete(table))
                for table in DATA_TABLES:
                    if table.name not in frames:  # a table the frames leave out stays empty
                        continue
                    for index in table.indexes:
                        index.drop(conn)
                    bulk_insert(conn, table, _with_visitor_phones(table.name, frames), progress)
                    for index in table.indexes:
                        index.create(conn)
                    _reset_sequence(conn, table)
                write_meta(conn, meta)
                bump_data_version(conn)
        finally:
            _sqlite_foreign_keys(conn, enforce=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # VACUUM too: it marks the pages all-visible, so the refresh reads its columns from the indexes alone
            conn.exec_driver_sql("VACUUM (ANALYZE)")


def clear_data(engine: Engine, *, admin: Mapping[str, object] | None = None) -> None:
    """Delete every record and precomputed figure, and forget where the data came from.

    `admin` (insert_account's keyword arguments) is written in the same transaction as the demo accounts
    are deleted, so that a database cleared of the sample is never left without an account.
    """
    with engine.begin() as conn, timed("clear_data"):
        for table in (weekly_stats_table, *reversed(TABLES_ABOUT_RECORDS), *reversed(DATA_TABLES)):
            conn.execute(delete(table))
        conn.execute(
            delete(meta_table).where(meta_table.c.key != "schema_version").where(meta_table.c.key != "data_version")
        )
        delete_demo_accounts(conn)  # demo accounts go with the sample
        if admin is not None:
            insert_account(conn, **admin)
        bump_data_version(conn)


def replace_weekly_stats(engine: Engine, frame: pd.DataFrame, *, meta: Mapping[str, str]) -> None:
    """Replace the precomputed weekly figures, and record what they were computed with."""
    with engine.begin() as conn, timed("replace_weekly_stats"):
        conn.execute(delete(weekly_stats_table))
        bulk_insert(conn, weekly_stats_table, frame)
        write_meta(conn, meta)


def replace_districts_weekly_stats(
    engine: Engine, frame: pd.DataFrame, *, districts: Sequence[str], week_starts: Sequence[date]
) -> None:
    """Replace the districts' precomputed figures of the given weeks with `frame` (their communities' rows of them)."""
    communities = select(areas_table.c.id).where(areas_table.c.district.in_(districts))
    w = weekly_stats_table.c
    with engine.begin() as conn, timed("replace_districts_weekly_stats"):
        conn.execute(delete(weekly_stats_table).where(w.community_id.in_(communities), w.week_start.in_(week_starts)))
        bulk_insert(conn, weekly_stats_table, frame)


def keep_weekly_stats_between(engine: Engine, first: date, last: date) -> None:
    """Drop the precomputed figures of weeks starting before `first` or after `last` (the summary's range moved)."""
    w = weekly_stats_table.c
    with engine.begin() as conn, timed("keep_weekly_stats_between"):
        conn.execute(delete(weekly_stats_table).where(or_(w.week_start < first, w.week_start > last)))


def write_meta(conn: Connection, values: Mapping[str, str]) -> None:
    """Set meta keys (insert or update)."""
    for key, value in values.items():
        updated = conn.execute(meta_table.update().where(meta_table.c.key == key).values(value=str(value)))
        if updated.rowcount == 0:
            conn.execute(meta_table.insert().values(key=key, value=str(value)))


def data_version_bump(dialect: Dialect) -> Insert:
    """The statement that counts one more change of data: data_version 1, or one more than it was.

    It carries no bound values, so ADBC runs it too (data_access.importing, in the transaction that writes
    activity rows): every write of data bumps the version in its own transaction, and figures computed
    from an older version are known to be stale.
    """
    insert = (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(meta_table)
    first = insert.inline().values(key=literal_column("'data_version'"), value=literal_column("'1'"))
    return first.on_conflict_do_update(
        index_elements=[meta_table.c.key],
        set_={"value": cast(cast(meta_table.c.value, Integer) + literal_column("1"), Text)},
    )


def bump_data_version(conn: Connection) -> None:
    """Count one more change of data; caches key on this number, and the weekly figures record it."""
    conn.execute(data_version_bump(conn.dialect))
