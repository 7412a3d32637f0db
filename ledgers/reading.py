"""Reading ledger files: CSV (UTF-8 with or without BOM, GBK/GB18030) or .xlsx, in chunks, as raw cells.

Cells stay as read (text, numbers, Excel dates); validation.py turns them into values. Each chunk's
index is the row number a person sees in Excel. The header row is found among the first rows (a title
above it is common) and its cells are read as the ledger's columns, spellings clerks use included.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ledgers import limits
from ledgers.archive import check_workbook
from ledgers.errors import LedgerFileError
from ledgers.formats import LEDGERS, REPORT_HEADERS, Ledger

CHUNK_ROWS = 200_000
_SNIFF_BYTES = 1 << 20
HEADER_SEARCH_ROWS = 10  # a title, a date line and a blank row may stand above the header
SHEET_MARK = " › "  # file › sheet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LedgerFile:
    name: str  # the file's name, or "file › sheet" for one sheet of a workbook
    ledger: Ledger
    chunks: Iterator[pd.DataFrame]  # columns named by the ledger's headers; index: the row number in Excel
    renamed: dict[str, str] = field(default_factory=dict)  # a header as written -> the column it was read as
    ignored: tuple[str, ...] = ()  # headers that name no column of the ledger (a list's 姓名): read past, not refused


@dataclass(frozen=True)
class OpenedFile:
    """What a file holds: its ledgers (a workbook may have one per sheet) and the sheets that are none."""

    ledgers: list[LedgerFile]
    skipped_sheets: list[str]


_FULL_WIDTH_BRACKETS = str.maketrans("（）【】［］", "()[][]")


def clean_header(text: object) -> str:
    """A header cell as compared: no BOM, no required-marks (*), half-width brackets, no spaces."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    cleaned = str(text).replace("\ufeff", "").translate(_FULL_WIDTH_BRACKETS)
    return re.sub(r"[\s\u3000*＊]+", "", cleaned)


def _spellings(ledger: Ledger) -> dict[str, str]:
    """Every cleaned spelling of each of the ledger's headers -> the header."""
    return {clean_header(name): col.header for col in ledger.columns for name in (col.header, *col.aliases)}


def read_headers(ledger: Ledger, headers: list[str]) -> tuple[list[str], dict[str, str]]:
    """The headers as the ledger's columns (others as they are), and which were read as which column."""
    spellings = _spellings(ledger)
    canonical = [spellings.get(clean_header(h), clean_header(h)) for h in headers]
    renamed = {str(h).strip(): c for h, c in zip(headers, canonical, strict=True) if h and c in spellings.values()}
    return canonical, {h: c for h, c in renamed.items() if clean_header(h) != c}


def detect_ledger(headers: list[str]) -> Ledger | None:
    """The ledger whose required headers all appear, preferring the one that matches most headers."""
    fitting = []
    for ledger in LEDGERS:
        present = set(read_headers(ledger, headers)[0])
        if set(ledger.required_headers) <= present:
            fitting.append((len(present & set(ledger.headers)), ledger))
    return max(fitting, key=lambda pair: pair[0], default=(0, None))[1]


def near_misses(headers: list[str]) -> list[str]:
    """For a header row that names no ledger: each required column missing, with the written header that
    probably meant it ("手机好 → 手机号"), from the ledger the row comes closest to."""
    cleaned = [clean_header(h) for h in headers if clean_header(h)]
    guesses = []
    for ledger in LEDGERS:
        spellings = _spellings(ledger)
        missing = [h for h in ledger.required_headers if h not in {spellings.get(x) for x in cleaned}]
        found = [(h, difflib.get_close_matches(h, cleaned, n=1, cutoff=0.6)) for h in missing]
        guesses.append((sum(bool(m) for _, m in found) - len(missing), [f"{m[0]} → {h}" for h, m in found if m]))
    best = max(guesses, key=lambda pair: pair[0])
    return best[1]


def _header_row(rows: list[list[object]]) -> int | None:
    """The index of the first of the top rows that names a ledger."""
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if detect_ledger([clean_header(h) for h in row]):
            return number
    return None


def _check_headers(row: list[object], name: str, columns_with_data: set[int]) -> None:
    """A blank header over data, a repeated one or a formula is refused."""
    headers = [clean_header(h) for h in row]
    for position, (cell, header) in enumerate(zip(row, headers, strict=True), start=1):
        if isinstance(cell, str) and cell.strip().startswith("="):
            raise LedgerFileError("formula_header", name, cell.strip())
        if not header and position - 1 in columns_with_data:
            raise LedgerFileError("blank_header", name, str(position))
    ledger = detect_ledger(headers)
    canonical = read_headers(ledger, headers)[0] if ledger else headers
    repeated = sorted({h for h in canonical if h and canonical.count(h) > 1})
    if repeated:
        raise LedgerFileError("duplicate_header", name, "、".join(repeated))


def _unknown_kind(rows: list[list[object]], name: str) -> LedgerFileError:
    first = next((row for row in rows[:HEADER_SEARCH_ROWS] if any(clean_header(h) for h in row)), [])
    headers = [clean_header(h) for h in first if clean_header(h)]
    hint = near_misses(headers)
    return LedgerFileError("unknown_kind", name, "、".join(headers) + ("｜" + "；".join(hint) if hint else ""))


def _ledger_file(name: str, headers: list[object], chunks: Iterator[pd.DataFrame]) -> LedgerFile:
    """The ledger of a header row (its cells as written) over its chunks, named by the ledger's headers."""
    ledger = detect_ledger([clean_header(h) for h in headers])
    canonical, renamed = read_headers(ledger, headers)
    unnamed = iter(range(1, len(canonical) + 1))
    names = [h or f"列{next(unnamed)}" for h in canonical]  # blank headers over empty columns

    def renamed_chunks() -> Iterator[pd.DataFrame]:
        for chunk in chunks:
            frame = chunk.set_axis(names, axis=1)
            yield frame.drop(columns=[n for n in names if n in REPORT_HEADERS or n.startswith("列")], errors="ignore")

    ignored = tuple(n for n in names if n not in ledger.headers and n not in REPORT_HEADERS and not n.startswith("列"))
    return LedgerFile(name=name, ledger=ledger, chunks=renamed_chunks(), renamed=renamed, ignored=ignored)


def _csv_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when the first line with non-ASCII bytes, the Chinese header, decodes as UTF-8, else
    GB18030 (a superset of GBK). The header decides, so a later line in another encoding is that line's problem:
    its undecodable bytes become U+FFFD and the check rejects the row, saying why."""
    line = next((line for line in head.splitlines() if not line.isascii()), b"")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(line, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


@dataclass(frozen=True)
class _Sheet:
    title: str
    rows: Callable[[], Iterator[list[object]]]  # every row from Excel's row 1, read afresh at each call


def _calamine_rows(sheet: object) -> Callable[[], Iterator[list[object]]]:
    """The sheet's rows one at a time, from Excel's row 1 and column A: python-calamine's iter_rows gives
    the rows above the first cell used as blanks, but starts each row at the first column used."""
    left = sheet.start[1] if sheet.start else 0

    def rows() -> Iterator[list[object]]:
        for row in sheet.iter_rows():
            yield [""] * left + row if left else row

    return rows


def _open_sheets(data: bytes, name: str) -> list[_Sheet]:
    """The workbook's sheets, by calamine, or by openpyxl where calamine refuses a valid file. Only after
    check_workbook: both hold what a sheet's cells span."""
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [_Sheet(title, _calamine_rows(workbook.get_sheet_by_name(title))) for title in workbook.sheet_names]
    except Exception:  # noqa: BLE001 - calamine rejects some valid files; openpyxl is the fallback
        try:
            from openpyxl import load_workbook

            tables = {}
            for sheet in load_workbook(io.BytesIO(data), read_only=True, data_only=True):
                sheet.reset_dimensions()  # each row as written, not padded to the declared dimension
                tables[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # noqa: BLE001 - any failure means the file cannot be read
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
        return [_Sheet(title, rows.__iter__) for title, rows in tables.items()]


def _has_data(cell: object) -> bool:
    return cell is not None and bool(str(cell).strip())


def _columns_with_data(rows: list[list[object]]) -> set[int]:
    return {i for row in rows for i, cell in enumerate(row) if _has_data(cell)}


def _shape(header: list[object], rows: Iterable[list[object]]) -> tuple[int, set[int]]:
    """The widest row's width, and the columns without a header that hold data, in one pass over the rows."""
    unnamed = {i for i, cell in enumerate(header) if not clean_header(cell)}
    width, filled = len(header), set()
    for row in rows:
        if len(row) > width:
            unnamed.update(range(width, len(row)))
            width = len(row)
        found = {i for i in unnamed if i < len(row) and _has_data(row[i])}
        if found:
            filled |= found
            unnamed -= found
    return width, filled


def _sheet_frames(sheet: _Sheet, header_at: int, width: int) -> Iterator[pd.DataFrame]:
    """The rows under the header, CHUNK_ROWS at a time, each frame indexed by Excel's row numbers."""
    rows = itertools.islice(sheet.rows(), header_at + 1, None)
    first_row = header_at + 2  # Excel's row number of the first row under the header
    while part := [list(row[:width]) + [None] * (width - len(row)) for row in itertools.islice(rows, CHUNK_ROWS)]:
        frame = pd.DataFrame(part, columns=range(width), dtype=object)
        frame.index = pd.RangeIndex(first_row, first_row + len(frame))
        first_row += len(frame)
        yield frame
    if first_row == header_at + 2:  # a header over nothing: one empty frame
        frame = pd.DataFrame(columns=range(width))
        frame.index = pd.RangeIndex(first_row, first_row)
        yield frame


def _read_xlsx(data: bytes, name: str) -> OpenedFile:
    check_workbook(data, name)
    sheets = _open_sheets(data, name)
    ledgers, skipped, tops = [], [], []
    for sheet in sheets:
        label = f"{name}{SHEET_MARK}{sheet.title}" if len(sheets) > 1 else name
        rows = sheet.rows()
        top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        tops.append(top)
        header_at = _header_row(top)
        if header_at is None:
            skipped.append(label)
            continue
        width, filled = _shape(top[header_at], itertools.chain(top[header_at + 1 :], rows))
        header = list(top[header_at]) + [None] * (width - len(top[header_at]))
        _check_headers(header, label, filled)
        ledgers.append(_ledger_file(label, header, _sheet_frames(sheet, header_at, width)))
    if not ledgers:
        if not any(_has_data(cell) for sheet in sheets for row in sheet.rows() for cell in row):
            raise LedgerFileError("empty", name)
        raise _unknown_kind(next(top for top in tops if top), name)
    return OpenedFile(ledgers, skipped)


def _top_rows(head: bytes, encoding: str) -> list[list[str]]:
    lines = head.decode(encoding, errors="replace").splitlines()[: HEADER_SEARCH_ROWS + 1]
    return [row for row in csv.reader(lines[:HEADER_SEARCH_ROWS])] if lines else []


def _too_many_rows(last_row: int, name: str) -> None:
    if last_row > limits.MAX_CSV_ROWS:
        raise LedgerFileError("too_many_rows", name, f"{last_row:,}")


def _read_csv_arrow(
    source: Path | io.BytesIO, encoding: str, skip: int, width: int, name: str
) -> Iterator[pd.DataFrame]:
    """Arrow's CSV reader: C++ speed, and Arrow strings that the checks work on without Python objects.

    Every cell is read as text. Raises pyarrow.ArrowInvalid if any row does not fit (a short row, a blank line,
    bytes that are not UTF-8, a line longer than a block), found by a first pass before anything is returned:
    pandas' reader, more forgiving, takes over then. The first pass also counts the rows against the limit.
    """
    names = [f"c{i}" for i in range(width)]
    options = {
        "read_options": pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8-sig" else encoding,  # Arrow skips a UTF-8 BOM itself
            skip_rows=skip,
            column_names=names,
            block_size=limits.MAX_LINE_BYTES,  # about 300,000 contact rows a chunk
        ),
        "parse_options": pacsv.ParseOptions(ignore_empty_lines=False),  # row numbers stay those of Excel
        "convert_options": pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    }

    def batches() -> Iterator[pa.RecordBatch]:
        with pacsv.open_csv(source if isinstance(source, Path) else io.BytesIO(source.getvalue()), **options) as reader:
            yield from reader

    last_row = skip
    for batch in batches():  # the first pass: every row must parse
        last_row += batch.num_rows
        _too_many_rows(last_row, name)

    def chunks() -> Iterator[pd.DataFrame]:
        offset = skip + 1
        for batch in batches():
            frame = batch.to_pandas().set_axis(range(width), axis=1)
            frame.index = pd.RangeIndex(offset, offset + len(frame))
            offset += len(frame)
            yield frame

    return chunks()


def _read_csv_pandas(
    source: Path | io.BytesIO, encoding: str, skip: int, width: int, name: str
) -> Iterator[pd.DataFrame]:
    """pandas' reader: short rows padded, blank lines kept (as blank rows, skipped later), undecodable bytes
    replaced by U+FFFD so that the check names the rows they are in. Past the row limit, the chunk that
    crosses it raises LedgerFileError."""
    if isinstance(source, io.BytesIO):
        source.seek(0)
    reader = pd.read_csv(
        source,
        dtype=str,
        keep_default_na=False,
        encoding=encoding,
        encoding_errors="replace",
        chunksize=CHUNK_ROWS,
        skipinitialspace=True,
        skiprows=skip,
        header=None,
        names=range(width),
        skip_blank_lines=False,
        index_col=False,
        on_bad_lines="warn",
    )
    offset = skip + 1
    for frame in reader:
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        _too_many_rows(offset - 1, name)
        yield frame


def _read_csv(source: Path | io.BytesIO, head: bytes, name: str) -> OpenedFile:
    encoding = _csv_encoding(head)
    try:
        rows = _top_rows(head, encoding)
    except csv.Error as exc:  # a field past the csv module's 128 KB among the top rows
        raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
    widest = max((len(row) for row in rows), default=0)
    if widest > limits.MAX_COLUMNS:  # before the header checks and the parsers, which go by columns
        raise LedgerFileError("too_many_columns", name, f"{widest:,}")
    if not any(any(clean_header(cell) for cell in row) for row in rows):
        raise LedgerFileError("empty", name)
    header_at = _header_row(rows)
    if header_at is None:
        raise _unknown_kind(rows, name)
    preview = rows[header_at + 1 :]
    headers = rows[header_at]
    _check_headers(headers, name, _columns_with_data(preview))
    skip, width = header_at + 1, len(headers)
    try:
        chunks = _read_csv_arrow(source, encoding, skip, width, name)
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration) as exc:
        if "straddl" in str(exc):  # Arrow's words for a line longer than its block
            raise LedgerFileError("line_too_long", name) from exc
        log.info("%s: not read by Arrow's CSV reader, reading with pandas", name)
        try:
            chunks = _read_csv_pandas(source, encoding, skip, width, name)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
    return OpenedFile([_ledger_file(name, headers, chunks)], [])


def open_ledgers(source: str | Path | BinaryIO | bytes, name: str | None = None) -> OpenedFile:
    """Open a ledger file: every sheet of a workbook whose header row names a ledger; raises LedgerFileError."""
    if isinstance(source, (str, Path)):  # read a CSV from disk in chunks, never whole
        path, name = Path(source), name or Path(source).name
        try:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
        except OSError as exc:
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
        if head[:4] == b"PK\x03\x04":  # a zip: .xlsx whatever its name says
            return _read_xlsx(path.read_bytes(), name)
        return _read_csv(path, head, name)
    data = source if isinstance(source, bytes) else source.read()
    name = name or "upload"
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name)
    return _read_csv(io.BytesIO(data), data[:_SNIFF_BYTES], name)


def open_ledger(source: str | Path | BinaryIO | bytes, name: str | None = None) -> LedgerFile:
    """The file's first ledger (see open_ledgers)."""
    return open_ledgers(source, name).ledgers[0]
