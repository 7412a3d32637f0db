"""The report's indicators for many rows at once (weeks of a trend, child areas of a ranking)."""

from __future__ import annotations

import pandas as pd

from metrics.columns import LOWER_IS_BETTER, PATH, REPORT_KEYS, SUMMARY_COUNTS
from metrics.indicators import require_columns as _require
from metrics.ordering import pinyin_key, sort_by_pinyin
from metrics.report import compute_indicators

PREVIOUS = "previous_"  # prefix of last period's figure in a child table

# 超期率: overdue members per active member. Not a registered indicator (the report gives the count): a ranking
# computes it from the table's stored parts, so a big area does not top the list by its size alone.
OVERDUE_RATE = "overdue_rate"
DERIVED_RATES = {OVERDUE_RATE: 1}  # figures computed here, not in the report: decimals of their percentage
# What the lagging rankings judge an area by (总览 and the review's closing slide), in this order
RANKING_KEYS = ("contact_coverage", OVERDUE_RATE, "three_way_complete")
LAGGING = "lagging_"  # prefix of a ranking table's flag: the row is in the worst quarter on that key


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


def is_lower_better(key: str) -> bool:
    """Whether a lower figure is the better one: the registry's direction, and for the overdue rate, yes."""
    return key in LOWER_IS_BETTER or key == OVERDUE_RATE


def compute_overdue_rate(table: pd.DataFrame, *, prefix: str = "") -> pd.Series:
    """Overdue members per active member of each row (from the `overdue` and `active_members` columns, or
    those with `prefix`); null where there are no active members, never 0 and never an error."""
    _require(table, (prefix + "overdue", prefix + "active_members"), "table")
    active = pd.to_numeric(table[prefix + "active_members"], errors="coerce").astype(float)
    overdue = pd.to_numeric(table[prefix + "overdue"], errors="coerce").astype(float)
    return (overdue / active.where(active > 0)).rename(prefix + OVERDUE_RATE)


def compute_ranking_table(table: pd.DataFrame, *, share: float = 0.25) -> pd.DataFrame:
    """An area table (compute_child_table's shape, any level) with the overdue rate added (this week's and,
    where the table has it, last week's) and, per RANKING_KEYS, a `lagging_` flag: the row is in the worst
    `share` (compute_lagging). In pinyin order of path, as it came; empty in, empty out."""
    if table.empty:
        return table.copy()
    ranked = table.assign(**{OVERDUE_RATE: compute_overdue_rate(table)})
    if PREVIOUS + "overdue" in ranked and PREVIOUS + "active_members" in ranked:
        ranked[PREVIOUS + OVERDUE_RATE] = compute_overdue_rate(ranked, prefix=PREVIOUS)
    flags = {LAGGING + key: compute_lagging(ranked, key, share=share) for key in RANKING_KEYS}
    return ranked.assign(**flags)


def compute_worst_first(table: pd.DataFrame, key: str, *, name_column: str = "name") -> pd.DataFrame:
    """`table`'s rows worst first on `key` by its meaning, those without a figure last; ties in pinyin order
    of `name_column` (the order a reader looks a name up in)."""
    by_name = sort_by_pinyin(table, name_column)
    return by_name.sort_values(key, ascending=not is_lower_better(key), na_position="last", kind="stable")


def compute_lagging(table: pd.DataFrame, key: str, *, share: float = 0.25) -> pd.Series:
    """Which rows lag on `key`: the worst `share` of those with a figure (at least one), by its meaning
    (is_lower_better).

    A row level with the best figure never lags, so when all are equal none does.
    """
    values = pd.to_numeric(table[key], errors="coerce")
    known = values.dropna()
    if known.empty:
        return pd.Series(False, index=table.index)
    count = max(1, int(len(known) * share))
    lower_is_better = is_lower_better(key)
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
