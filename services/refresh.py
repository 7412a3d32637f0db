"""Precompute the weekly figures per community after each load, and compute them from raw records."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd

from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.engine import Engine
from data_access.loading import Progress, replace_weekly_stats
from data_access.lookups import fetch_meta
from data_access.records import (
    fetch_city_records,
    fetch_community_ids,
    fetch_contacts,
    fetch_demands,
    fetch_member_events,
    fetch_members,
    fetch_stations,
    fetch_visits,
    fetch_volunteer,
)
from metrics import columns as c
from metrics.indicators import CityArrays, compute_date_span, compute_weekly_summary, prepare_city
from metrics.periods import Week, last_complete_week, today_in_china
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
        demands=tables.get("demands"),
        member_events=tables.get("member_changes"),
    )


def summary_weeks(city: CityArrays, until: date | None) -> list[Week]:
    """The weeks to precompute: from the first activity record (at most three years back) to the latest or `until`.

    Before the first contact, visit or volunteer record the figures say little, and a week outside
    the precomputed range is still computed on demand.
    """
    span = compute_date_span(city)
    if span is None:
        return []
    first, last = Week.containing(span[0]), Week.containing(max(span[1], until or span[1]))
    first = max(first, last.shifted(-(MAX_SUMMARY_WEEKS - 1)))
    return [first.shifted(i) for i in range((last.start - first.start).days // 7 + 1)]


def _summary_on_every_core(
    city: CityArrays, week_ends: list[date], thresholds: Thresholds, progress: Progress | None
) -> pd.DataFrame:
    """compute_weekly_summary a week per task on a thread per core: weeks are independent, and numpy releases
    the GIL in its searches and sorts (104 city weeks: 12 s on one core, 8 s on two). Progress is reported
    from the calling thread, where Streamlit's progress bar lives."""
    if not week_ends:
        return compute_weekly_summary(city, week_ends=[], thresholds=thresholds)

    def one_week(end: date) -> pd.DataFrame:
        return compute_weekly_summary(city, week_ends=[end], thresholds=thresholds)

    frames = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for done, frame in enumerate(pool.map(one_week, week_ends), start=1):
            frames.append(frame)
            if progress:
                progress("weekly_stats", done, len(week_ends))
    return pd.concat(frames, ignore_index=True)


def read_data_version(engine: Engine) -> str:
    """The data version, read before the records a refresh computes from: should a write commit in
    between, the figures record the older version and are taken for stale (safe), never the reverse."""
    with engine.connect() as conn:
        return fetch_meta(conn).get("data_version", "0")


def _store_summary(
    engine: Engine,
    city: CityArrays,
    *,
    data_version: str,
    thresholds: Thresholds,
    until: date | None,
    progress: Progress | None,
) -> int:
    started = time.perf_counter()
    weeks = summary_weeks(city, until)
    summary = _summary_on_every_core(city, [w.end for w in weeks], thresholds, progress)
    meta = {"summary_thresholds": thresholds.as_text(), "stats_data_version": data_version}
    if weeks:
        meta |= {"summary_first_week": weeks[0].start.isoformat(), "summary_last_week": weeks[-1].start.isoformat()}
    replace_weekly_stats(engine, summary, meta=meta)
    log.info("weekly figures for %d weeks in %.1f s", len(weeks), time.perf_counter() - started)
    return len(weeks)


def refresh_from_tables(
    engine: Engine,
    tables: Mapping[str, pd.DataFrame],
    *,
    thresholds: Thresholds,
    until: date | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute and store the weekly figures from in-memory tables (just written, as by build_sample);
    returns the number of weeks."""
    data_version = read_data_version(engine)
    city = city_from_tables(tables, thresholds)
    return _store_summary(
        engine, city, data_version=data_version, thresholds=thresholds, until=until, progress=progress
    )


def refresh_from_database(engine: Engine, *, thresholds: Thresholds, progress: Progress | None = None) -> int:
    """Recompute and store the weekly figures from every record in the database (after an import, or when
    they are stale)."""
    data_version = read_data_version(engine)
    records = fetch_city_records(engine)
    with engine.connect() as conn:
        community_ids = fetch_community_ids(conn, scope=CITY_SCOPE, area=AreaPath())
    city = prepare_city(
        records.pop("members"),
        records.pop("contacts"),
        records.pop("stations"),
        records.pop("visits"),
        records.pop("volunteer"),
        station_radius_m=thresholds.station_radius_m,
        community_ids=community_ids,
        demands=records.pop("demands"),
        member_events=records.pop("member_events"),
    )
    until = last_complete_week(today_in_china()).end
    return _store_summary(
        engine, city, data_version=data_version, thresholds=thresholds, until=until, progress=progress
    )


def compute_community_summary(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> pd.DataFrame:
    """Per community of `area` and week: every SUMMARY_COUNTS column, computed from the raw records."""
    city = load_area_city(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    return compute_weekly_summary(city, week_ends=[w.end for w in weeks], thresholds=thresholds)


def load_area_city(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> CityArrays:
    """The raw records of `area` that the figures of `weeks` need, indexed (metrics.indicators.prepare_city)."""
    first, last = min(weeks), max(weeks)
    with engine.connect() as conn:
        return prepare_city(
            fetch_members(conn, scope=scope, area=area),
            fetch_contacts(conn, scope=scope, area=area, end=last.end),
            fetch_stations(conn, scope=scope),
            fetch_visits(conn, scope=scope, area=area, start=first.start, end=last.end),
            fetch_volunteer(conn, scope=scope, area=area, start=first.start, end=last.end),
            station_radius_m=thresholds.station_radius_m,
            community_ids=fetch_community_ids(conn, scope=scope, area=area),
            demands=fetch_demands(conn, scope=scope, area=area),
            member_events=fetch_member_events(conn, scope=scope, area=area),
        )


def compute_area_totals(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> dict[date, dict[str, float]]:
    """The summed weekly figures of `area` for `weeks`, computed from the raw records."""
    summary = compute_community_summary(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    sums = summary.groupby(c.WEEK_START)[list(c.SUMMARY_COUNTS)].sum()
    return {w.start: sums.loc[w.start].to_dict() if w.start in sums.index else {} for w in weeks}
