"""On the very first start with the embedded SQLite file, build the demo city so there is something to see;
on any start after an import was interrupted before its refresh, recompute the weekly figures once."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from metrics.periods import TIMEZONE, last_complete_week, today_in_china
from services.accounts import create_demo_accounts, has_accounts
from services.refresh import refresh_from_database
from services.report import figures_fresh
from services.sample import build_sample
from settings import Settings
from ui import labels
from ui.data import SETTINGS, engine, load_meta, refresh_lock


def ensure_demo_city() -> None:
    """Build the synthetic demo city when the default database holds no data yet; give a synthetic city built
    before accounts existed its demo accounts."""
    meta = load_meta()
    if meta.get("data_kind") == "synthetic" and not has_accounts(engine()):
        create_demo_accounts(engine(), now=datetime.now(TIMEZONE).replace(tzinfo=None))
    if Settings.from_env().database_url or "data_kind" in meta:
        return
    bar = st.progress(0.0, text=labels.FIRST_RUN_BUILDING)

    def progress(table: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{labels.FIRST_RUN_BUILDING} {labels.LOAD_STAGES[table]}")

    build_sample(
        engine(),
        seed=20261122,
        until=last_complete_week(today_in_china()).end,
        size="demo",
        thresholds=SETTINGS.thresholds,
        progress=progress,
    )
    bar.empty()


def refresh_stale_figures() -> None:
    """Recompute the weekly figures when they were computed from older data (an import was interrupted
    before its refresh, or the database predates stats_data_version). Meanwhile, and for any session that
    runs before this ends, the figures are computed from the raw records: correct, only slower."""
    meta = load_meta()
    if "data_kind" not in meta or figures_fresh(meta):
        return
    bar = st.progress(0.0, text=labels.FIGURES_REFRESHING)
    with refresh_lock():
        if not figures_fresh(load_meta()):  # another session may have done it while this one waited

            def progress(stage: str, done: int, total: int) -> None:
                bar.progress(min(done / max(total, 1), 1.0), text=labels.FIGURES_REFRESHING)

            refresh_from_database(engine(), thresholds=SETTINGS.thresholds, progress=progress)
    bar.empty()
