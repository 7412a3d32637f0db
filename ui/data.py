"""The only place that caches: the engine per URL, and small results keyed by small values."""

from __future__ import annotations

import streamlit as st

from data_access.areas import AreaPath
from data_access.engine import Engine, get_engine
from data_access.lookups import fetch_meta
from metrics.periods import Week
from metrics.report import Figure
from services.report import weekly_report
from settings import Settings

SETTINGS = Settings.from_env()


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


@st.cache_data(ttl=SETTINGS.cache_ttl_seconds, max_entries=256, show_spinner=False)
def load_report(week: str, area: str, data_version: str) -> dict[str, dict[str, Figure]]:
    """The 14 indicators for a week and area; `data_version` makes a load invalidate the cache."""
    return weekly_report(engine(), week=Week.parse(week), area=AreaPath.parse(area), thresholds=SETTINGS.thresholds)
