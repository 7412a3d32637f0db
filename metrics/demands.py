"""The demand indicators of PRODUCT.md (诉求 and 微心愿, from the 诉求台账), per community, for a period S..E.

Definitions, to the day ("the N days ending at E" are the days d with E - N < d <= E; "resolved by E" is
resolved_on <= E; withdrawn records count nowhere; a record belongs to its community):
- demands_raised: 诉求 raised in S..E; demands_resolved: 诉求 resolved in S..E;
- demand_resolution_rate: of the 诉求 raised in the demand_window_days ending at E, the share resolved by E;
- demand_mean_days: mean of resolved_on - raised_on (days) over the 诉求 resolved in the window;
- demands_overdue_open: 诉求 with E - raised_on > demand_overdue_days, not resolved by E;
- wishes_fulfilled: 微心愿 resolved in S..E;
- demand_satisfaction_rate: of the 诉求 resolved in the window with a satisfaction, the share satisfied or
  mostly satisfied.
Only the dates decide (a status other than withdrawn is not read). A record without raised_on counts only where
raised_on is not needed (demands_resolved, wishes_fulfilled, satisfaction).

The parts are additive over communities; metrics.indicators.compute_community_week adds them to each community's
week (weekly_stats columns). The indicators are declared in metrics/registry.py (group "demand").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics import columns as c
from metrics.days import NO_DAY, day_number, require_columns, to_day_numbers
from metrics.registry import DEMAND_PARTS
from metrics.thresholds import Thresholds

DEMAND_COLUMNS = (c.COMMUNITY_ID, c.KIND, c.STATUS, c.RAISED_ON, c.RESOLVED_ON, c.SATISFACTION)


_NOT_RESOLVED = np.iinfo(np.int64).max  # after every day


@dataclass(frozen=True)
class DemandArrays:
    """The 诉求台账 as numpy arrays, withdrawn records and those of other communities left out."""

    community_ids: np.ndarray  # the communities figures are grouped by
    community: np.ndarray  # position in community_ids
    is_demand: np.ndarray  # bool: a 诉求 (else a 微心愿)
    raised: np.ndarray  # day numbers, NO_DAY when unknown
    resolved: np.ndarray  # day numbers, _NOT_RESOLVED when open
    rated: np.ndarray  # bool: has a satisfaction
    satisfied: np.ndarray  # bool: satisfied or mostly satisfied

    def known_days(self) -> np.ndarray:
        """Every day a record was raised or resolved on, sorted (for the span of days the data covers)."""
        days = np.concatenate([self.raised[self.raised != NO_DAY], self.resolved[self.resolved != _NOT_RESOLVED]])
        return np.sort(days)


def prepare_demands(demands: pd.DataFrame, *, community_ids: Sequence[int] | None = None) -> DemandArrays:
    """Index the ledger once, for any number of periods. By default the communities are those of its records."""
    require_columns(demands, DEMAND_COLUMNS, "demands")
    if community_ids is None:
        community_ids = np.unique(demands[c.COMMUNITY_ID].to_numpy(dtype=np.int64))
    communities = pd.Index(np.asarray(community_ids, dtype=np.int64))
    position = communities.get_indexer(demands[c.COMMUNITY_ID].to_numpy(dtype=np.int64))
    keep = (position >= 0) & (demands[c.STATUS] != c.DEMAND_WITHDRAWN).to_numpy(dtype=bool)
    resolved = to_day_numbers(demands[c.RESOLVED_ON])
    satisfaction = demands[c.SATISFACTION]
    return DemandArrays(
        community_ids=communities.to_numpy(),
        community=position[keep],
        is_demand=(demands[c.KIND] == c.KIND_DEMAND).to_numpy(dtype=bool)[keep],
        raised=to_day_numbers(demands[c.RAISED_ON])[keep],
        resolved=np.where(resolved == NO_DAY, _NOT_RESOLVED, resolved)[keep],
        rated=satisfaction.isin(c.SATISFACTIONS).to_numpy(dtype=bool)[keep],
        satisfied=satisfaction.isin(c.SATISFIED).to_numpy(dtype=bool)[keep],
    )


def compute_demand_period(demands: DemandArrays, *, start: date, end: date, thresholds: Thresholds) -> pd.DataFrame:
    """The additive parts of the demand indicators per community, for the period start..end (inclusive).

    One row per community of `demands.community_ids` (zeros where it has no record), a community_id column and
    one int64 column per part of DEMAND_PARTS.
    """
    start_day, end_day = day_number(start), day_number(end)
    window_after = end_day - thresholds.demand_window_days
    raised, resolved, demand = demands.raised, demands.resolved, demands.is_demand
    known = raised != NO_DAY
    resolved_by_end = resolved <= end_day
    resolved_in_period = (resolved >= start_day) & resolved_by_end
    raised_in_window = known & (raised > window_after) & (raised <= end_day)
    resolved_in_window = demand & (resolved > window_after) & resolved_by_end
    timed = resolved_in_window & known
    days = np.where(timed, resolved, 0) - np.where(timed, raised, 0)

    def per_community(flags: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        values = flags if weights is None else np.where(flags, weights, 0)
        return np.bincount(demands.community, weights=values.astype(float), minlength=len(demands.community_ids))

    parts = {
        "demands_raised": per_community(demand & known & (raised >= start_day) & (raised <= end_day)),
        "demands_resolved": per_community(demand & resolved_in_period),
        "demands_raised_in_window": per_community(demand & raised_in_window),
        "demands_raised_in_window_resolved": per_community(demand & raised_in_window & resolved_by_end),
        "demands_resolved_in_window": per_community(timed),
        "demand_days_in_window": per_community(timed, days),
        "demands_overdue_open": per_community(
            demand & known & (raised < end_day - thresholds.demand_overdue_days) & ~resolved_by_end
        ),
        "wishes_fulfilled": per_community(~demand & resolved_in_period),
        "demands_rated_in_window": per_community(resolved_in_window & demands.rated),
        "demands_satisfied_in_window": per_community(resolved_in_window & demands.satisfied),
    }
    frame = pd.DataFrame({c.COMMUNITY_ID: demands.community_ids, **{name: parts[name] for name in DEMAND_PARTS}})
    return frame.astype({name: np.int64 for name in DEMAND_PARTS})


def compute_demand_parts(
    demands: pd.DataFrame,
    *,
    start: date,
    end: date,
    thresholds: Thresholds,
    community_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """`compute_demand_period` straight from the ledger frame (columns DEMAND_COLUMNS), for one period."""
    arrays = prepare_demands(demands, community_ids=community_ids)
    return compute_demand_period(arrays, start=start, end=end, thresholds=thresholds)


# The 诉求办理 page's records (data_access.demands): columns beyond those of DEMAND_COLUMNS
COMMUNITY_PATH = "community_path"
COMMUNITY = "community"
STATION = "station"  # the station's name
# and what is computed from them
DAYS_OPEN = "days_open"
OPEN = "open"
OVERDUE = "overdue"
RAISED = "raised"
RESOLVED = "resolved"
NOT_GIVEN = ""  # a breakdown's key where the ledger left the source or station blank


def compute_open_demands(records: pd.DataFrame, *, end: date, overdue_days: int) -> pd.DataFrame:
    """The 诉求 open at `end` (raised by it, not resolved by it), with days_open (end - raised_on) and overdue
    (days_open > overdue_days, as demands_overdue_open counts), longest open first."""
    require_columns(records, (c.KIND, c.RAISED_ON, c.RESOLVED_ON), "demand records")
    end_day = day_number(end)
    raised, resolved = to_day_numbers(records[c.RAISED_ON]), to_day_numbers(records[c.RESOLVED_ON])
    is_open = (
        (records[c.KIND] == c.KIND_DEMAND).to_numpy(dtype=bool)
        & (raised != NO_DAY)
        & (raised <= end_day)
        & ((resolved == NO_DAY) | (resolved > end_day))
    )
    days_open = end_day - raised[is_open]
    frame = records[is_open].assign(**{DAYS_OPEN: days_open, OVERDUE: days_open > overdue_days})
    return frame.sort_values(DAYS_OPEN, ascending=False, kind="stable").reset_index(drop=True)


def compute_backlog_by_community(open_demands: pd.DataFrame) -> pd.DataFrame:
    """Per community with an open 诉求: open (all), overdue (of them); most overdue first, then most open.
    Columns: community_path, community, open, overdue."""
    if open_demands.empty:
        return pd.DataFrame({COMMUNITY_PATH: [], COMMUNITY: [], OPEN: [], OVERDUE: []}).astype(
            {OPEN: "int64", OVERDUE: "int64"}
        )
    grouped = open_demands.groupby([COMMUNITY_PATH, COMMUNITY], sort=True)
    table = pd.DataFrame({OPEN: grouped.size(), OVERDUE: grouped[OVERDUE].sum()}).astype("int64").reset_index()
    return table.sort_values([OVERDUE, OPEN], ascending=False, kind="stable").reset_index(drop=True)


def compute_demands_by(records: pd.DataFrame, column: str, *, end: date, window_days: int) -> pd.DataFrame:
    """The 诉求 raised in the `window_days` days ending at `end`, per value of `column` (source, station): raised,
    resolved (by `end`) and open; blanks under NOT_GIVEN. Summed over the values, raised and resolved are
    demand_resolution_rate's parts. Most raised first. Columns: column, raised, resolved, open."""
    require_columns(records, (c.KIND, c.RAISED_ON, c.RESOLVED_ON, column), "demand records")
    end_day = day_number(end)
    raised, resolved = to_day_numbers(records[c.RAISED_ON]), to_day_numbers(records[c.RESOLVED_ON])
    in_window = (
        (records[c.KIND] == c.KIND_DEMAND).to_numpy(dtype=bool)
        & (raised != NO_DAY)
        & (raised > end_day - window_days)
        & (raised <= end_day)
    )
    done = (resolved != NO_DAY) & (resolved <= end_day)
    shown = pd.DataFrame(
        {column: records[column].fillna(NOT_GIVEN).to_numpy(dtype=object)[in_window], RESOLVED: done[in_window]}
    )
    grouped = shown.groupby(column, sort=True)[RESOLVED]
    table = pd.DataFrame({RAISED: grouped.size(), RESOLVED: grouped.sum()}).astype("int64")
    table[OPEN] = table[RAISED] - table[RESOLVED]
    return table.reset_index().sort_values(RAISED, ascending=False, kind="stable").reset_index(drop=True)
