"""Build the synthetic city into a database: generate, load, precompute."""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

from data_access.engine import Engine
from data_access.loading import Progress, replace_all_data
from metrics.thresholds import Thresholds
from sample_data.generate import data_end, generate
from services.accounts import create_demo_accounts
from services.refresh import refresh_from_tables

log = logging.getLogger(__name__)


def build_sample(
    engine: Engine,
    *,
    seed: int,
    until: date,
    size: str,
    thresholds: Thresholds,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Replace the database's data with the synthetic city; returns the rows per table."""
    started = time.perf_counter()
    if progress:
        progress("generate", 0, 1)
    tables = generate(seed, until=until, size=size)
    if progress:
        progress("generate", 1, 1)
    log.info("generated %s city in %.1f s", size, time.perf_counter() - started)
    meta = {
        "data_kind": "synthetic",
        "sample_seed": str(seed),
        "sample_size": size,
        "sample_until": data_end(until).isoformat(),
    }
    replace_all_data(engine, tables, meta=meta, progress=progress)
    refresh_from_tables(engine, tables, thresholds=thresholds, until=data_end(until), progress=progress)
    create_demo_accounts(engine, now=datetime.combine(until, datetime.min.time()) + timedelta(hours=12))
    log.info("built %s city in %.1f s", size, time.perf_counter() - started)
    return {name: len(frame) for name, frame in tables.items()}
