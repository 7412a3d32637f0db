"""Import ledger files: read and check them (ledgers/), write each file in one transaction, refresh figures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from data_access.engine import Engine
from data_access.importing import activity_writer, fetch_references, write_areas, write_members, write_stations
from data_access.loading import bump_data_version, clear_data, write_meta
from data_access.lookups import fetch_meta
from data_access.schema import ACTIVITY_TABLES
from ledgers.formats import LEDGERS
from ledgers.reading import LedgerFile, LedgerFileError, open_ledger
from ledgers.validation import Checked, References, Rejection, check_chunk
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_database

log = logging.getLogger(__name__)

Source = tuple[str, str | Path | BinaryIO | bytes]  # (file name, path or content)
Progress = Callable[[str, int, int], None]


class SyntheticDataError(Exception):
    """The database holds the synthetic city; real ledgers must not mix with it."""


@dataclass
class FileReport:
    file: str
    ledger: str | None = None  # the ledger's kind, None when it could not be told
    accepted: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    error: LedgerFileError | None = None
    rejected_rows: pd.DataFrame | None = None

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "ledger": self.ledger,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "rejections": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections],
            "warnings": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.warnings],
        }


def _import_one(engine: Engine, opened: LedgerFile, progress: Progress | None) -> FileReport:
    """One file, one transaction: if anything fails midway, the database is as before the file."""
    kind = opened.ledger.kind
    report = FileReport(file=opened.name, ledger=kind)
    rejected_parts = []

    def checked_chunks(refs: References) -> Iterator[pd.DataFrame]:
        seen: dict[str, int] = {}
        for chunk in opened.chunks:
            checked: Checked = check_chunk(opened.ledger, chunk, refs, seen)
            report.accepted += len(checked.frame)
            report.rejected += len(checked.rejected_rows)
            report.rejections += checked.rejections
            report.warnings += checked.warnings
            rejected_parts.append(checked.rejected_rows)
            yield checked.frame.drop(columns="row")
            if progress:
                progress(opened.name, int(chunk.index[-1]) if len(chunk) else 0, 0)

    if kind in ACTIVITY_TABLES:  # rows that only refer to what the database holds: written in bulk
        with engine.connect() as conn:
            refs = References(*fetch_references(conn))
        with activity_writer(engine, kind) as write:
            for frame in checked_chunks(refs):
                write(frame)
    else:
        with engine.begin() as conn:
            write = {"areas": write_areas, "stations": write_stations, "members": write_members}[kind]
            for frame in checked_chunks(References(*fetch_references(conn))):
                write(conn, frame)
            bump_data_version(conn)  # with the rows: figures computed before them are known to be stale
    report.rejected_rows = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else None
    return report


def import_files(
    engine: Engine,
    sources: list[Source],
    *,
    thresholds: Thresholds,
    replace_sample: bool = False,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Import ledgers in dependency order (区划, 服务站点, 台账, 联系记录, 驿站服务记录, 志愿服务记录).

    Files that cannot be read, or whose kind cannot be told, are reported and skipped. Raises
    SyntheticDataError on a database holding the sample, unless `replace_sample` drops it first.
    """
    with engine.connect() as conn:
        kind = fetch_meta(conn).get("data_kind")
    if kind == "synthetic":
        if not replace_sample:
            raise SyntheticDataError
        clear_data(engine)
    reports: list[FileReport] = []
    opened: list[LedgerFile] = []
    for name, source in sources:
        try:
            opened.append(open_ledger(source, name))
        except LedgerFileError as exc:
            reports.append(FileReport(file=name, error=exc))
    order = [ledger.kind for ledger in LEDGERS]
    for ledger_file in sorted(opened, key=lambda o: order.index(o.ledger.kind)):
        try:
            reports.append(_import_one(engine, ledger_file, progress))
        except LedgerFileError as exc:
            reports.append(FileReport(file=ledger_file.name, ledger=ledger_file.ledger.kind, error=exc))
    if any(r.error is None for r in reports):
        with engine.begin() as conn:
            write_meta(conn, {"data_kind": "real"})  # each file bumped data_version with its rows
        refresh_from_database(engine, thresholds=thresholds, progress=progress)
    return reports
