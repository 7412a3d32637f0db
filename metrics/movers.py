"""What moved this week: each indicator's change from the week before, split over the child areas, and the
week's member flows.

For a count, an area's contribution is its own change. For a rate or a mean R = N / D over the summed parts,
an area with parts n and d this week, n' and d' the week before (0 where it has none), contributes

    (n - R'·d) / D  -  (n' - R'·d') / D'

where R' = N' / D' is the whole's figure the week before. The contributions add up to R - R' exactly (the
second terms sum to 0, the first to R - R'). An area whose own figure stays at the whole's old level
contributes nothing, however its size changes; one that moves its own figure by x, holding a share w of the
denominator, contributes about w·x. When either week's figure is null, so is every contribution.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.columns import PATH, WEEK_START
from metrics.days import require_columns
from metrics.ordering import pinyin_key
from metrics.registry import FLOWS, INDICATORS, SUMMARY_COUNTS, Indicator

CONTRIBUTION = "contribution"


def _parts_by_area(totals: pd.DataFrame, week_start: object, paths: list[str]) -> pd.DataFrame:
    week = totals[totals[WEEK_START] == week_start].set_index(PATH)
    return week.reindex(paths)[list(SUMMARY_COUNTS)].fillna(0).astype(float)


def compute_contributions(now: pd.DataFrame, before: pd.DataFrame, indicator: Indicator) -> pd.Series:
    """Each area's contribution to the change of `indicator` (module docstring); `now` and `before` hold the
    parts of the same areas (rows) for the week and the week before. NaN throughout when a week's figure is null."""
    if indicator.kind == "count":
        part = indicator.parts[0]
        return now[part] - before[part]
    numerator, denominator = indicator.parts
    total_now, total_before = now[denominator].sum(), before[denominator].sum()
    if not total_now or not total_before:
        return pd.Series(np.nan, index=now.index)
    previous = before[numerator].sum() / total_before
    return (now[numerator] - previous * now[denominator]) / total_now - (
        before[numerator] - previous * before[denominator]
    ) / total_before


def compute_movers(totals: pd.DataFrame, *, week_start: object, previous_start: object) -> dict[str, pd.DataFrame]:
    """Per indicator, every area of `totals` (shaped like data_access.figures.fetch_totals_by_area: week_start,
    path, the parts) with its contribution (null where the indicator is null in either week), largest first
    whichever its direction, ties in pinyin order. Columns: path, contribution."""
    require_columns(totals, (WEEK_START, PATH, *SUMMARY_COUNTS), "totals")
    paths = sorted(set(totals[PATH]), key=pinyin_key)
    now, before = _parts_by_area(totals, week_start, paths), _parts_by_area(totals, previous_start, paths)
    movers = {}
    for indicator in INDICATORS:
        contribution = compute_contributions(now, before, indicator)
        frame = pd.DataFrame({PATH: paths, CONTRIBUTION: contribution.to_numpy()})
        order = np.argsort(-contribution.abs().fillna(0).to_numpy(), kind="stable")  # stable: pinyin among ties
        movers[indicator.key] = frame.iloc[order].reset_index(drop=True)
    return movers


def compute_flows(totals: Mapping[str, float]) -> dict[str, int]:
    """The week's member flows (metrics.registry.FLOWS) from the area's summed parts (missing sums count as 0)."""
    return {flow: int(totals.get(part) or 0) for flow, part in FLOWS.items()}
