"""What an .xlsx says about its size before any reader opens it: its zip directory, and how far its cells reach.

calamine holds a sheet's used range whole, 32 bytes a cell, sized by the cells' own references: a cell at A1
and one at XFD1048576 ask for 512 GiB and the process aborts; openpyxl pads every row to the declared
dimension. So the zip directory is checked first (inflated size, compression ratio), then every part is
inflated in pieces of a few MB and every cell tag's reference looked at, before either reader sees the file.
The declared <dimension> is not trusted: a writer may omit it or lie.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache

from ledgers import limits
from ledgers.errors import LedgerFileError

_PIECE_BYTES = 4 << 20
_MAX_TAG_BYTES = 64 << 10  # a tag is a name and a few attributes; one longer is no spreadsheet's

# A tag whole, its attributes quoted as XML allows (a ">" may stand inside quotes).
_WHOLE_TAG = re.compile(rb"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
# <row ...>, </row>, <c ...>, </c> and their prefixed forms, with the attributes (a trailing "/": self-closing).
_ROW_OR_CELL = re.compile(rb"""<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_POSITION = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"\s*([A-Za-z]*)0*(\d+)\s*")
_CELL_HEAD = re.compile(rb"""<c r="([A-Z]+)(\d+)"((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_RAISES_PER_PIECE = 64  # cells past the reach so far that raise it in place; past that many, walk the piece


def check_workbook(data: bytes, name: str) -> None:
    """Raise LedgerFileError past a limit of ledgers/limits.py: too large inflated, a zip bomb, a sheet whose
    cells reach too many rows, columns or cells; or "unreadable" for a zip Python cannot inflate."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LedgerFileError("unreadable", name, type(exc).__name__) from exc
    total = sum(member.file_size for member in members)
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise LedgerFileError("too_large", name, f"{total / (1 << 20):,.0f}")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= limits.RATIO_CHECKED_FROM_BYTES and ratio > limits.MAX_COMPRESSION_RATIO:
            raise LedgerFileError("zip_bomb", name, f"{ratio:,.0f}")
    cells = 0  # every sheet's range is held at once, so the limit is on their sum
    for member in members:
        try:
            cells += _check_reach(archive, member, name, cells)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise LedgerFileError("unreadable", name, type(exc).__name__) from exc  # a bad CRC, encryption


def _pieces(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The part inflated, a few MB at a time, each piece ending where no tag is cut in two. Python's zipfile
    stops at the directory's size and checks the CRC, so a part that inflates past what it declares fails."""
    carry = b""
    with archive.open(member) as stream:
        while block := stream.read(_PIECE_BYTES):
            piece, carry = carry + block, b""
            cut = piece.rfind(b"<")
            if cut != -1 and not _WHOLE_TAG.match(piece, cut):  # the last tag goes on in the next block
                if len(piece) - cut > _MAX_TAG_BYTES:
                    raise LedgerFileError("unreadable", name, "tag")
                piece, carry = piece[:cut], piece[cut:]
            yield piece
    yield carry


class _NoPositionError(Exception):
    """A cell without its own reference: where it lands depends on every row and cell before it."""


class _Reach:
    """How far a part's cells reach (rows and columns counted from A1), as calamine would place them."""

    def __init__(self, name: str, *, in_order: bool, cells_before: int) -> None:
        self.name = name
        self.cells_before = cells_before  # the workbook's parts read before this one
        self.rows = self.cols = 1
        self.in_order = in_order  # walking every tag from the part's start, so cells without r can be placed
        self.row_index = self.col_index = 0  # calamine's cursor, 0-based

    def add(self, piece: bytes) -> None:
        """Verify quickly that every cell is `<c r="REF"` within the reach so far, raised first to the piece's
        last cell (its last row, in a sheet written in order as writers do). A plain cell past it raises it
        (the first row's cells give the columns); anything else, or too many, and the piece is walked."""
        if not self.in_order:
            self.rows = max(self.rows, _last_cell_row(piece))
            at = 0
            for _ in range(_RAISES_PER_PIECE):
                found = _outside(self.rows, self.cols).search(piece, at)
                if found is None:
                    if _PREFIXED_CELL.search(piece) is None:
                        return
                    break
                head = _CELL_HEAD.match(piece, found.start())
                if head is None:
                    break
                if not head[3].endswith(b"/"):  # calamine skips a self-closing cell: it holds nothing
                    self.rows, self.cols = max(self.rows, int(head[2])), max(self.cols, _column_number(head[1]))
                    self.check()
                at = found.end()
        self.walk(piece)

    def walk(self, piece: bytes) -> None:
        for close, kind, attributes in _ROW_OR_CELL.findall(piece):
            self_closing = attributes.endswith(b"/")
            if kind == b"row":
                if close:
                    self.row_index, self.col_index = self.row_index + 1, 0
                elif not self_closing and (position := _position(attributes)):
                    self.row_index = position[0]
                continue
            if close or self_closing:  # calamine skips a self-closing cell: it holds nothing
                continue
            position = _position(attributes)
            if position is None and not self.in_order:
                raise _NoPositionError
            row, col = position or (self.row_index, self.col_index)
            self.col_index = col + 1
            self.rows, self.cols = max(self.rows, row + 1), max(self.cols, col + 1)

    def check(self) -> None:
        if self.rows > limits.MAX_SHEET_ROWS:
            raise LedgerFileError("too_many_rows", self.name, f"{self.rows:,}")
        if self.cols > limits.MAX_COLUMNS:
            raise LedgerFileError("too_many_columns", self.name, f"{self.cols:,}")
        if self.cells_before + self.cells > limits.MAX_CELLS:
            raise LedgerFileError("too_many_cells", self.name, f"{self.cells_before + self.cells:,}")

    @property
    def cells(self) -> int:
        """The cells of the used range, counted from A1; none for a part without cells."""
        return self.rows * self.cols if self.rows * self.cols > 1 else 0


def _check_reach(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, cells_before: int) -> int:
    """The cells of the part's used range. Every part is read, not only those named like sheets: the
    workbook's relationships say which parts are sheets, and a crafted file may say anything."""
    try:
        reach = _Reach(name, in_order=False, cells_before=cells_before)
        for piece in _pieces(archive, member, name):
            reach.add(piece)
            reach.check()
    except _NoPositionError:  # rare: some writers leave r out; place every cell from the part's start
        reach = _Reach(name, in_order=True, cells_before=cells_before)
        for piece in _pieces(archive, member, name):
            reach.walk(piece)
            reach.check()
    return reach.cells


def _position(attributes: bytes) -> tuple[int, int] | None:
    """A tag's r attribute as (row, column), 0-based; None without one (or one no reader could parse)."""
    found = _POSITION.search(attributes)
    reference = _REFERENCE.fullmatch(found[1] if found[1] is not None else found[2]) if found else None
    if reference is None:
        return None
    return int(reference[2]) - 1, max(_column_number(reference[1]) - 1, 0)


def _column_number(letters: bytes) -> int:
    """A1-style column letters as a number from 1 (A), 0 for none."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _last_cell_row(piece: bytes) -> int:
    """The row of the piece's last cell that holds something (0 if not found soon): in a sheet written in
    order, as writers do, the piece's last row."""
    end = len(piece)
    for _ in range(64):
        at = piece.rfind(b'<c r="', 0, end)
        head = _CELL_HEAD.match(piece, at) if at != -1 else None
        if head and not head[3].endswith(b"/"):
            return int(head[2])
        if at == -1:
            return 0
        end = at
    return 0


@lru_cache(maxsize=64)
def _outside(rows: int, cols: int) -> re.Pattern[bytes]:
    """A cell tag that is not `<c r="REF"` with REF within `cols` columns and `rows` rows: found, the piece is
    walked tag by tag. The reference is checked by the pattern itself, so a sheet in order costs one search."""
    letters = ""
    while cols:
        cols, rest = divmod(cols - 1, 26)
        letters = chr(ord("A") + rest) + letters
    columns = _at_most(letters, first="A", low="A", high="Z")
    numbers = _at_most(str(rows), first="1", low="0", high="9")
    return re.compile(rb'<c(?=[\s>/])(?!\sr="' + columns + numbers + rb'")')


def _at_most(limit: str, *, first: str, low: str, high: str) -> bytes:
    """A pattern for the numerals up to `limit` whose digits run `low`..`high` and whose first digit is at
    least `first`: decimal row numbers (no leading zero), or column letters (A..Z, A is no zero)."""
    options = [f"[{first}-{high}][{low}-{high}]{{0,{len(limit) - 2}}}"] if len(limit) > 1 else []
    for at, digit in enumerate(limit):
        smallest = first if at == 0 else low
        if digit > smallest:
            rest = f"[{low}-{high}]{{{len(limit) - at - 1}}}"
            options.append(f"{limit[:at]}[{smallest}-{chr(ord(digit) - 1)}]{rest}")
    options.append(limit)
    return ("(?:" + "|".join(options) + ")").encode()
