"""On the very first start with the embedded SQLite file, build the demo city so there is something to see;
on any start after an import was interrupted before its refresh, recompute the weekly figures once."""

from __future__ import annotations

import logging
from collections.abc import Callable
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

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


def _needs_demo_city(meta: dict[str, str]) -> bool:
    """Whether this is the embedded SQLite file with no data yet (a configured database is never filled)."""
    if meta.get("data_kind") == "synthetic" and not has_accounts(engine()):
        create_demo_accounts(engine(), now=datetime.now(TIMEZONE).replace(tzinfo=None))  # built before accounts
    return not Settings.from_env().database_url and "data_kind" not in meta


def _build_demo_city(progress: Progress) -> None:
    until = last_complete_week(today_in_china()).end
    build_sample(engine(), seed=20261122, until=until, size="demo", thresholds=SETTINGS.thresholds, progress=progress)


def prepare_at_start() -> None:
    """Before the server takes requests (server.py): build the demo city if need be, so that the sign-in page
    can name its accounts and the first visitor waits for nothing; and recompute stale weekly figures (after a
    schema upgrade adds indicators, say), which in a script run would keep the first visitor behind a progress
    bar and Streamlit's own page list. Progress goes to the log."""
    if _needs_demo_city(load_meta()):
        log.info("building the synthetic demo city before the server takes requests")
        shown: set[str] = set()

        def progress(table: str, done: int, total: int) -> None:
            if table not in shown:
                shown.add(table)
                log.info("demo city: %s", table)

        _build_demo_city(progress)
        log.info("demo city built")
    meta = load_meta()
    if "data_kind" in meta and not figures_fresh(meta):
        log.info("recomputing the weekly figures before the server takes requests")
        with refresh_lock():
            refresh_from_database(engine(), thresholds=SETTINGS.thresholds)
        log.info("weekly figures recomputed")


def ensure_demo_city() -> None:
    """In a script run (app.py without server.py, as in tests): the same, with a progress bar on the page."""
    if not _needs_demo_city(load_meta()):
        return
    bar = st.progress(0.0, text=labels.FIRST_RUN_BUILDING)

    def progress(table: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{labels.FIRST_RUN_BUILDING} {labels.LOAD_STAGES[table]}")

    _build_demo_city(progress)
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
