"""The only place that caches: the engine per URL, and small results keyed by small values.

Every loader takes the week and area as text and the database's data_version, so an import
(which bumps data_version) invalidates what was cached before it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.areas import AreaPath
from data_access.engine import Engine, get_engine
from data_access.figures import fetch_areas, fetch_registrations_by_channel
from data_access.lookups import fetch_meta
from metrics import columns as c
from metrics.periods import Week
from metrics.report import Figure
from metrics.tables import compute_child_table, compute_indicator_table
from services.figures import totals_by_area, week_totals
from services.report import weekly_report
from settings import Settings

SETTINGS = Settings.from_env()
TREND_WEEKS = 12
_cached = st.cache_data(ttl=SETTINGS.cache_ttl_seconds, max_entries=256, show_spinner=False)


@st.cache_resource
def load_engine(url: str) -> Engine:
    return get_engine(url)


def engine() -> Engine:
    """The engine for DATABASE_URL as it is now (read each run, so a test or a restart can point elsewhere)."""
    return load_engine(Settings.from_env().resolved_database_url)


def load_meta() -> dict[str, str]:
    """Read on every run (one tiny query): its data_version keys the cached results below."""
    with engine().connect() as conn:
        return fetch_meta(conn)


@_cached
def load_areas(data_version: str) -> pd.DataFrame:
    """Every area (district, street, community) with its path and names, for pickers and breadcrumbs."""
    with engine().connect() as conn:
        return fetch_areas(conn)


@_cached
def load_report(week: str, area: str, data_version: str) -> dict[str, dict[str, Figure]]:
    """The 14 indicators for a week and area, exactly as `cli.py report` gives them."""
    return weekly_report(engine(), week=Week.parse(week), area=AreaPath.parse(area), thresholds=SETTINGS.thresholds)


@_cached
def load_trend(week: str, area: str, data_version: str, weeks: int = TREND_WEEKS) -> pd.DataFrame:
    """The 14 indicators for each of the `weeks` weeks ending with `week`, indexed by the week's name (2026-W46)."""
    last = Week.parse(week)
    run = [last.shifted(-i) for i in range(weeks - 1, -1, -1)]
    totals = week_totals(engine(), area=AreaPath.parse(area), weeks=run, thresholds=SETTINGS.thresholds)
    return compute_indicator_table(totals).set_axis([str(w) for w in run]).rename_axis(c.WEEK_START)


@_cached
def load_children(week: str, area: str, data_version: str) -> pd.DataFrame:
    """One row per child area of `area` (districts of the city, and so on): path, name, the 14 indicators
    for the week and, prefixed `previous_`, for the week before. Empty at community level."""
    parent = AreaPath.parse(area)
    if parent.child_level is None:
        return pd.DataFrame()
    current = Week.parse(week)
    totals = totals_by_area(
        engine(),
        area=parent,
        weeks=[current, current.previous],
        level=parent.child_level,
        thresholds=SETTINGS.thresholds,
    )
    table = compute_child_table(totals, week_start=current.start, previous_start=current.previous.start)
    return table.assign(**{c.NAME: table[c.PATH].str.rsplit("/", n=1).str[-1]})


@_cached
def load_registrations_by_channel(week: str, area: str, data_version: str) -> pd.DataFrame:
    """New registrations of the week per channel code. Columns: channel, registrations."""
    current = Week.parse(week)
    with engine().connect() as conn:
        return fetch_registrations_by_channel(conn, area=AreaPath.parse(area), start=current.start, end=current.end)
