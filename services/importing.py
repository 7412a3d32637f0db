"""Import ledger files: read and check them (ledgers/), write each file in one transaction, refresh figures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from data_access.engine import Engine
from data_access.history import (
    fetch_import_changes,
    fetch_roster_missing,
    insert_created_members,
    insert_member_changes,
    mark_members,
    record_import,
)
from data_access.importing import (
    Written,
    activity_writer,
    fetch_references,
    write_areas,
    write_members,
    write_stations,
)
from data_access.loading import bump_data_version, clear_data, write_meta
from data_access.lookups import fetch_meta, has_areas
from data_access.reconcile import write_external_list
from data_access.schema import ACTIVITY_TABLES
from ledgers.formats import LEDGERS, MEMBERS
from ledgers.reading import LedgerFile, LedgerFileError, open_ledgers
from ledgers.validation import Checked, References, Rejection, Repeat, SeenKeys, check_chunk, normalise_phone
from metrics import columns as c
from metrics.changes import split_changes, status_flows
from metrics.periods import now_in_china
from metrics.thresholds import Thresholds
from services.accounts import NewAccount
from services.refresh import Touched, refresh_from_database
from services.report import figures_fresh

log = logging.getLogger(__name__)

Source = tuple[str, str | Path | BinaryIO | bytes]  # (file name, path or content)
Progress = Callable[[str, int, int], None]
NOT_LISTED_STATUSES = tuple(status for status in c.STATUSES if status != c.STATUS_ACTIVE)  # for 不在本次台账
UNDATED_LEDGERS = ("areas", "stations", "members")  # what they change holds for every week
PHONE_HEADER = next(column.header for column in MEMBERS.columns if column.field == "phone")


class SyntheticDataError(Exception):
    """The database holds the synthetic city; real ledgers must not mix with it."""


class ImportRefusedError(Exception):
    """The batch was refused before anything changed; `code` says why (the UI and CLI word it in Chinese).

    "admin_needed": replacing the sample needs the first real administrator, created as the demo accounts go.
    "areas_needed": the database would have no areas and the batch has no 区划 ledger, so every other row
    would be rejected as 找不到社区. `files` reports the files that could not be read.
    """

    def __init__(self, code: str, files: list[FileReport] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.files = files or []


@dataclass
class FileReport:
    """What became of one file (or one sheet of a workbook): every row read is accepted, rejected or a repeat."""

    file: str
    ledger: str | None = None  # the ledger's kind, None when it could not be told
    rows: int = 0  # rows read, blank lines aside
    accepted: int = 0
    new: int = 0  # of the accepted: not in the database before
    updated: int = 0  # of the accepted: known, and changed by the file
    rejected: int = 0
    repeated: int = 0
    unfilled: int = 0  # of the rejected: 联系记录 rows nobody filled in (联系日期 and 联系方 blank), a list's to-do
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # a header as written -> the column it was read as
    ignored: list[str] = field(default_factory=list)  # headers that name no column of the ledger, left aside
    error: LedgerFileError | None = None
    skipped: bool = False  # a sheet that holds no ledger (a workbook's 说明)
    rejected_rows: pd.DataFrame | None = None
    import_id: int | None = None  # its row in the import history
    complete: bool = False  # a members ledger read as the complete roster of the communities it names
    # For a complete roster: the active members of its communities it does not list (不在本次台账), unmasked
    missing: pd.DataFrame | None = None

    @property
    def unchanged(self) -> int:
        return self.accepted - self.new - self.updated

    def as_json(self) -> dict:
        error = None if self.error is None else {"code": self.error.code, "detail": self.error.detail}
        return {
            "file": self.file,
            "ledger": self.ledger,
            "rows": self.rows,
            "accepted": self.accepted,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "repeated": self.repeated,
            "unfilled": self.unfilled,
            "rejections": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections],
            "repeats": [{"row": r.row, "same_as": r.same_as} for r in self.repeats],
            "warnings": [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.warnings],
            "columns_read_as": self.renamed,
            "columns_ignored": self.ignored,
            "skipped": self.skipped,
            "error": error,
            "import_id": self.import_id,
            "complete": self.complete,
            "missing": None if self.missing is None else len(self.missing),
        }

    def history_row(self, *, account: str | None, at: datetime) -> dict:
        """Its row in the import history (data_access.history.record_import)."""
        counts = {name: getattr(self, name) for name in ("rows", "accepted", "new", "updated", "rejected", "repeated")}
        error = None if self.error is None else self.error.code
        return dict(at=at, account=account, file=self.file, ledger=self.ledger, complete=self.complete, error=error,
                    **counts)  # fmt: skip


@dataclass(frozen=True)
class Importer:
    """Who imports, and when: the history records them, and no date of a file may be after `today`."""

    account: str | None  # the signed-in account; None for the command line
    at: datetime  # local time, Asia/Shanghai

    @property
    def today(self) -> date:
        return self.at.date()


def _present_phones(frame: pd.DataFrame, rejected: pd.DataFrame) -> set[str]:
    """The phones a members file names: its accepted rows' and its rejected rows' (a row rejected for a bad date
    still says the member is on the roster)."""
    phones = set(frame["phone"].dropna())
    if PHONE_HEADER in rejected.columns:
        phones |= set(normalise_phone(rejected[PHONE_HEADER])[0].dropna())
    return phones


def _import_one(
    engine: Engine,
    opened: LedgerFile,
    progress: Progress | None,
    importer: Importer,
    complete: bool,
    touched: Touched | None,
) -> FileReport:
    """One file, one transaction with its history row: if anything fails midway, the database is as before the
    file. With `complete`, a members file is the complete roster of the communities it names: the active members
    of those it does not list are reported (and nobody is changed). An activity file's rows are added to `touched`."""
    kind = opened.ledger.kind
    today = importer.today
    report = FileReport(file=opened.name, ledger=kind, renamed=opened.renamed, ignored=list(opened.ignored),
                        complete=complete and kind == "members")  # fmt: skip
    rejected_parts = []
    present: list[str] = []  # the fields the file has columns for: only those update a known record
    roster_phones: set[str] = set()
    roster_communities: set[int] = set()

    def checked_chunks(refs: References) -> Iterator[pd.DataFrame]:
        seen = SeenKeys()
        for chunk in opened.chunks:
            if not present:
                present.extend(col.field for col in opened.ledger.columns if col.header in chunk.columns)
            checked: Checked = check_chunk(opened.ledger, chunk, refs, seen)
            report.rows += checked.rows
            report.accepted += len(checked.frame)
            report.rejected += len(checked.rejected_rows)
            report.repeated += len(checked.repeats)
            report.unfilled += checked.unfilled
            report.rejections += checked.rejections
            report.warnings += checked.warnings
            report.repeats += checked.repeats
            rejected_parts.append(checked.rejected_rows)
            if report.complete:
                roster_phones.update(_present_phones(checked.frame, checked.rejected_rows))
                roster_communities.update(int(i) for i in checked.frame["community_id"].dropna().unique())
            yield checked.frame.drop(columns="row")
            if progress:
                progress(opened.name, int(chunk.index[-1]) if len(chunk) else 0, 0)

    written = Written()

    def record(conn) -> None:  # a connection in a transaction
        """The file's counts, and its row in the history (in the file's own transaction where there is one)."""
        report.new, report.updated = written.new, written.updated
        report.import_id = record_import(conn, report.history_row(account=importer.account, at=importer.at))

    if kind == "external_items":  # matched as a whole (the communities it covers), never touching members
        with engine.begin() as conn:
            frames = list(checked_chunks(References(*fetch_references(conn), today=today)))
            rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            if len(rows):
                written += write_external_list(conn, rows, file=opened.name, account=importer.account, at=importer.at)
            record(conn)
    elif kind in ACTIVITY_TABLES:  # rows that only refer to what the database holds: written in bulk
        with engine.connect() as conn:
            refs = References(*fetch_references(conn), today=today)
        with activity_writer(engine, kind, written) as write:
            for frame in checked_chunks(refs):
                write(frame)
                if touched is not None:
                    touched.add(kind, frame)
        with engine.begin() as conn:
            record(conn)
    else:
        with engine.begin() as conn:
            write = {"areas": write_areas, "stations": write_stations, "members": write_members}[kind]
            for frame in checked_chunks(References(*fetch_references(conn), today=today)):
                written += write(conn, frame, present)
            record(conn)
            if written.changes:
                changes = pd.concat(written.changes, ignore_index=True)
                insert_member_changes(conn, changes, import_id=report.import_id, changed_on=today)
            if written.created_after is not None:
                insert_created_members(conn, created_after=written.created_after, import_id=report.import_id,
                                       changed_on=today)  # fmt: skip
            if report.complete:
                report.missing = fetch_roster_missing(conn, community_ids=roster_communities, phones=roster_phones)
            if written.new or written.updated:
                bump_data_version(conn)  # with the rows: figures computed before them are known to be stale
                write_meta(conn, {"data_kind": "real"})  # with the rows: the demo city is never built over them
    report.rejected_rows = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else None
    return report


def import_files(
    engine: Engine,
    sources: list[Source],
    *,
    thresholds: Thresholds,
    replace_sample: bool = False,
    admin: NewAccount | None = None,
    progress: Progress | None = None,
    account: str | None = None,
    at: datetime | None = None,
    complete: bool = False,
) -> list[FileReport]:
    """Import ledgers in dependency order (区划, 服务站点, 台账, 联系记录, 驿站服务记录, 志愿服务记录).

    Files that cannot be read, or whose kind cannot be told, are reported and skipped; so are a workbook's
    sheets that hold no ledger. Each file (or sheet) read is recorded in the import history, as imported by
    `account` (None: the command line) at `at` (default: now in Asia/Shanghai); no date may be after that day.
    With `complete`, each members ledger is the complete roster of its communities (see _import_one). Raises
    SyntheticDataError on a database holding the sample, unless `replace_sample` drops it first, which
    needs `admin` (the first real account, written as the demo accounts are deleted). Raises
    ImportRefusedError, before anything changes, for a batch without 区划 when the database would have no areas.
    An outside list (外部名单) is matched against the roster and kept with `account` (the signed-in account's name,
    None for the command line); it never changes members.
    """
    with engine.connect() as conn:
        meta = fetch_meta(conn)
        areas_held = has_areas(conn)
    synthetic = meta.get("data_kind") == "synthetic"
    # Figures fresh before the batch need computing again only where its activity records fall (Touched); a change of
    # areas, stations or members (a status holds for every week) needs every week of every district
    touched = Touched() if figures_fresh(meta) and not synthetic else None
    if synthetic and not replace_sample:
        raise SyntheticDataError
    if synthetic and admin is None:
        raise ImportRefusedError("admin_needed")
    reports: list[FileReport] = []
    opened: list[LedgerFile] = []
    for name, source in sources:
        try:
            contents = open_ledgers(source, name)
        except LedgerFileError as exc:
            reports.append(FileReport(file=name, error=exc))
            continue
        opened += contents.ledgers
        reports += [FileReport(file=sheet, skipped=True) for sheet in contents.skipped_sheets]
    no_areas_after = synthetic or not areas_held
    if no_areas_after and (opened or synthetic) and all(o.ledger.kind != "areas" for o in opened):
        raise ImportRefusedError("areas_needed", reports)
    if synthetic:
        clear_data(engine, admin=admin.values)
    order = [ledger.kind for ledger in LEDGERS]
    importer = Importer(account, at or now_in_china())
    for ledger_file in sorted(opened, key=lambda o: order.index(o.ledger.kind)):  # a stable sort: sheets in order
        try:
            reports.append(_import_one(engine, ledger_file, progress, importer, complete, touched))
            if reports[-1].ledger in UNDATED_LEDGERS and (reports[-1].new or reports[-1].updated):
                touched = None
        except LedgerFileError as exc:
            reports.append(FileReport(file=ledger_file.name, ledger=ledger_file.ledger.kind, error=exc))
    failed = [r for r in reports if r.error is not None]
    if failed:  # read or not, each is in the history; what was imported recorded itself with its rows
        with engine.begin() as conn:
            for report in failed:
                report.import_id = record_import(conn, report.history_row(account=account, at=importer.at))
    if any(r.ledger is not None and r.error is None for r in reports):
        with engine.begin() as conn:
            write_meta(conn, {"data_kind": "real"})
            meta = fetch_meta(conn)
        if not figures_fresh(meta):  # each file that changed anything bumped data_version with its rows
            refresh_from_database(engine, thresholds=thresholds, progress=progress, touched=touched)
    return reports


def mark_not_listed(
    engine: Engine, report: FileReport, member_ids: list[int], status: str, *, thresholds: Thresholds, at: datetime
) -> int:
    """After the clerk confirmed it: the members of a complete roster's 不在本次台账 list (`member_ids`, a part of
    `report.missing`) take `status` (returned, transferred, lost), each change kept under that import, and leave
    `report.missing`; members no longer active are left as they are. Figures are refreshed. How many were marked."""
    if not report.complete or report.missing is None or status not in NOT_LISTED_STATUSES:
        raise ValueError("not a complete roster's list, or not a status for members it leaves out")
    listed = set(report.missing["member_id"])
    with engine.begin() as conn:
        changes = mark_members(conn, [i for i in member_ids if i in listed], status)
        insert_member_changes(conn, changes, import_id=report.import_id, changed_on=at.date())
        if len(changes):
            bump_data_version(conn)
    report.missing = report.missing[~report.missing["member_id"].isin(changes["member_id"])].reset_index(drop=True)
    if len(changes):
        refresh_from_database(engine, thresholds=thresholds)
    log.info("complete roster %s: %d members marked %s", report.import_id, len(changes), status)
    return len(changes)


@dataclass
class ImportChanges:
    """What one members import changed, for its summary: new members, status changes (and their counts by
    old → new), moves between communities; unmasked (callers mask)."""

    new: pd.DataFrame
    status_changed: pd.DataFrame
    moved: pd.DataFrame
    status_flows: pd.DataFrame

    @property
    def any(self) -> bool:
        return not (self.new.empty and self.status_changed.empty and self.moved.empty)


def import_changes(engine: Engine, import_id: int) -> ImportChanges:
    """The changes an import made (members only: other ledgers change no member)."""
    with engine.connect() as conn:
        parts = split_changes(fetch_import_changes(conn, import_id=import_id))
    return ImportChanges(**parts, status_flows=status_flows(parts["status_changed"]))
