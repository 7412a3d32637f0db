"""Numbers and messages for people (12,345, 87.5%, +0.3 个百分点), shared by the dashboard and the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from metrics.registry import DECIMALS, RATE_INDICATORS
from metrics.report import Figure
from metrics.tables import DERIVED_RATES
from ui import labels

if TYPE_CHECKING:  # the report command imports this module: pandas stays out of its start-up
    import pandas as pd

    from metrics.follow_up import Closure
_RATE_DECIMALS = {key: DECIMALS[key] for key in RATE_INDICATORS} | DERIVED_RATES


def _missing(value: Figure) -> bool:
    """No figure: None from the report, NaN from a table of them."""
    return value is None or value != value  # NaN is the one value not equal to itself


def format_figure(key: str, value: Figure) -> str:
    if _missing(value):
        return "—"
    if key in _RATE_DECIMALS:
        return f"{value:.{_RATE_DECIMALS[key]}%}"
    return f"{value:,.{DECIMALS.get(key, 0)}f}"


def format_rate(value: Figure, decimals: int = 0) -> str:
    """A share as people read it, 62%; "—" for none (a zero denominator)."""
    return "—" if _missing(value) else f"{value:.{decimals}%}"


def change_of(key: str, value: Figure, previous: Figure) -> float | None:
    """The change as shown: rates in percentage points, rounded as displayed, so a tiny change reads 0."""
    if _missing(value) or _missing(previous):
        return None
    if key in _RATE_DECIMALS:
        return round((value - previous) * 100, _RATE_DECIMALS[key]) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    return round(value - previous, DECIMALS.get(key, 0)) + 0.0


def negligible_change(key: str) -> float:
    """The largest change that shows as 0 (half the last digit shown; rates in fractions)."""
    if key in _RATE_DECIMALS:
        return 0.5 * 10 ** -_RATE_DECIMALS[key] / 100
    return 0.5 * 10 ** -DECIMALS.get(key, 0)


def format_change(key: str, value: Figure, previous: Figure) -> str:
    change = change_of(key, value, previous)
    if change is None:
        return "—"
    if key in _RATE_DECIMALS:
        return labels.PERCENTAGE_POINTS.format(change=f"{change:+.{_RATE_DECIMALS[key]}f}")
    return f"{change:+,.{DECIMALS.get(key, 0)}f}"


def format_moves(
    key: str, moves: pd.DataFrame, *, count: int, escape: Callable[[str], str] = str, unit: bool = True
) -> tuple[str, str]:
    """(up, down) as 江夏区 +0.1 个百分点、洪山区 +0.1 个百分点: the `count` areas of `moves`
    (metrics.movers.compute_largest_moves) that moved `key` most each way, the largest first; "" for none.
    `escape` is applied to each name (Markdown or HTML, as where the text goes); without `unit`, a rate's
    points are bare numbers (+0.1), for a line whose heading says the unit."""

    def moved_by(value: float) -> str:
        digits = _RATE_DECIMALS.get(key, DECIMALS.get(key, 0))
        return format_change(key, value, 0.0) if unit else f"{change_of(key, value, 0.0):+,.{digits}f}"

    def named(rows: pd.DataFrame) -> str:
        return "、".join(
            f"{escape(name)} {moved_by(value)}" for name, value in zip(rows["name"], rows["contribution"], strict=True)
        )

    up = moves[moves["contribution"] > 0].head(count)
    down = moves[moves["contribution"] < 0].iloc[::-1].head(count)
    return named(up), named(down)


def closure_headline(closure: Closure, window_days: int | None = None) -> str:
    """ "上周名单已联系 62%" (or the fortnight's), "上周没有导出名单" when none: 联系情况, the review, the digest.
    `window_days` is one of metrics.follow_up.WINDOWS, the first (last week's lists) by default."""
    if window_days is None:
        from metrics.follow_up import WINDOWS

        window_days = WINDOWS[0]
    if closure.lists == 0:
        return labels.FOLLOW_UP_NO_LISTS[window_days]
    return labels.FOLLOW_UP_HEADLINE[window_days].format(share=format_rate(closure.share))


def file_error_message(code: str, name: str, detail: str, *, separator: str = "\n") -> str:
    """Why a ledger file was not imported; for an unknown kind, the headers each ledger needs and the headers
    that were probably meant."""
    from ledgers.formats import LEDGERS

    if code == "unknown_kind":
        headers, _, hints = detail.partition("｜")
        expected = separator.join(f"{ledger.title}：{'、'.join(ledger.required_headers)}" for ledger in LEDGERS)
        message = labels.IMPORT_UNKNOWN_KIND.format(file=name, headers=headers or "（无）", expected=expected)
        return message + (separator + labels.IMPORT_NEAR_MISS.format(hints=hints) if hints else "")
    messages = {
        "empty": labels.IMPORT_EMPTY,
        "duplicate_header": labels.IMPORT_DUPLICATE_HEADER,
        "blank_header": labels.IMPORT_BLANK_HEADER,
        "formula_header": labels.IMPORT_FORMULA_HEADER,
        "too_large": labels.IMPORT_UNZIPPED_TOO_LARGE,
        "zip_bomb": labels.IMPORT_ZIP_BOMB,
        "too_many_rows": labels.IMPORT_TOO_MANY_ROWS,
        "too_many_columns": labels.IMPORT_TOO_MANY_COLUMNS,
        "too_many_cells": labels.IMPORT_TOO_MANY_CELLS,
        "line_too_long": labels.IMPORT_LINE_TOO_LONG,
        "out_of_memory": labels.IMPORT_OUT_OF_MEMORY,
        "timeout": labels.IMPORT_TIMEOUT,
    }
    return messages.get(code, labels.IMPORT_UNREADABLE).format(file=name, detail=detail, **limit_figures())


def error_words(code: object) -> str:
    """Why a file could not be read, in a few words ('' when it was read)."""
    if not isinstance(code, str) or not code:
        return ""
    return labels.IMPORT_ERROR_SHORT.get(code, labels.IMPORT_ERROR_OTHER)


def limit_figures() -> dict[str, str]:
    """The limits of ledgers/limits.py as people read them, for the messages and the caption that state them."""
    from ledgers import limits

    return {
        "sheet_rows": f"{limits.MAX_SHEET_ROWS:,}",
        "csv_rows": f"{limits.MAX_CSV_ROWS:,}",
        "columns": f"{limits.MAX_COLUMNS:,}",
        "cells": f"{limits.MAX_CELLS:,}",
        "unzipped_mb": f"{limits.MAX_XLSX_UNCOMPRESSED_BYTES >> 20:,}",
        "ratio": f"{limits.MAX_COMPRESSION_RATIO:,}",
        "line_mb": f"{limits.MAX_LINE_BYTES >> 20:,}",
        "memory_gb": f"{limits.VET_MEMORY_BYTES / (1 << 30):g}",
        "seconds": f"{limits.VET_TIMEOUT_SECONDS:,}",
    }


def file_summary(report: object) -> str:
    """One line for a file imported: what was read, what was new, what was already there, repeats, rejections."""
    unfilled = getattr(report, "unfilled", 0)
    return labels.IMPORT_FILE_SUMMARY.format(
        file=report.file,
        ledger=labels.LEDGER_TITLES[report.ledger],
        rows=report.rows,
        accepted=report.accepted,
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        repeated=report.repeated,
        rejected=report.rejected,
    ) + (labels.IMPORT_UNFILLED.format(unfilled=unfilled) if unfilled else "")
