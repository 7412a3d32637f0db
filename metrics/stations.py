"""Station usage for one period: busiest and quietest stations, idle stations, visits by weekday x hour and
by service.

Definitions (PRODUCT.md): a station and its visits belong to the station's community; visits count
records dated S..E; a station is open by E when opened on or before E, or when its opening date is
unknown; idle stations are the open ones with no visit dated S..E.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics import columns as c
from metrics.indicators import require_columns
from metrics.ordering import sort_by_pinyin

# Frame columns of this module (and of data_access/stations.py)
VISITS = "visits"
COMMUNITY = "community"
KIND = "kind"
DEMAND = "demand"  # the service code of 诉求反映
OTHER_SERVICE = "other"

COUNT_COLUMNS = (c.STATION_ID, c.NAME, c.PATH, COMMUNITY, KIND, c.OPENED_ON, VISITS)
TIME_COLUMNS = (c.VISITED_AT, c.SERVICE)
WEEKDAYS = range(7)  # Monday = 0
HOURS = range(24)
TOP_STATIONS = 10


@dataclass(frozen=True)
class VisitPatterns:
    """When and for what the period's visits came: a weekday x hour matrix, counts per service, demands."""

    heatmap: pd.DataFrame  # index weekday 0..6 (Monday first), columns hour 0..23, visit counts
    by_service: pd.DataFrame  # columns service, visits: every service code, busiest first
    demands: int  # visits for 诉求反映 (service "demand")
    total: int


def compute_open_stations(counts: pd.DataFrame, *, end: date) -> pd.DataFrame:
    """The stations open by `end`: opened on or before it, or with no opening date. Same columns."""
    require_columns(counts, COUNT_COLUMNS, "station counts")
    opened = pd.to_datetime(counts[c.OPENED_ON])
    return counts[opened.isna() | (opened <= pd.Timestamp(end))]


def compute_busiest_quietest(
    counts: pd.DataFrame, *, end: date, top: int = TOP_STATIONS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `top` busiest open stations (most visits first) and the `top` quietest (fewest first).

    With 2 x `top` open stations or fewer, splitting them would say nothing: the first frame holds
    them all (most visits first) and the second is empty. Ties go by name in pinyin order, so the order is stable.
    """
    open_stations = sort_by_pinyin(compute_open_stations(counts, end=end), c.NAME)
    ranked = open_stations.sort_values(VISITS, ascending=False, kind="stable")
    if len(ranked) <= 2 * top:
        return ranked.reset_index(drop=True), ranked.iloc[0:0].reset_index(drop=True)
    quietest = open_stations.sort_values(VISITS, ascending=True, kind="stable").head(top)
    return ranked.head(top).reset_index(drop=True), quietest.reset_index(drop=True)


def compute_idle_stations(counts: pd.DataFrame, *, end: date) -> pd.DataFrame:
    """The open stations with no visit in the period, by area path and name (pinyin order).

    Columns: name, path, community, kind, opened_on. Its length is the report's idle_stations.
    """
    open_stations = compute_open_stations(counts, end=end)
    idle = open_stations[open_stations[VISITS] == 0]
    columns = [c.NAME, c.PATH, COMMUNITY, KIND, c.OPENED_ON]
    return sort_by_pinyin(idle, [c.PATH, c.NAME])[columns].reset_index(drop=True)


def compute_visit_heatmap(times: pd.DataFrame) -> pd.DataFrame:
    """Visits per weekday (rows 0..6, Monday first) and hour of the day (columns 0..23), zeros included."""
    require_columns(times, TIME_COLUMNS, "visit times")
    stamps = pd.to_datetime(times[c.VISITED_AT])
    weekday = stamps.dt.day_of_week.to_numpy(dtype=np.int64)
    hour = stamps.dt.hour.to_numpy(dtype=np.int64)
    cells = np.bincount(weekday * 24 + hour, minlength=7 * 24) if len(times) else np.zeros(7 * 24, dtype=np.int64)
    return pd.DataFrame(
        cells.reshape(7, 24), index=pd.Index(WEEKDAYS, name="weekday"), columns=pd.Index(HOURS, name="hour")
    )


def compute_visits_by_service(times: pd.DataFrame) -> pd.DataFrame:
    """Visits per service code, every code of metrics.columns.SERVICES included (0 where none), busiest first.

    A visit with no service, or a code outside the list, counts as "other", so the column sums to
    the period's visits. Ties keep the order of SERVICES. Columns: service, visits.
    """
    require_columns(times, TIME_COLUMNS, "visit times")
    services = times[c.SERVICE].where(times[c.SERVICE].isin(c.SERVICES), OTHER_SERVICE)
    per_service = services.value_counts().reindex(list(c.SERVICES), fill_value=0).astype("int64")
    frame = per_service.rename_axis(c.SERVICE).reset_index(name=VISITS)
    return frame.sort_values(VISITS, ascending=False, kind="stable").reset_index(drop=True)


def compute_visit_patterns(times: pd.DataFrame) -> VisitPatterns:
    """The weekday x hour matrix, the counts per service and the demands of one period's visits."""
    by_service = compute_visits_by_service(times)
    demands = int(by_service.loc[by_service[c.SERVICE] == DEMAND, VISITS].sum())
    return VisitPatterns(heatmap=compute_visit_heatmap(times), by_service=by_service, demands=demands, total=len(times))
