"""Writing checked ledger rows: areas, stations and members are matched and updated; activity rows are
inserted unless their natural key is already there, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

import adbc_driver_manager.dbapi as adbc_errors
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Table,
    bindparam,
    column,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
    true,
    update,
)
from sqlalchemy import (
    table as table_clause,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from data_access.arrow import connect_postgres, finish_child, ingest, ingest_type, sql_text, sqlite_child
from data_access.engine import timed
from data_access.loading import bulk_insert, data_version_bump
from data_access.schema import (
    ACTIVITY_TABLES,
    areas_table,
    delete_repeats,
    members_table,
    natural_key,
    stations_table,
)

log = logging.getLogger(__name__)

STAGING = "staging_rows"  # a temporary table, one per connection


def fetch_references(conn: Connection) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(community path -> id, station name -> id, member phone -> id): what ledger rows may refer to."""
    with timed("fetch_references"):
        communities = dict(
            conn.execute(select(areas_table.c.path, areas_table.c.id).where(areas_table.c.level == "community")).all()
        )
        stations = dict(conn.execute(select(stations_table.c.name, stations_table.c.id)).all())
        members = dict(conn.execute(select(members_table.c.phone, members_table.c.id)).all())
    return communities, stations, members


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts of plain Python values (None for missing) for executemany."""
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).to_dict("records")


def write_areas(conn: Connection, frame: pd.DataFrame) -> int:
    """Create the districts, streets and communities named; set community centres where given."""
    known = dict(conn.execute(select(areas_table.c.path, areas_table.c.id)).all())

    def ensure(level: str, district: str, street: str | None, community: str | None, parent: int | None) -> int:
        path = "/".join(p for p in (district, street, community) if p)
        if path not in known:
            values = dict(
                level=level, path=path, district=district, street=street, community=community, parent_id=parent
            )
            known[path] = conn.execute(insert(areas_table).values(**values).returning(areas_table.c.id)).scalar_one()
        return known[path]

    for row in _records(frame, ["district", "street", "community", "lon", "lat"]):
        district_id = ensure("district", row["district"], None, None, None)
        street_id = ensure("street", row["district"], row["street"], None, district_id)
        community_id = ensure("community", row["district"], row["street"], row["community"], street_id)
        if row["lon"] is not None and row["lat"] is not None:
            conn.execute(
                update(areas_table).where(areas_table.c.id == community_id).values(lon=row["lon"], lat=row["lat"])
            )
    return len(frame)


def _upsert(conn: Connection, table: Table, frame: pd.DataFrame, key: str, known: dict[str, int]) -> int:
    """Update the rows whose `key` is known, insert the others (in bulk: a first ledger of members is all new)."""
    columns = [name for name in frame.columns if name in table.c and name != "id"]
    is_known = frame[key].isin(list(known))
    updates = [row | {"row_id": known[row[key]]} for row in _records(frame[is_known], columns)]
    if updates:
        statement = update(table).where(table.c.id == bindparam("row_id")).values({c: bindparam(c) for c in columns})
        conn.execute(statement, updates)
    bulk_insert(conn, table, frame.loc[~is_known, columns])
    return len(frame)


def write_stations(conn: Connection, frame: pd.DataFrame) -> int:
    known = dict(conn.execute(select(stations_table.c.name, stations_table.c.id)).all())
    return _upsert(conn, stations_table, frame, "name", known)


def write_members(conn: Connection, frame: pd.DataFrame) -> int:
    """Members matched by phone: a known phone updates that member."""
    known = dict(conn.execute(select(members_table.c.phone, members_table.c.id)).all())
    return _upsert(conn, members_table, frame, "phone", known)


def arrow_rows(frame: pd.DataFrame, table: Table, dialect: str) -> pa.Table:
    """Checked rows as Arrow columns of the table's types; SQLite gets dates as the text SQLAlchemy writes."""
    columns = {}
    for name in frame.columns:
        if name not in table.c or name == "id":
            continue
        sql_type = table.c[name].type
        values = pa.array(frame[name], from_pandas=True)
        target = ingest_type(sql_type)
        values = pa.nulls(len(values), target) if values.null_count == len(values) else pc.cast(values, target)
        if dialect == "sqlite" and isinstance(sql_type, (Date, DateTime)):
            values = pc.cast(values, pa.string())  # 2026-11-09 and 2026-11-09 12:30:05.000000
        columns[name] = values
    return pa.table(columns)


class ActivityLoad:
    """Activity rows into their table within the caller's transaction, on an ADBC cursor.

    Rows whose natural key is already in the table, or earlier in the file, are not inserted, so
    importing the same file twice changes nothing. Into an empty table (a first load, a restore) the
    rows go straight in without indexes, which are built once at the end; otherwise each chunk goes
    through a staging table and `INSERT … ON CONFLICT DO NOTHING` against the natural-key index.
    """

    def __init__(self, cursor: Any, kind: str, dialect: Dialect) -> None:
        self.cursor, self.table, self.dialect = cursor, ACTIVITY_TABLES[kind], dialect
        self.execute(select(exists().select_from(self.table)))
        self.bulk = not self.cursor.fetchone()[0]
        if self.bulk:
            for index in self.table.indexes:
                self.execute(DropIndex(index))
            for constraint in self.foreign_keys():
                self.execute(DropConstraint(constraint))

    def execute(self, statement: Any) -> None:
        self.cursor.execute(sql_text(self.dialect, statement))

    def foreign_keys(self) -> list:
        """Lifted during a bulk load: PostgreSQL checks each row's references one by one, while the ledger check
        has already resolved every reference against the database. SQLite's ADBC connections don't check."""
        return [] if self.dialect.name == "sqlite" else sorted(self.table.foreign_key_constraints, key=lambda k: k.name)

    def write(self, rows: pa.Table) -> None:
        if self.bulk:
            ingest(self.cursor, self.table.name, rows)
            return
        ingest(self.cursor, STAGING, rows, staging=True)
        fresh = select(*(column(name) for name in rows.column_names)).select_from(text(STAGING)).where(true())
        insert = (postgresql.insert if self.dialect.name == "postgresql" else sqlite.insert)(self.table)
        self.execute(insert.from_select(rows.column_names, fresh).on_conflict_do_nothing())
        self.execute(delete(table_clause(STAGING)))

    def finish(self) -> None:
        """After the last rows: a bulk load builds its indexes and restores its constraints.

        Should the file repeat a record, the unique index refuses; then the first of each key is kept and
        the index built again. SQLite tries the index first (a savepoint undoes the refusal); ADBC's
        PostgreSQL driver can't continue after an error, so there the repeats are looked for first.
        Either way the data version is bumped in this transaction, so figures computed before it are stale.
        """
        self.execute(data_version_bump(self.dialect))
        if not self.bulk:
            return
        if self.dialect.name == "postgresql":
            key = natural_key(self.table)
            repeated = select(literal_column("1")).select_from(self.table).group_by(*key)
            self.execute(select(exists(repeated.having(func.count() > literal_column("1")))))
            if self.cursor.fetchone()[0]:
                self.keep_first_of_each_key()
            for index in self.table.indexes:
                self.execute(CreateIndex(index))
        else:
            self.cursor.execute("SAVEPOINT build_indexes")
            try:
                for index in self.table.indexes:
                    self.execute(CreateIndex(index))
            except adbc_errors.IntegrityError:
                self.cursor.execute("ROLLBACK TO SAVEPOINT build_indexes")
                self.keep_first_of_each_key()
                for index in self.table.indexes:
                    self.execute(CreateIndex(index))
            self.cursor.execute("RELEASE SAVEPOINT build_indexes")
        for constraint in self.foreign_keys():
            # isolate_from_table=False: by default SQLAlchemy would leave the constraint out of later CREATE TABLEs
            self.execute(AddConstraint(constraint, isolate_from_table=False))

    def keep_first_of_each_key(self) -> None:
        self.execute(delete_repeats(self.table))


COMMIT = {"commit": "1"}  # the metadata of the empty batch that ends a file sent to the SQLite child


class _Overlapped:
    """Hands each chunk to one background thread, so checking the next chunk overlaps writing this one
    (ADBC and pipe writes release the GIL). At most one chunk waits; a failed write surfaces on the next call."""

    def __init__(self, send: Callable[[pa.Table], None]) -> None:
        self.send, self.pool, self.pending = send, ThreadPoolExecutor(max_workers=1), None

    def __call__(self, rows: pa.Table) -> None:
        self.wait()
        self.pending = self.pool.submit(self.send, rows)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the last write (never leave it running on a connection about to roll back)."""
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


@contextmanager
def activity_writer(engine: Engine, kind: str) -> Iterator[Callable[[pd.DataFrame], None]]:
    """A file of activity rows in one transaction: yields `write(frame)`; commits when the block ends, rolls back
    when it raises. On SQLite the rows stream to a child process (see data_access.arrow)."""
    table = ACTIVITY_TABLES[kind]
    dialect = engine.dialect.name
    if dialect == "postgresql":
        with connect_postgres(engine) as conn, conn.cursor() as cursor:
            load = ActivityLoad(cursor, kind, engine.dialect)
            background = _Overlapped(load.write)
            try:
                yield lambda frame: background(arrow_rows(frame, table, dialect))
                background.close()
                load.finish()
                conn.commit()
            except BaseException:
                with suppress(Exception):
                    background.close()
                conn.rollback()
                raise
        return
    child = sqlite_child(engine, "write", kind, stdin=subprocess.PIPE)
    stream: list[tuple[pa.RecordBatchStreamWriter, pa.Schema]] = []

    def send(rows: pa.Table) -> None:
        if not stream:
            stream.append((pa.ipc.new_stream(child.stdin, rows.schema), rows.schema))
        stream[0][0].write_table(rows)

    background = _Overlapped(send)
    try:
        yield lambda frame: background(arrow_rows(frame, table, dialect))
        background.close()
        if stream:
            writer, schema = stream[0]
            end = pa.record_batch([pa.array([], field.type) for field in schema], schema=schema)
            writer.write_batch(end, custom_metadata=COMMIT)
            writer.close()
    finally:
        with suppress(Exception):
            background.close()
        child.stdin.close()  # without the commit batch, the child rolls back
        finish_child(child, f"write {kind}")
