"""The report's indicators for many rows at once (weeks of a trend, child areas of a ranking)."""

from __future__ import annotations

import pandas as pd

from metrics.columns import LOWER_IS_BETTER, PATH, REPORT_KEYS, SUMMARY_COUNTS
from metrics.indicators import require_columns as _require
from metrics.ordering import pinyin_key
from metrics.report import compute_indicators

PREVIOUS = "previous_"  # prefix of last period's figure in a child table


def compute_indicator_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Each row's 14 indicators (same index), by the very function the report uses, so figures match it."""
    _require(totals, SUMMARY_COUNTS, "totals")
    rows = [compute_indicators(row) for row in totals[list(SUMMARY_COUNTS)].to_dict("records")]
    return pd.DataFrame(rows, index=totals.index, columns=list(REPORT_KEYS))


def compute_child_table(totals: pd.DataFrame, *, week_start: object, previous_start: object) -> pd.DataFrame:
    """One row per child area (path): its indicators for the week and, prefixed `previous_`, the week before.

    `totals` is shaped like data_access.figures.fetch_totals_by_area. In pinyin order of path (a table, a
    ranking's ties, the slides' lists all keep it); empty in, empty out.
    """
    _require(totals, (PATH, "week_start", *SUMMARY_COUNTS), "totals")
    paths = sorted(set(totals[PATH]), key=pinyin_key)

    def of_week(start: object) -> pd.DataFrame:
        week = totals[totals["week_start"] == start].set_index(PATH).reindex(paths)
        return compute_indicator_table(week.fillna(0))

    current, previous = of_week(week_start), of_week(previous_start)
    table = pd.concat([current, previous.add_prefix(PREVIOUS)], axis=1).rename_axis(PATH).reset_index()
    return table


def compute_lagging(table: pd.DataFrame, key: str, *, share: float = 0.25) -> pd.Series:
    """Which rows lag on `key`: the worst `share` of those with a figure (at least one), by its meaning.

    A row level with the best figure never lags, so when all are equal none does.
    """
    values = pd.to_numeric(table[key], errors="coerce")
    known = values.dropna()
    if known.empty:
        return pd.Series(False, index=table.index)
    count = max(1, int(len(known) * share))
    lower_is_better = key in LOWER_IS_BETTER
    worst = known.nlargest(count) if lower_is_better else known.nsmallest(count)
    worst = worst[worst != (known.min() if lower_is_better else known.max())]
    return table.index.to_series().isin(worst.index)


def compute_display_names(paths: pd.Series) -> pd.Series:
    """Each area's own name from its path (区/街道/社区), with its parent beside it where the name repeats:
    community names repeat across streets, and a chart that shows two as one would add them up."""
    parts = paths.astype(str).str.split("/")
    names = parts.str[-1]
    parents = parts.map(lambda path: path[-2] if len(path) > 1 else "")
    repeated = names.duplicated(keep=False) & (parents != "")
    return names.where(~repeated, names + "（" + parents + "）")
