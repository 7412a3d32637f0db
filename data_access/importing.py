"""Writing checked ledger rows: areas, stations and members are matched and updated; activity rows are
inserted unless their natural key is already there, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Table,
    and_,
    bindparam,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy import (
    table as table_clause,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, DropIndex

from data_access.arrow import connect_postgres, finish_child, ingest, ingest_type, sql_text, sqlite_child
from data_access.engine import timed
from data_access.loading import bulk_insert, data_version_bump
from data_access.records import frame_from_rows
from data_access.schema import (
    ACTIVITY_KEYS,
    ACTIVITY_TABLES,
    areas_table,
    members_table,
    stations_table,
)
from metrics.changes import TRACKED_FIELDS

log = logging.getLogger(__name__)

STAGING = "staging_rows"  # a temporary table, one per connection
UPDATED_ON_IMPORT = ("volunteer_records", "demands")  # a known key takes the file's other columns


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


@dataclass
class Written:
    """Of the rows written: how many were new, and how many changed a known record (the rest were as stored); for
    members, the changes to keep (data_access.history.CHANGE_COLUMNS) and where the new ones' ids start."""

    new: int = 0
    updated: int = 0
    changes: list[pd.DataFrame] = field(default_factory=list)
    created_after: int | None = None  # members: every id above it is a member this file created

    def __iadd__(self, other: Written) -> Written:
        self.new += other.new
        self.updated += other.updated
        self.changes += other.changes
        if other.created_after is not None:
            self.created_after = min(x for x in (self.created_after, other.created_after) if x is not None)
        return self


def write_areas(conn: Connection, frame: pd.DataFrame, columns: list[str]) -> Written:
    """Create the districts, streets and communities named; set community centres where given."""
    known = dict(conn.execute(select(areas_table.c.path, areas_table.c.id)).all())
    centres = {
        row.id: (row.lon, row.lat)
        for row in conn.execute(select(areas_table.c.id, areas_table.c.lon, areas_table.c.lat))
    }
    written = Written()

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
        path = f"{row['district']}/{row['street']}/{row['community']}"
        is_new = path not in known
        community_id = ensure("community", row["district"], row["street"], row["community"], street_id)
        centre = (row["lon"], row["lat"])
        moved = None not in centre and centres.get(community_id) != centre
        if moved:
            conn.execute(
                update(areas_table).where(areas_table.c.id == community_id).values(lon=row["lon"], lat=row["lat"])
            )
        written.new += is_new
        written.updated += moved and not is_new
    return written


def _comparable(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Values as text that compares equal when the database would store the same (dates as days, None for empty)."""
    out = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(table.c[name].type, Date):
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif isinstance(table.c[name].type, Float):
            values = pd.to_numeric(values).round(9).map(repr, na_action="ignore")
        out[name] = values.astype(object).where(values.notna(), None).map(str, na_action="ignore")
    return pd.DataFrame(out, index=frame.index).fillna("\0")


def _upsert(
    conn: Connection, table: Table, frame: pd.DataFrame, key: str, columns: list[str], tracked: tuple[str, ...] = ()
) -> Written:
    """Update the rows whose `key` is known and differs in the file's `columns`, insert the others (in bulk: a first
    ledger of members is all new). Only the columns the file has are updated: a ledger without 性别 keeps it.
    Each change of a `tracked` column, and each new row, is listed in `changes`."""
    columns = [name for name in columns if name in table.c and name not in ("id", key)]
    stored = frame_from_rows(
        ["id", key, *columns], conn.execute(select(table.c.id, table.c[key], *(table.c[c] for c in columns))).all()
    ).set_index(key)
    is_known = frame[key].isin(stored.index)
    known = frame[is_known].set_index(key)
    differs = (_comparable(known[columns], table) != _comparable(stored.loc[known.index, columns], table)).any(axis=1)
    changed = known[differs.to_numpy()].assign(row_id=stored.loc[known.index[differs.to_numpy()], "id"].to_numpy())
    if len(changed):
        statement = update(table).where(table.c.id == bindparam("row_id")).values({c: bindparam(c) for c in columns})
        conn.execute(statement, _records(changed, [*columns, "row_id"]))
    inserted = frame.loc[~is_known, [name for name in frame.columns if name in table.c and name != "id"]]
    bulk_insert(conn, table, inserted)
    written = Written(new=len(inserted), updated=len(changed))
    if tracked:
        old = stored.loc[changed.index]
        written.changes = [_changes(table, changed, old, name) for name in tracked if name in columns]
        if len(inserted):  # ids grow: the rows just inserted are above the highest before them
            written.created_after = int(stored["id"].max()) if len(stored) else 0
    return written


def _changes(table: Table, new: pd.DataFrame, old: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows whose `name` changed: member id, the field, its old and new value as text (None for empty)."""
    before, after = (_comparable(part[[name]], table)[name] for part in (old, new))
    before, after = (values.where(values != "\0", None) for values in (before, after))  # "\0": empty
    differs = (before != after).to_numpy()
    return pd.DataFrame(
        {
            "member_id": new["row_id"].to_numpy()[differs],
            "field": name,
            "old": before[differs].to_numpy(),
            "new": after[differs].to_numpy(),
        }
    )


def write_stations(conn: Connection, frame: pd.DataFrame, columns: list[str]) -> Written:
    """Stations matched by name: a known name updates that station."""
    return _upsert(conn, stations_table, frame, "name", columns)


def write_members(conn: Connection, frame: pd.DataFrame, columns: list[str]) -> Written:
    """Members matched by phone: a known phone updates that member; new members and changes of the tracked fields
    are listed to keep.

    A 核实日期 only moves forward: a blank cell, or a date before the stored one (set by a later import or by a
    resolved reconciliation item), keeps the stored date."""
    if "verified_on" in columns and len(frame):
        m = members_table.c
        stored = dict(conn.execute(select(m.phone, m.verified_on).where(m.verified_on.is_not(None))).all())
        held = pd.to_datetime(frame["phone"].map(stored), errors="coerce")
        given = pd.to_datetime(frame["verified_on"], errors="coerce")
        latest = given.where(held.isna() | (given >= held), held)  # NaT >= x is False: the stored date
        frame = frame.assign(verified_on=latest.where(latest.notna(), None).astype(object))
    return _upsert(conn, members_table, frame, "phone", columns, TRACKED_FIELDS)


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

    The ledger check has already dropped a file's repeated rows; a row whose natural key is already in the table
    is not inserted again (a volunteer record updates its other columns), so importing the same file twice changes
    nothing. Into an empty table (a first load, a restore) the rows go straight in (on SQLite without indexes, which
    are built once at the end); otherwise each chunk goes through a staging table and `INSERT … ON CONFLICT DO NOTHING`
    against the natural-key index. `written` counts what was new and what changed. Pages read on meanwhile.
    """

    def __init__(self, cursor: Any, kind: str, dialect: Dialect) -> None:
        self.cursor, self.table, self.dialect = cursor, ACTIVITY_TABLES[kind], dialect
        self.before = self.count()
        self.written = Written()
        self.bulk = self.before == 0  # nothing to conflict with: the file's repeats are gone already
        # SQLite's readers see the last commit (WAL) whatever the writer does, so its indexes are lifted during a
        # bulk load and built once at the end. PostgreSQL's DROP INDEX and DROP CONSTRAINT would hold ACCESS
        # EXCLUSIVE locks on the table and on members until the commit, and every page would wait for them.
        self.lifted = self.bulk and self.dialect.name == "sqlite"
        if self.lifted:
            for index in self.table.indexes:
                self.execute(DropIndex(index))

    def execute(self, statement: Any) -> None:
        self.cursor.execute(sql_text(self.dialect, statement))

    def count(self, statement: Any = None) -> int:
        self.execute(statement if statement is not None else select(func.count()).select_from(self.table))
        return int(self.cursor.fetchone()[0])

    def write(self, rows: pa.Table) -> None:
        if self.bulk:
            ingest(self.cursor, self.table.name, rows)
            self.written.new += rows.num_rows
            return
        ingest(self.cursor, STAGING, rows, staging=True)
        staging = table_clause(STAGING, *(column(name) for name in rows.column_names))
        if self.table.name in UPDATED_ON_IMPORT:
            self.update_known(staging)
        fresh = select(*staging.c).where(true())
        insert = (postgresql.insert if self.dialect.name == "postgresql" else sqlite.insert)(self.table)
        self.execute(insert.from_select(rows.column_names, fresh).on_conflict_do_nothing())
        self.execute(delete(staging))

    def update_known(self, staging: Any) -> None:
        """A record imported again takes the file's other columns: a volunteer record its hours, category and
        community; a demand its status, 办结日期 and the rest."""
        keys = ACTIVITY_KEYS[self.table.name]
        same_key = and_(*(self.table.c[name] == staging.c[name] for name in keys))
        others = [name for name in staging.c.keys() if name not in keys]
        differs = or_(*(self.table.c[name].is_distinct_from(staging.c[name]) for name in others))
        changed = self.count(select(func.count()).select_from(self.table.join(staging, same_key)).where(differs))
        if changed:
            self.execute(update(self.table).where(same_key, differs).values({n: staging.c[n] for n in others}))
            self.written.updated += changed

    def finish(self) -> None:
        """After the last rows: lifted indexes are built again; the new rows are counted, and if the file changed
        anything the data version is bumped in this transaction, so figures computed before it are stale."""
        if self.lifted:
            for index in self.table.indexes:
                self.execute(CreateIndex(index))
        if not self.bulk:
            self.written.new = self.count() - self.before
        if self.written.new or self.written.updated:
            self.execute(data_version_bump(self.dialect))


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
def activity_writer(engine: Engine, kind: str, written: Written) -> Iterator[Callable[[pd.DataFrame], None]]:
    """A file of activity rows in one transaction: yields `write(frame)`; commits when the block ends, rolls back
    when it raises; then `written` holds what was new and what changed. On SQLite the rows stream to a child
    process (see data_access.arrow), which answers with those counts."""
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
        written += load.written
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
        answer = child.stdout.read()
        finish_child(child, f"write {kind}")
    if answer.strip():
        written += Written(**json.loads(answer))
