"""Reading ledger files: CSV (UTF-8 with or without BOM, GBK/GB18030) or .xlsx, in chunks, as raw cells.

Cells stay as read (text, numbers, Excel dates); validation.py turns them into values. Each chunk's
index is the row number a person sees in Excel (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ledgers.formats import LEDGERS, Ledger

CHUNK_ROWS = 200_000
ARROW_BLOCK_BYTES = 16 << 20  # about 300,000 contact rows a chunk
_SNIFF_BYTES = 1 << 20

log = logging.getLogger(__name__)


class LedgerFileError(Exception):
    """A file that cannot be read, or whose kind cannot be told. `expected` lists the known header sets."""

    def __init__(self, code: str, name: str, detail: str = "") -> None:
        super().__init__(f"{name}: {code} {detail}".strip())
        self.code = code  # unreadable | unknown_kind | empty
        self.name = name
        self.detail = detail


@dataclass(frozen=True)
class LedgerFile:
    name: str
    ledger: Ledger
    chunks: Iterator[pd.DataFrame]


def clean_header(text: object) -> str:
    return str(text).replace("\ufeff", "").replace("*", "").replace("＊", "").strip()


def detect_ledger(headers: list[str]) -> Ledger | None:
    """The ledger whose required headers all appear, preferring the one that matches most headers."""
    present = set(headers)
    fitting = [ledger for ledger in LEDGERS if set(ledger.required_headers) <= present]
    return max(fitting, key=lambda ledger: len(present & set(ledger.headers)), default=None)


def _csv_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when the start decodes as UTF-8, else GB18030 (a superset of GBK)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _frames_from_rows(rows: list[list[object]], name: str) -> tuple[list[str], Iterator[pd.DataFrame]]:
    if not rows:
        raise LedgerFileError("empty", name)
    headers = [clean_header(h) for h in rows[0]]
    body = rows[1:]

    def chunks() -> Iterator[pd.DataFrame]:
        for start in range(0, max(len(body), 1), CHUNK_ROWS):
            part = body[start : start + CHUNK_ROWS]
            frame = pd.DataFrame(part, columns=headers, dtype=object) if part else pd.DataFrame(columns=headers)
            frame.index = pd.RangeIndex(start + 2, start + 2 + len(frame))
            yield frame

    return headers, chunks()


def _read_xlsx(data: bytes, name: str) -> tuple[list[str], Iterator[pd.DataFrame]]:
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [
            workbook.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(workbook.sheet_names))
        ]
    except Exception:  # noqa: BLE001 - calamine rejects some valid files; openpyxl is the fallback
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]
        except Exception as exc:  # noqa: BLE001 - any failure means the file cannot be read
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
    for rows in sheets:  # the first sheet with a ledger's headers (templates carry a 说明 sheet too)
        if rows and detect_ledger([clean_header(h) for h in rows[0] if h is not None]):
            return _frames_from_rows(rows, name)
    return _frames_from_rows(sheets[0] if sheets else [], name)


def _read_csv_arrow(source: Path | io.BytesIO, head: bytes, encoding: str) -> tuple[list[str], Iterator[pd.DataFrame]]:
    """Arrow's CSV reader: C++ speed, and Arrow strings that the checks work on without Python objects.

    Every cell is read as text. Raises pyarrow.ArrowInvalid if any row does not fit (say, a short row),
    found by a first pass before anything is returned: pandas' reader, more forgiving, takes over then.
    """
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="replace")
    headers = [clean_header(h) for h in next(csv.reader([first_line]))]
    names = [f"c{i}" for i in range(len(headers))]
    options = {
        "read_options": pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8-sig" else encoding,  # Arrow skips a UTF-8 BOM itself
            skip_rows=1,
            column_names=names,
            block_size=ARROW_BLOCK_BYTES,
        ),
        "convert_options": pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    }

    def batches() -> Iterator[pa.RecordBatch]:
        with pacsv.open_csv(source if isinstance(source, Path) else io.BytesIO(source.getvalue()), **options) as reader:
            yield from reader

    for _ in batches():  # the first pass: every row must parse
        pass

    def chunks() -> Iterator[pd.DataFrame]:
        offset = 2
        for batch in batches():
            frame = batch.to_pandas().set_axis(headers, axis=1)
            frame.index = pd.RangeIndex(offset, offset + len(frame))
            offset += len(frame)
            yield frame

    return headers, chunks()


def _read_csv(source: Path | io.BytesIO, head: bytes, name: str) -> tuple[list[str], Iterator[pd.DataFrame]]:
    encoding = _csv_encoding(head)
    try:
        return _read_csv_arrow(source, head, encoding)
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        log.info("%s: not read by Arrow's CSV reader, reading with pandas", name)
    try:
        reader = pd.read_csv(
            source, dtype=str, keep_default_na=False, encoding=encoding, chunksize=CHUNK_ROWS, skipinitialspace=True
        )
        first = next(reader, None)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
    if first is None:
        raise LedgerFileError("empty", name)
    headers = [clean_header(h) for h in first.columns]

    def chunks() -> Iterator[pd.DataFrame]:
        offset = 2
        for frame in _chain(first, reader):
            frame = frame.set_axis(headers, axis=1)
            frame.index = pd.RangeIndex(offset, offset + len(frame))
            offset += len(frame)
            yield frame

    return headers, chunks()


def _chain(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield first
    try:
        yield from rest
    except UnicodeDecodeError as exc:
        raise LedgerFileError("unreadable", "", "mixed encodings") from exc


def open_ledger(source: str | Path | BinaryIO | bytes, name: str | None = None) -> LedgerFile:
    """Open a ledger file and tell its kind from the header row; raises LedgerFileError."""
    if isinstance(source, (str, Path)):  # read a CSV from disk in chunks, never whole
        path, name = Path(source), name or Path(source).name
        try:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
        except OSError as exc:
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
        is_xlsx = head[:4] == b"PK\x03\x04"  # a zip: .xlsx whatever its name says
        headers, chunks = _read_xlsx(path.read_bytes(), name) if is_xlsx else _read_csv(path, head, name)
    else:
        data = source if isinstance(source, bytes) else source.read()
        name = name or "upload"
        is_xlsx = data[:4] == b"PK\x03\x04"
        headers, chunks = _read_xlsx(data, name) if is_xlsx else _read_csv(io.BytesIO(data), data[:_SNIFF_BYTES], name)
    ledger = detect_ledger(headers)
    if ledger is None:
        raise LedgerFileError("unknown_kind", name, "、".join(h for h in headers if h))
    return LedgerFile(name=name, ledger=ledger, chunks=chunks)
