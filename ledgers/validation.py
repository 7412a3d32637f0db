"""Checking ledger rows: raw cells in, clean values and reasons out. Pure: what the database already
holds comes in as `References`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from ledgers import formats as f
from ledgers.formats import Column, Ledger
from metrics import columns as c

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／：．　", "0123456789-/:. ")
_FULL_WIDTH_CHARACTERS = "[０-９－／：．　]"
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_DATE = r"(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?|(?P<m8>\d{2})(?P<d8>\d{2}))"
_TIME = r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
# An apostrophe that an export put in front (formats.QUOTED_START): Arrow's regular expressions, no look-ahead.
_QUOTED = "^'([" + f.QUOTED_START.replace("-", "\\-").replace("\t", "\\t").replace("\r", "\\r") + "])"
_RANGES = {"lon": (73.0, 136.0), "lat": (3.0, 54.0), "hours": (0.0, 24.0)}


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    reason: str


@dataclass
class References:
    """What rows may refer to: communities by path, their names, stations by name, members by phone."""

    community_ids: dict[str, int] = field(default_factory=dict)  # 区/街道/社区 -> id
    station_ids: dict[str, int] = field(default_factory=dict)
    member_ids: dict[str, int] = field(default_factory=dict)
    today: date | None = None  # no date may be later (Asia/Shanghai); None checks no upper bound

    def __post_init__(self) -> None:
        # A Series keeps its index's hash table between chunks; a dict is made into a new Series at every map.
        self.member_series = pd.Series(self.member_ids, dtype="float64")
        self.paths_by_name: dict[str, list[str]] = {}
        for path in self.community_ids:
            self.paths_by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)


@dataclass(frozen=True)
class Repeat:
    row: int
    same_as: int  # the earlier row of the file with the same key, the one that counts


class SeenKeys:
    """The keys of a file's rows so far, as 64-bit hashes kept sorted, with the row each first appeared on.

    Sorted arrays instead of a dict: a city's 4.4 M contacts take 70 MB, not half a gigabyte of Python objects.
    """

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def first_rows(self, hashes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each row, the earlier row with the same key, or -1 for a first; the firsts are remembered.

        The chunk is sorted by hash first: its repeats then stand next to their first (a stable sort keeps the
        rows' order), and the look-up in the sorted earlier keys walks both in order."""
        order = np.argsort(hashes, kind="stable")
        sorted_hashes, sorted_rows = hashes[order], rows[order]
        firsts = np.ones(len(order), dtype=bool)
        firsts[1:] = sorted_hashes[1:] != sorted_hashes[:-1]
        first_of_run = np.maximum.accumulate(np.where(firsts, np.arange(len(order)), 0))
        same_as = np.where(firsts, -1, sorted_rows[first_of_run])
        if len(self.hashes) and len(order):
            at = np.searchsorted(self.hashes, sorted_hashes).clip(max=len(self.hashes) - 1)
            known = self.hashes[at] == sorted_hashes
            same_as[known] = self.rows[at[known]]
            firsts &= ~known
        merged = np.concatenate([self.hashes, sorted_hashes[firsts]])
        merge = np.argsort(merged, kind="stable")  # two sorted runs: merged in linear time
        self.hashes = merged[merge]
        self.rows = np.concatenate([self.rows, sorted_rows[firsts]])[merge]
        result = np.empty(len(order), dtype=np.int64)
        result[order] = same_as
        return result


@dataclass
class Checked:
    frame: pd.DataFrame  # the accepted rows (a repeated key: its first row only): one column per field, plus `row`
    rejections: list[Rejection]
    warnings: list[Rejection]
    repeats: list[Repeat]
    rejected_rows: pd.DataFrame  # the raw cells of the rejected rows, with 行号 and 原因
    rows: int  # rows read, blank lines aside: accepted + rejected + repeated
    unfilled: int = 0  # of the rejected: 联系记录 rows with 联系日期 and 联系方 blank (formats.UNFILLED)


def _text(cells: pd.Series) -> pd.Series:
    """Cells as stripped text, missing when empty; Excel numbers like 13812345678.0 lose the '.0'; the apostrophe
    an export puts before a formula-like value (formats.QUOTED_START) taken off."""
    if _is_text(cells):  # CSV: text already, vectorised in Arrow
        text = cells.astype("str")
        wide = text.str.contains(_FULL_WIDTH_CHARACTERS, regex=True).fillna(False)
        if wide.any():
            text = text.where(~wide, text[wide].str.translate(_FULL_WIDTH))
        text = text.str.strip()
        quoted = text.str.startswith("'").fillna(False)
        if quoted.any():
            text = text.where(~quoted, text[quoted].str.replace(_QUOTED, r"\1", regex=True))
        return text.where(text != "")

    def one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).translate(_FULL_WIDTH).strip()
        if len(text) > 1 and text[0] == "'" and text[1] in f.QUOTED_START:
            text = text[1:]
        return text or None

    return cells.map(one).astype(object)


def _blank(cells: pd.Series) -> pd.Series:
    """Empty cells: missing, or only spaces (full-width ones too)."""
    if _is_text(cells):
        return (cells.isna() | (cells.astype("str").str.strip() == "")).fillna(True).astype(bool)
    return _text(cells).isna()


def _is_text(cells: pd.Series) -> bool:
    return (
        pd.api.types.is_string_dtype(cells.dtype)
        and cells.dtype != object
        or pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty")
    )


def _phone_digits(text: pd.Series) -> pd.Series:
    """Digits of phones given as `_text` cells."""
    # Written for Arrow's regular expressions (no \\s, no look-ahead), which run on the whole column at C speed.
    return text.str.replace(r"[ \t\r\n-]", "", regex=True).str.replace(r"^\+?86(1\d{10})$", r"\1", regex=True)


def normalise_phone(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(11-digit phones, malformed mask); spaces, dashes, +86 and full-width digits are tolerated."""
    digits = _phone_digits(_text(cells))
    good = digits.str.fullmatch(_PHONE.pattern).fillna(False).astype(bool)
    return digits.where(good, None), digits.notna() & ~good


def _typed_date(value: object) -> pd.Timestamp | None:
    """An Excel date cell, or a number in an .xlsx date column (an Excel serial day), as a timestamp."""
    if isinstance(value, (date, datetime)):
        return pd.Timestamp(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return pd.Timestamp("1899-12-30") + pd.to_timedelta(value, unit="D")
    return None


def parse_dates(cells: pd.Series, *, with_time: bool = False) -> tuple[pd.Series, pd.Series]:
    """(timestamps, malformed mask). Excel date cells pass through; impossible dates (2月30日) are malformed."""
    if _is_text(cells):
        text, result = _text(cells), pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    else:
        typed = cells.map(_typed_date)
        text = _text(cells.where(typed.isna(), None))
        result = pd.to_datetime(typed, errors="coerce").astype("datetime64[us]")
    # The common spellings first, at C speed; then the regular expression for the rest.
    for spelling in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d") if with_time else ("%Y-%m-%d",):
        todo = text.notna() & result.isna()
        if todo.any():
            result[todo] = pd.to_datetime(text[todo], format=spelling, errors="coerce")
    todo = text.notna() & result.isna()
    if todo.any():
        result[todo] = _parse_other_spellings(text[todo], with_time)
    return result, text.notna() & result.isna()


def _parse_other_spellings(text: pd.Series, with_time: bool) -> pd.Series:
    parts = text.str.extract("^" + _DATE + (_TIME if with_time else "") + "$")
    stamp_parts = {"year": parts["y"], "month": parts["m"].fillna(parts["m8"]), "day": parts["d"].fillna(parts["d8"])}
    if with_time:
        stamp_parts |= {
            "hour": parts["H"].fillna("0"),
            "minute": parts["M"].fillna("0"),
            "second": parts["S"].fillna("0"),
        }
    numeric = pd.DataFrame(stamp_parts).apply(pd.to_numeric, errors="coerce")
    if with_time:  # to_datetime would roll 25:00 over into the next day
        numeric[(numeric["hour"] > 23) | (numeric["minute"] > 59) | (numeric["second"] > 59)] = np.nan
    return pd.to_datetime(numeric, errors="coerce")


def _resolve_communities(text: pd.Series, refs: References) -> tuple[pd.Series, pd.Series]:
    """(community ids, reasons) for names or 区/街道/社区 paths."""
    ids: list[int | None] = []
    reasons: list[str | None] = []
    for value in text:
        if not isinstance(value, str):
            ids.append(None)
            reasons.append(None)
            continue
        path = "/".join(part.strip() for part in value.replace("\\", "/").split("/"))
        if path in refs.community_ids:
            ids.append(refs.community_ids[path])
            reasons.append(None)
            continue
        candidates = refs.paths_by_name.get(path, []) if "/" not in path else []
        if len(candidates) == 1:
            ids.append(refs.community_ids[candidates[0]])
            reasons.append(None)
        else:
            ids.append(None)
            reasons.append(
                f.AMBIGUOUS_COMMUNITY.format(candidates="、".join(candidates))
                if candidates
                else f.UNKNOWN_COMMUNITY.format(value=value)
            )
    return pd.Series(ids, index=text.index, dtype=object), pd.Series(reasons, index=text.index, dtype=object)


def _check_column(column: Column, cells: pd.Series, refs: References) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, rejection reason or None, warning or None) for one column.

    Ledger columns repeat themselves (dates, sides, phones), so each distinct cell is checked once
    and the results are spread back over the rows.
    """
    if column.kind in ("date", "datetime") and _is_text(cells):
        return _check_distinct(column, cells, refs)  # nearly every timestamp differs: parse them all at once
    codes, uniques = pd.factorize(cells)
    distinct = pd.concat([pd.Series(uniques), pd.Series([None], dtype=uniques.dtype)], ignore_index=True)
    positions = np.where(codes < 0, len(uniques), codes)  # empty cells share the last slot
    results = _check_distinct(column, distinct, refs)
    return tuple(pd.Series(r.to_numpy()[positions], index=cells.index) for r in results)


def _check_distinct(column: Column, cells: pd.Series, refs: References) -> tuple[pd.Series, pd.Series, pd.Series]:
    none = pd.Series(None, index=cells.index, dtype=object)
    reasons, warnings = none.copy(), none.copy()
    text = _text(cells)
    if column.kind in ("phone", "member", "visitor", "linked_member"):
        digits = _phone_digits(text)
        good = digits.str.fullmatch(_PHONE.pattern).fillna(False).astype(bool)
        values, malformed = digits.where(good, None), digits.notna() & ~good
        reasons[malformed] = f.BAD_PHONE
        reasons[malformed & digits.str.fullmatch(r"\d{11}").fillna(False).astype(bool)] = f.BAD_PHONE_PREFIX
        if column.kind == "member":
            values = values.map(refs.member_series).astype(object)
            reasons[values.isna() & ~malformed & text.notna()] = f.UNKNOWN_MEMBER
        elif column.kind == "visitor":
            member = values.map(refs.member_series)  # not isin: on Arrow strings it loops in Python
            warnings[values.notna() & member.isna()] = f.NON_MEMBER_VISIT
        elif column.kind == "linked_member":  # an optional link: an unknown member is no link, and a warning
            phones = values
            values = phones.map(refs.member_series).astype(object)
            warnings[phones.notna() & values.isna()] = f.UNKNOWN_MEMBER_KEPT
    elif column.kind in ("date", "datetime"):
        values, malformed = parse_dates(cells, with_time=column.kind == "datetime")
        reasons[malformed] = f.BAD_DATETIME if column.kind == "datetime" else f.BAD_DATE
        earliest = f.EARLIEST_BIRTH_DATE if column.field == "birth_date" else f.EARLIEST_DATE
        reasons[values < pd.Timestamp(earliest)] = f.DATE_TOO_EARLY.format(earliest=earliest.isoformat())
        if refs.today is not None:
            later = values >= pd.Timestamp(refs.today) + pd.Timedelta(days=1)
            reasons[later] = f.DATE_IN_FUTURE.format(today=refs.today.isoformat())
    elif column.kind == "number":
        values = pd.to_numeric(text, errors="coerce")
        reasons[text.notna() & values.isna()] = f.BAD_NUMBER
        low, high = _RANGES.get(column.field, (-np.inf, np.inf))
        outside = values.notna() & ((values < low) | (values > high) | ((values <= 0) & (column.field == "hours")))
        reasons[outside] = f.OUT_OF_RANGE.format(rule=column.rule or f"{low}–{high}")
    elif column.kind == "choice":
        values = text.map(column.choices)
        unknown = text.notna() & values.isna()
        if column.other is None:
            reasons[unknown] = f.NOT_ALLOWED.format(choices="、".join(column.choices))
        else:  # an optional list never costs a row
            values[unknown] = column.choices[column.other]
            warnings[unknown] = text[unknown].map(lambda v: _kept_as_other(v, column.choices))
    elif column.kind == "services":
        words = text.map(
            lambda v: [w.strip() for w in re.split(r"[、,，;；]", v) if w.strip()] if isinstance(v, str) else []
        )
        strangers = words.map(lambda ws: [w for w in ws if w not in f.SERVICES])
        values = words.map(
            lambda ws: ",".join(dict.fromkeys(f.SERVICES.get(w, f.SERVICES[f.OTHER]) for w in ws)) or None
        )
        unknown = strangers.map(bool)
        warnings[unknown] = strangers[unknown].map(lambda ws: _kept_as_other("、".join(ws), f.SERVICES))
    elif column.kind == "category":  # free text: the known words are stored as their codes, others as written
        values = text.map(lambda v: column.choices.get(v, v) if isinstance(v, str) else None).astype(object)
    elif column.kind == "community":
        values, reasons = _resolve_communities(text, refs)
    elif column.kind == "station":
        values = text.map(refs.station_ids)
        reasons[text.notna() & values.isna()] = text.map(lambda v: f.UNKNOWN_STATION.format(value=v))
    elif column.kind == "linked_station":  # an optional link: an unknown station is no link, and a warning
        values = text.map(refs.station_ids).astype(object)
        warnings[text.notna() & values.isna()] = text.map(lambda v: f.UNKNOWN_STATION_KEPT.format(value=v))
    else:
        values = text
        if column.kind == "area_name":
            reasons[text.str.contains("/", regex=False).fillna(False).astype(bool)] = f.SLASH_IN_NAME
    if column.max_length is not None:
        reasons[(text.str.len() > column.max_length).fillna(False).astype(bool)] = f.TOO_LONG.format(
            limit=column.max_length
        )
    if column.required:
        reasons[text.isna()] = f.MISSING
    reasons[text.str.contains("\ufffd", regex=False).fillna(False).astype(bool)] = f.BAD_ENCODING
    return values, reasons, warnings


def _header(ledger: Ledger, name: str) -> str:
    return next(column.header for column in ledger.columns if column.field == name)


def _resolution_reasons(values: dict[str, pd.Series]) -> pd.Series:
    """A demand's 办结日期 against its 状态 and 提出日期: required when 已办结, refused otherwise, never before it was
    raised. Rows whose status or dates are themselves wrong are left to those columns' reasons."""
    status, raised, resolved = values["status"], values["raised_on"], values["resolved_on"]
    reasons = pd.Series(None, index=status.index, dtype=object)
    is_resolved = status == c.DEMAND_RESOLVED
    reasons[is_resolved & resolved.isna()] = f.RESOLVED_WITHOUT_DATE
    reasons[status.notna() & ~is_resolved & resolved.notna()] = f.DATE_WITHOUT_RESOLVED
    reasons[is_resolved & resolved.notna() & raised.notna() & (resolved < raised)] = f.RESOLVED_BEFORE_RAISED
    return reasons


def _kept_as_other(value: str, choices: dict[str, str]) -> str:
    return f.KEPT_AS_OTHER.format(value=value, choices="、".join(choices))


def _key_hashes(frame: pd.DataFrame, ledger: Ledger) -> np.ndarray:
    """A 64-bit hash of each row's key, the same for the same values in any chunk of the file."""
    kinds = {column.field: column.kind for column in ledger.columns}
    parts = {}
    for name in ledger.key:
        values = frame[name]
        if kinds.get(name) in ("date", "datetime"):
            parts[name] = values.to_numpy(dtype="datetime64[us]").view(np.int64)
        elif kinds.get(name) in ("member", "station", "community", "number", "linked_member", "linked_station"):
            parts[name] = pd.to_numeric(values).astype("float64")  # an id is 5 or 5.0 as a chunk's NaNs decide
        else:  # text: a file's chunks share its reader's string type, and so their hashes
            parts[name] = values
    return pd.util.hash_pandas_object(pd.DataFrame(parts, index=frame.index), index=False).to_numpy(dtype=np.uint64)


def _unfilled(ledger: Ledger, raw: pd.DataFrame) -> pd.Series:
    """The 联系记录 rows whose 联系日期 and 联系方 are both blank (an exported list's rows nobody filled in)."""
    if ledger.kind != "contacts" or not set(f.UNFILLED_HEADERS) <= set(raw.columns):
        return pd.Series(False, index=raw.index)
    return pd.concat([_blank(raw[header]) for header in f.UNFILLED_HEADERS], axis=1).all(axis=1)


def check_chunk(ledger: Ledger, raw: pd.DataFrame, refs: References, seen: SeenKeys) -> Checked:
    """Check one chunk of a file. `seen` carries the keys of the file's earlier rows across chunks: a later row
    with a known key is a repeat (counted once) or, for a ledger whose key names one thing, rejected."""
    raw = raw.drop(columns=[name for name in f.REPORT_HEADERS if name in raw.columns])
    raw = raw[~pd.concat([_blank(raw[name]) for name in raw.columns], axis=1).all(axis=1)]  # skip blank lines
    values: dict[str, pd.Series] = {}
    problems: list[tuple[pd.Series, str]] = []
    notes: list[tuple[pd.Series, str]] = []
    for column in ledger.columns:
        cells = raw[column.header] if column.header in raw.columns else pd.Series(None, index=raw.index, dtype=object)
        values[column.field], reasons, warnings = _check_column(column, cells, refs)
        problems.append((reasons, column.header))
        notes.append((warnings, column.header))
    if "visitor_phone" in values:
        values["member_id"] = values["visitor_phone"].map(refs.member_series).astype(object)
    unfilled = _unfilled(ledger, raw)
    if unfilled.any():  # one reason, saying the row is still to fill, instead of a 必填项为空 per blank column
        problems = [(reasons.where(~unfilled), header) for reasons, header in problems]
        problems.append((pd.Series(f.UNFILLED, index=raw.index).where(unfilled), f.UNFILLED_HEADERS[0]))
    if ledger.kind == "members":  # a record is checked once it exists: a 核实日期 before 报到日期 is a typing mistake
        header = _header(ledger, "verified_on")
        own = next(reasons for reasons, name in problems if name == header)
        early = values["verified_on"].notna() & values["registered_on"].notna()
        early &= values["verified_on"] < values["registered_on"]
        problems.append((pd.Series(f.VERIFIED_BEFORE_REGISTERED, index=raw.index).where(early & own.isna()), header))
    if ledger.kind == "demands":
        header = _header(ledger, "resolved_on")
        own = next(reasons for reasons, name in problems if name == header)  # a date that does not parse, say
        problems.append((_resolution_reasons(values).where(own.isna()), header))

    if ledger.kind == "external_items":  # a row must land in some community's queue: its own, or our member's
        header = _header(ledger, "community_id")
        own = next(reasons for reasons, name in problems if name == header)
        nowhere = values["community_id"].isna() & own.isna() & values["phone"].map(refs.member_series).isna()
        problems.append((pd.Series(f.EXTERNAL_NO_COMMUNITY, index=raw.index).where(nowhere & values["phone"].notna()),
                         header))  # fmt: skip

    rejections = [
        Rejection(int(row), header, reason) for reasons, header in problems for row, reason in reasons.dropna().items()
    ]
    frame = pd.DataFrame(values, index=raw.index).drop(index=sorted({r.row for r in rejections}))
    same_as = seen.first_rows(_key_hashes(frame, ledger), frame.index.to_numpy(dtype=np.int64))
    later = same_as >= 0
    repeats: list[Repeat] = []
    if ledger.repeat_rejected:
        header = next(column.header for column in ledger.columns if column.field == ledger.key[0])
        rejections += [
            Rejection(int(row), header, f.DUPLICATE_KEY.format(header=header, first=int(first)))
            for row, first in zip(frame.index[later], same_as[later], strict=True)
        ]
    else:
        repeats = [Repeat(int(row), int(first)) for row, first in zip(frame.index[later], same_as[later], strict=True)]
    frame = frame[~later]
    rejections.sort(key=lambda r: r.row)
    bad_rows = sorted({r.row for r in rejections})
    warnings = [
        Rejection(int(row), header, note)
        for notes_, header in notes
        for row, note in notes_.dropna().items()
        if int(row) in frame.index
    ]
    warnings.sort(key=lambda r: r.row)
    frame = frame.rename_axis("row").reset_index()
    if ledger.kind == "members":
        frame["status"] = frame["status"].fillna("active")
    by_row: dict[int, list[str]] = {}
    for r in rejections:
        by_row.setdefault(r.row, []).append(f"{r.column}：{r.reason}")
    rejected = raw.loc[bad_rows].copy()
    rejected.insert(0, f.ROW_HEADER, bad_rows)
    rejected[f.REASON_HEADER] = ["；".join(by_row[row]) for row in bad_rows]
    return Checked(
        frame=frame,
        rejections=rejections,
        warnings=warnings,
        repeats=repeats,
        rejected_rows=rejected,
        rows=len(raw),
        unfilled=int(unfilled.sum()),
    )
