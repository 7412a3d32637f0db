"""The ADBC side of SQLite, in its own process (why: data_access.arrow). Arrow IPC in and out.

python -m data_access.sqlite_child read DATABASE          queries as JSON on stdin ([[SQL, [value, …]], …]), each
                                                          result as an Arrow stream on stdout
python -m data_access.sqlite_child write KIND DATABASE    activity rows from an Arrow stream on stdin,
                                                          committed only if the stream ends with the commit batch
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import pyarrow as pa
from sqlalchemy.dialects import sqlite

from data_access.arrow import connect_sqlite
from data_access.importing import COMMIT, ActivityLoad

CACHE_KIB = 128 * 1024  # page cache for building indexes after a bulk load


def read(database: str) -> None:
    queries = json.load(sys.stdin)  # [[SQL, [value, …]], …]
    with connect_sqlite(database) as conn, conn.cursor() as cursor:
        # The driver types each column by the first batch of rows: make that batch the whole result.
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(2**30)})
        for query, values in queries:  # one read transaction: the results agree with each other
            cursor.execute(query, values or None)
            table = cursor.fetch_arrow_table()
            with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as stream:
                stream.write_table(table)
            del table


def write(kind: str, database: str) -> None:
    committed = False
    with connect_sqlite(database) as conn, conn.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        try:
            reader = pa.ipc.open_stream(sys.stdin.buffer)
        except pa.ArrowInvalid:  # nothing was sent: a file without rows, or the parent failed before any
            return
        load = ActivityLoad(cursor, kind, sqlite.dialect())
        while True:
            try:
                batch, metadata = reader.read_next_batch_with_custom_metadata()
            except StopIteration:
                break
            if metadata is not None and dict(metadata.to_dict()) == {k.encode(): v.encode() for k, v in COMMIT.items()}:
                load.finish()
                conn.commit()
                committed = True
                json.dump(asdict(load.written), sys.stdout)  # the parent's report: what was new, what changed
                break
            load.write(pa.Table.from_batches([batch]))
        if not committed:
            conn.rollback()


if __name__ == "__main__":
    {"read": read, "write": write}[sys.argv[1]](*sys.argv[2:])
