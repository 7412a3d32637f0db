"""Precompute the weekly figures per community after each load, and compute them from raw records."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.engine import Engine
from data_access.loading import (
    Progress,
    keep_weekly_stats_between,
    replace_districts_weekly_stats,
    replace_weekly_stats,
    write_meta,
)
from data_access.lookups import fetch_meta
from data_access.records import (
    fetch_area_records,
    fetch_community_ids,
    fetch_district_sizes,
    fetch_record_span,
    fetch_stations,
    read_areas_records,
    read_record_districts,
)
from metrics import columns as c
from metrics.indicators import CityArrays, compute_date_span, compute_weekly_summary, prepare_city
from metrics.periods import Week, last_complete_week, today_in_china
from metrics.thresholds import Thresholds
from services.report import summary_range

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
    """The weeks to precompute for the records indexed in `city` (weeks_to_precompute)."""
    return weeks_to_precompute(compute_date_span(city), until)


def weeks_to_precompute(span: tuple[date, date] | None, until: date | None) -> list[Week]:
    """From the week of the first activity record (at most three years back) to that of the last record or `until`.

    Before the first contact, visit or volunteer record the figures say little, and a week outside
    the precomputed range is still computed on demand.
    """
    if span is None:
        return []
    return _weeks_to(Week.containing(span[0]), Week.containing(max(span[1], until or span[1])))


def weeks_after_import(stored: tuple[date, date], written: tuple[date, date] | None, until: date) -> list[Week]:
    """weeks_to_precompute after an import that wrote records dated `written` (first and last day) into a database
    whose precomputed weeks were `stored` (first and last week's start), without reading every record for the span:
    imports only add records. (A range that registrations alone made, before any activity, is kept as it was.)"""
    first, last = Week.containing(stored[0]), max(Week.containing(stored[1]), Week.containing(until))
    if written is not None:
        first, last = min(first, Week.containing(written[0])), max(last, Week.containing(written[1]))
    return _weeks_to(first, last)


def _weeks_to(first: Week, last: Week) -> list[Week]:
    """first..last, at most MAX_SUMMARY_WEEKS of them (the last ones)."""
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


def _summary_meta(weeks: list[Week], thresholds: Thresholds, data_version: str) -> dict[str, str]:
    """What the precomputed figures were computed with and from, as services.report reads it."""
    meta = {"summary_thresholds": thresholds.as_text(), "stats_data_version": data_version}
    if weeks:
        meta |= {"summary_first_week": weeks[0].start.isoformat(), "summary_last_week": weeks[-1].start.isoformat()}
    return meta


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
    replace_weekly_stats(engine, summary, meta=_summary_meta(weeks, thresholds, data_version))
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


REFRESHING = "refreshing"  # stats_data_version while a refresh writes: no data_version, so readers take raw records


@dataclass
class Touched:
    """What an import wrote, for a refresh of only what it changed: per member, station and community (the parts of
    the figures' records; a contact or volunteer record is its member's, a visit its station's, a demand its
    community's), the earliest day of a record written for it."""

    earliest: dict[str, pd.Series] = field(default_factory=dict)  # "members" etc. -> day by id
    span: tuple[date, date] | None = None  # the first and last day written

    def add(self, kind: str, frame: pd.DataFrame) -> None:
        """Checked rows of an activity ledger (data_access.schema.ACTIVITY_TABLES)."""
        part, key, day = TOUCHES[kind]
        if not len(frame):
            return
        dated = pd.to_datetime(frame[day]).dt.normalize()
        days = dated.groupby(frame[key].to_numpy(dtype=np.int64)).min()
        held = self.earliest.get(part)
        self.earliest[part] = days if held is None else pd.concat([held, days]).groupby(level=0).min()
        first, last = dated.min().date(), dated.max().date()
        self.span = (first, last) if self.span is None else (min(self.span[0], first), max(self.span[1], last))

    def district_days(self, districts: Mapping[str, pd.DataFrame]) -> dict[str, date]:
        """The earliest day written per district, given each part's ids and districts
        (data_access.records.read_record_districts)."""
        found: dict[str, date] = {}
        for part, days in self.earliest.items():
            where = districts[part].set_index("id")["district"]
            for district, day in days.groupby(where.reindex(days.index).to_numpy()).min().items():
                found[district] = min(found.get(district, day.date()), day.date())
        return found


TOUCHES = {  # activity table -> (the part its rows belong to, that part's id column, the day column)
    "contacts": ("members", c.MEMBER_ID, c.CONTACTED_ON),
    "volunteer_records": ("members", c.MEMBER_ID, c.ACTIVITY_ON),
    "station_visits": ("stations", c.STATION_ID, c.VISITED_AT),
    "demands": ("communities", c.COMMUNITY_ID, "raised_on"),
}


def plan_refresh(
    weeks: list[Week], districts: list[str], *, stored: tuple[date, date] | None, touched: dict[str, date] | None
) -> dict[str, list[Week]]:
    """Per district, the weeks to compute: all of them, unless the figures `stored` (first and last week's start)
    were fresh before an import that `touched` districts from a day on; then the weeks new to the range, and in a
    touched district every week ending on or after its day. Districts with nothing to compute are left out."""
    if stored is None or touched is None:
        return {district: weeks for district in districts} if weeks else {}
    new = [week for week in weeks if not stored[0] <= week.start <= stored[1]]
    plan = {}
    for district in districts:
        since = touched.get(district)
        chosen = sorted({*new, *(week for week in weeks if since is not None and week.end >= since)})
        if chosen:
            plan[district] = chosen
    return plan


PART_MEMBERS = 50_000  # districts are computed together up to this many members (a district larger stands alone)


def group_districts(
    plan: Mapping[str, list[Week]], sizes: Mapping[str, int], *, budget: int = PART_MEMBERS
) -> list[tuple[list[str], list[Week]]]:
    """The planned districts in parts of at most `budget` members (or one district), each with the weeks any of its
    districts needs: each part costs a fixed time per week, so small districts are not computed one by one."""
    parts: list[tuple[list[str], list[Week]]] = []
    members = 0
    for district, weeks in plan.items():
        if parts and members + sizes.get(district, 0) <= budget:
            names, held = parts[-1]
            parts[-1] = ([*names, district], sorted({*held, *weeks}))
            members += sizes.get(district, 0)
        else:
            parts.append(([district], weeks))
            members = sizes.get(district, 0)
    return parts


def refresh_from_database(
    engine: Engine, *, thresholds: Thresholds, progress: Progress | None = None, touched: Touched | None = None
) -> int:
    """Recompute and store the weekly figures from the records in the database, a part of the city at a time (a
    district, or small districts together: group_districts): a part's records are read, its weeks computed and
    written before the next part's are read, so memory grows with the largest part, not the city. With `touched`
    (what an import wrote, the figures having been fresh before it), only the touched districts from the week of
    their earliest record on, and every district for the weeks new to the range (plan_refresh). Returns the number
    of weeks precomputed."""
    data_version = read_data_version(engine)
    until = last_complete_week(today_in_china()).end
    with engine.begin() as conn:
        meta = fetch_meta(conn)
        stored = summary_range(meta, thresholds)
        if touched is not None and stored is not None:
            weeks = weeks_after_import(stored, touched.span, until)
        else:
            weeks = weeks_to_precompute(fetch_record_span(conn), until)
        sizes = fetch_district_sizes(conn)
        stations = fetch_stations(conn, scope=CITY_SCOPE)
        write_meta(conn, {"stats_data_version": REFRESHING})
    district_days = None if touched is None else touched.district_days(read_record_districts(engine))
    plan = plan_refresh(weeks, list(sizes), stored=stored, touched=district_days)
    parts = group_districts(plan, sizes, budget=PART_MEMBERS)
    started = time.perf_counter()
    reads = [
        (AreaPath((name,)), part_weeks[0].start, part_weeks[-1].end) for names, part_weeks in parts for name in names
    ]
    records = read_areas_records(engine, reads)
    for done, (names, part_weeks) in enumerate(parts, start=1):
        city = _indexed(_joined([next(records)[1] for _ in names]), stations, _community_ids(engine, names), thresholds)
        summary = _summary_on_every_core(city, [week.end for week in part_weeks], thresholds, None)
        del city
        replace_districts_weekly_stats(engine, summary, districts=names, week_starts=[w.start for w in part_weeks])
        if progress:
            progress("weekly_stats_parts", done, len(parts))
    records.close()
    if weeks:
        keep_weekly_stats_between(engine, weeks[0].start, weeks[-1].start)
    else:  # no records: no figures
        replace_weekly_stats(engine, pd.DataFrame(columns=[c.WEEK_START, c.COMMUNITY_ID, *c.SUMMARY_COUNTS]), meta={})
    with engine.begin() as conn:
        write_meta(conn, _summary_meta(weeks, thresholds, data_version))
    log.info("weekly figures: %d of %d districts in %d parts in %.1f s", len(plan), len(sizes), len(parts),
             time.perf_counter() - started)  # fmt: skip
    return len(weeks)


def _joined(frames: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Each table of several districts' records as one frame, each district's part let go of once joined."""
    joined = {}
    for name in list(frames[0]):
        pieces = [district.pop(name) for district in frames]
        joined[name] = pieces[0] if len(pieces) == 1 else pd.concat(pieces, ignore_index=True)
        del pieces
    return joined


def _community_ids(engine: Engine, districts: list[str]) -> list[int]:
    with engine.connect() as conn:
        return [i for name in districts for i in fetch_community_ids(conn, scope=CITY_SCOPE, area=AreaPath((name,)))]


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
    with engine.connect() as conn:
        records = fetch_area_records(conn, scope=scope, area=area, start=min(weeks).start, end=max(weeks).end)
        stations = fetch_stations(conn, scope=scope)
        community_ids = fetch_community_ids(conn, scope=scope, area=area)
    return _indexed(records, stations, community_ids, thresholds)


def _indexed(
    records: Mapping[str, pd.DataFrame], stations: pd.DataFrame, community_ids: list[int], thresholds: Thresholds
) -> CityArrays:
    """An area's records (data_access.records' fetch_area_records) and every station, indexed."""
    return prepare_city(
        records["members"],
        records["contacts"],
        stations,
        records["visits"],
        records["volunteer"],
        station_radius_m=thresholds.station_radius_m,
        community_ids=community_ids,
        demands=records["demands"],
        member_events=records["member_events"],
    )


def compute_area_totals(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> dict[date, dict[str, float]]:
    """The summed weekly figures of `area` for `weeks`, computed from the raw records."""
    summary = compute_community_summary(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    sums = summary.groupby(c.WEEK_START)[list(c.SUMMARY_COUNTS)].sum()
    return {w.start: sums.loc[w.start].to_dict() if w.start in sums.index else {} for w in weeks}
