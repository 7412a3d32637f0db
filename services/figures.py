"""Weekly figures for the dashboard: a run of weeks, or one row per child area; precomputed where possible."""

from __future__ import annotations

import pandas as pd

from data_access.areas import AreaPath, Scope
from data_access.engine import Engine
from data_access.figures import fetch_areas, fetch_totals_by_area
from data_access.lookups import fetch_meta, fetch_weekly_totals
from metrics import columns as c
from metrics.periods import Week
from metrics.tables import compute_child_table, compute_display_names, compute_indicator_table
from metrics.thresholds import Thresholds
from services.refresh import compute_area_totals, compute_community_summary
from services.report import summary_covers


def _covered(engine: Engine, weeks: list[Week], thresholds: Thresholds) -> bool:
    with engine.connect() as conn:
        return summary_covers(fetch_meta(conn), weeks, thresholds)


def week_totals(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], thresholds: Thresholds
) -> pd.DataFrame:
    """One row per week (indexed by week_start, every week present): the summed SUMMARY_COUNTS of `area`."""
    if _covered(engine, weeks, thresholds):
        with engine.connect() as conn:
            totals = fetch_weekly_totals(conn, scope=scope, area=area, week_starts=[w.start for w in weeks])
    else:
        totals = compute_area_totals(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    rows = [{name: totals.get(w.start, {}).get(name) or 0 for name in c.SUMMARY_COUNTS} for w in weeks]
    return pd.DataFrame(rows, index=pd.Index([w.start for w in weeks], name=c.WEEK_START))


def totals_by_area(
    engine: Engine, *, scope: Scope, area: AreaPath, weeks: list[Week], level: str, thresholds: Thresholds
) -> pd.DataFrame:
    """The summed SUMMARY_COUNTS of each area of `level` under `area`, per week.

    Columns: week_start, path, then SUMMARY_COUNTS. An area without figures in a week has no row for it.
    """
    if _covered(engine, weeks, thresholds):
        with engine.connect() as conn:
            return fetch_totals_by_area(conn, scope=scope, area=area, week_starts=[w.start for w in weeks], level=level)
    summary = compute_community_summary(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    with engine.connect() as conn:
        areas = fetch_areas(conn)
    depth = {"district": 1, "street": 2, "community": 3}[level]
    paths = areas.set_index(c.AREA_ID)[c.PATH].map(lambda p: "/".join(p.split("/")[:depth]))
    return (
        summary.assign(**{c.PATH: summary[c.COMMUNITY_ID].map(paths)})
        .groupby([c.WEEK_START, c.PATH], as_index=False)[list(c.SUMMARY_COUNTS)]
        .sum()
    )


def trend_table(
    engine: Engine, *, scope: Scope, area: AreaPath, week: Week, weeks: int, thresholds: Thresholds
) -> pd.DataFrame:
    """Every indicator for each of the `weeks` weeks ending with `week`, indexed by the week's name (2026-W46)."""
    run = [week.shifted(-i) for i in range(weeks - 1, -1, -1)]
    totals = week_totals(engine, scope=scope, area=area, weeks=run, thresholds=thresholds)
    return compute_indicator_table(totals).set_axis([str(w) for w in run]).rename_axis(c.WEEK_START)


def area_table(
    engine: Engine, *, scope: Scope, area: AreaPath, week: Week, level: str, thresholds: Thresholds
) -> pd.DataFrame:
    """One row per area of `level` under `area`: path, name (metrics.tables.compute_display_names), every indicator
    for the week and, prefixed `previous_`, for the week before."""
    totals = totals_by_area(
        engine, scope=scope, area=area, weeks=[week, week.previous], level=level, thresholds=thresholds
    )
    table = compute_child_table(totals, week_start=week.start, previous_start=week.previous.start)
    return table.assign(**{c.NAME: compute_display_names(table[c.PATH])})
