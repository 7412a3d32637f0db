"""Precompute the weekly figures per community after each load, and compute them from raw records."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import date

import pandas as pd

from data_access.areas import AreaPath
from data_access.engine import Engine
from data_access.loading import Progress, replace_weekly_stats
from data_access.records import (
    fetch_community_ids,
    fetch_contacts,
    fetch_members,
    fetch_stations,
    fetch_visits,
    fetch_volunteer,
)
from metrics import columns as c
from metrics.indicators import CityArrays, compute_weekly_summary, prepare_city
from metrics.periods import Week
from metrics.thresholds import Thresholds

log = logging.getLogger(__name__)

MAX_SUMMARY_WEEKS = 156  # three years; older weeks are computed on demand


def city_from_tables(tables: Mapping[str, pd.DataFrame], thresholds: Thresholds) -> CityArrays:
    """Index frames shaped like the database tables (as sample_data generates them)."""
    areas = tables["areas"]
    return prepare_city(
        tables["members"].rename(columns={"id": c.MEMBER_ID}),
        tables["contacts"],
        tables["stations"].rename(columns={"id": c.STATION_ID}),
        tables["station_visits"],
        tables["volunteer_records"],
        station_radius_m=thresholds.station_radius_m,
        community_ids=areas.loc[areas["level"] == "community", "id"].to_numpy(),
    )


def summary_weeks(tables: Mapping[str, pd.DataFrame], until: date | None) -> list[Week]:
    """The weeks to precompute: from the first activity record (at most three years back) to the latest or `until`.

    Before the first contact, visit or volunteer record the figures say little, and a week outside
    the precomputed range is still computed on demand.
    """

    def span(frame: pd.DataFrame, column: str) -> list[tuple]:
        return [(pd.Timestamp(frame[column].min()), pd.Timestamp(frame[column].max()))] if len(frame) else []

    activity = [
        *span(tables["contacts"], "contacted_on"),
        *span(tables["station_visits"], "visited_at"),
        *span(tables["volunteer_records"], "activity_on"),
    ]
    spans = activity + span(tables["members"], "registered_on")
    if not spans:
        return []
    first = Week.containing(min(low for low, _ in activity or spans).date())
    last = Week.containing(max(high for _, high in spans).date())
    if until is not None:
        last = max(last, Week.containing(until))
    first = max(first, last.shifted(-(MAX_SUMMARY_WEEKS - 1)))
    return [first.shifted(i) for i in range((last.start - first.start).days // 7 + 1)]


def refresh_from_tables(
    engine: Engine,
    tables: Mapping[str, pd.DataFrame],
    *,
    thresholds: Thresholds,
    until: date | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute and store the weekly figures from in-memory tables; returns the number of weeks."""
    started = time.perf_counter()
    weeks = summary_weeks(tables, until)
    summary = compute_weekly_summary(
        city_from_tables(tables, thresholds),
        week_ends=[w.end for w in weeks],
        thresholds=thresholds,
        on_week=(lambda done, total: progress("weekly_stats", done, total)) if progress else None,
    )
    meta = {"summary_thresholds": thresholds.as_text()}
    if weeks:
        meta |= {"summary_first_week": weeks[0].start.isoformat(), "summary_last_week": weeks[-1].start.isoformat()}
    replace_weekly_stats(engine, summary, meta=meta)
    log.info("weekly figures for %d weeks in %.1f s", len(weeks), time.perf_counter() - started)
    return len(weeks)


def compute_area_totals(
    engine: Engine, *, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> dict[date, dict[str, float]]:
    """The summed weekly figures of `area` for `weeks`, computed from the raw records."""
    first, last = min(weeks), max(weeks)
    with engine.connect() as conn:
        city = prepare_city(
            fetch_members(conn, area=area),
            fetch_contacts(conn, area=area, end=last.end),
            fetch_stations(conn),
            fetch_visits(conn, area=area, start=first.start, end=last.end),
            fetch_volunteer(conn, area=area, start=first.start, end=last.end),
            station_radius_m=thresholds.station_radius_m,
            community_ids=fetch_community_ids(conn, area=area),
        )
    summary = compute_weekly_summary(city, week_ends=[w.end for w in weeks], thresholds=thresholds)
    sums = summary.groupby(c.WEEK_START)[list(c.SUMMARY_COUNTS)].sum()
    return {w.start: sums.loc[w.start].to_dict() if w.start in sums.index else {} for w in weeks}
