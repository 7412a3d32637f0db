"""Whole columns through ADBC, as Arrow: for millions of rows, reads and bulk writes at C speed.

SQLAlchemy builds Python objects row by row: reading the city's ten million records that way took 40 s
and 2.7 GB; ADBC moves the same columns in a few seconds. It opens its own connection, so it serves
reads of committed data and writes that are one transaction of their own.

The ADBC SQLite driver carries its own copy of SQLite. Two copies in one process break each other's
file locks (closing one copy's file drops the other's locks: a disk I/O error was seen here), so on SQLite
the ADBC work runs in a child process (`data_access.sqlite_child`) and Arrow streams cross a pipe.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Engine, Float, Integer, Select, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from data_access.engine import DataAccessError, timed

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent


def _arrow_type(column_type: TypeEngine) -> pa.DataType:
    for sql_type, arrow_type in _ARROW_TYPES:
        if isinstance(column_type, sql_type):
            return arrow_type
    raise TypeError(f"no Arrow type for {column_type!r}")


_ARROW_TYPES = (
    (DateTime, pa.timestamp("us")),
    (Date, pa.date32()),
    (Integer, pa.int64()),
    (Float, pa.float64()),
    (String, pa.string()),
    (Boolean, pa.bool_()),
)


def connect_postgres(engine: Engine) -> Any:
    """An ADBC DB-API connection to the engine's PostgreSQL database (autocommit off: one transaction)."""
    import adbc_driver_postgresql.dbapi

    return adbc_driver_postgresql.dbapi.connect(
        engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    )


def connect_sqlite(path: str) -> Any:
    """An ADBC connection to a SQLite file: only ever inside `data_access.sqlite_child` (see above)."""
    import adbc_driver_sqlite.dbapi

    return adbc_driver_sqlite.dbapi.connect(path)


def sql_text(dialect: Dialect, statement: Any) -> str:
    """A statement as SQL for a dialect; it must carry no values (the bulk writes' statements take none)."""
    compiled = statement.compile(dialect=dialect)
    if getattr(compiled, "params", None):
        raise ValueError("ADBC statements here take no values")
    return str(compiled)


# ADBC binds positional values: $1, $2 … on PostgreSQL, ? on SQLite (SQLAlchemy's SQLite default)
_POSTGRES_POSITIONAL = postgresql.psycopg.dialect(paramstyle="numeric_dollar")


def sql_and_values(dialect: Dialect, statement: Select) -> tuple[str, list]:
    """A query as SQL with positional placeholders, and its bound values in their order. SQLite's values go as the
    text SQLAlchemy stores dates and times as (they cross a pipe as JSON to the child)."""
    compiled = statement.compile(dialect=_POSTGRES_POSITIONAL if dialect.name == "postgresql" else dialect)
    values = [compiled.params[name] for name in compiled.positiontup or ()]
    if dialect.name == "sqlite":
        values = [_sqlite_value(value) for value in values]
    return str(compiled), values


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")  # 2026-11-09 12:30:05.000000
    if isinstance(value, date):
        return value.isoformat()
    return value


def sqlite_child(engine: Engine, *args: str, stdin: int | None = None) -> subprocess.Popen:
    """Start `python -m data_access.sqlite_child ARGS DATABASE`, Arrow IPC on its stdout (and stdin)."""
    command = [sys.executable, "-m", "data_access.sqlite_child", *args, engine.url.database]
    return subprocess.Popen(command, cwd=_ROOT, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish_child(child: subprocess.Popen, name: str) -> None:
    """Wait for a child; its failure becomes a DataAccessError with its last error line."""
    error = child.stderr.read().decode(errors="replace").strip()
    if child.wait() != 0:
        raise DataAccessError("query_failed", f"{name}: {error.splitlines()[-1] if error else child.returncode}")


def read_tables(engine: Engine, statements: dict[str, Select]) -> Iterator[tuple[str, pa.Table]]:
    """Run queries (their values bound); yield each result as one Arrow table, dates typed as the schema says.

    Lazily, one result at a time, in one read transaction: a caller that drops each result before asking for the
    next holds one in memory (the SQLite child, writing to a pipe, waits for the reader)."""
    queries = [sql_and_values(engine.dialect, statement) for statement in statements.values()]
    if engine.dialect.name == "sqlite":
        child = sqlite_child(engine, "read", stdin=subprocess.PIPE)
        child.stdin.write(json.dumps(queries).encode())
        child.stdin.close()
        try:
            for name, statement in statements.items():
                with timed(name):
                    table = pa.ipc.open_stream(child.stdout).read_all()
                yield name, _typed(table, statement)
        except BaseException:  # a failure, or a caller that stopped early: the child would wait on the pipe
            child.kill()
            child.wait()
            raise
        finish_child(child, ", ".join(statements))
        return
    with connect_postgres(engine) as conn, conn.cursor() as cursor:
        for (name, statement), (query, values) in zip(statements.items(), queries, strict=True):
            with timed(name):
                cursor.execute(query, values or None)
                table = cursor.fetch_arrow_table()
            yield name, _typed(table, statement)


def _typed(table: pa.Table, statement: Select) -> pa.Table:
    for position, column in enumerate(statement.selected_columns):
        values, arrow_type = table.column(position), _arrow_type(column.type)
        if values.type != arrow_type:  # SQLite: dates as ISO text, and a column of NULLs typed int64
            values = (
                pa.nulls(len(values), arrow_type) if values.null_count == len(values) else pc.cast(values, arrow_type)
            )
            table = table.set_column(position, column.name, values)
    log.info("%d rows through ADBC", table.num_rows)
    return table


def read_frames(engine: Engine, statements: dict[str, Select]) -> dict[str, pd.DataFrame]:
    """`read_tables` as DataFrames, with dates and times as datetime64."""
    return {name: table.to_pandas(date_as_object=False) for name, table in read_tables(engine, statements)}


def ingest_type(column_type: TypeEngine) -> pa.DataType:
    """The Arrow type a bulk write sends for a column: PostgreSQL's binary COPY wants a column's exact width."""
    if isinstance(column_type, Integer) and not isinstance(column_type, BigInteger):
        return pa.int32()
    return _arrow_type(column_type)


def ingest(cursor: Any, table_name: str, rows: pa.Table, *, staging: bool = False) -> None:
    """Append Arrow rows to a table (binary COPY on PostgreSQL); a staging table is temporary and made on first use."""
    with timed(f"ingest {table_name}"):
        if staging:
            cursor.adbc_ingest(table_name, rows, mode="create_append", temporary=True)
        else:
            cursor.adbc_ingest(table_name, rows, mode="append")
