"""The weekly report: every indicator for a week and the week before, for one area."""

from __future__ import annotations

import difflib
import logging
from datetime import date

from data_access.areas import AreaPath, Scope
from data_access.engine import Engine
from data_access.lookups import area_exists, fetch_area_paths, fetch_meta, fetch_weekly_totals
from metrics.periods import Week
from metrics.report import Figure, compute_report
from metrics.thresholds import Thresholds

log = logging.getLogger(__name__)


class UnknownAreaError(LookupError):
    """The area is not in the database; `suggestions` holds the nearest known paths."""

    def __init__(self, area: AreaPath, suggestions: list[str]) -> None:
        super().__init__(str(area))
        self.area = area
        self.suggestions = suggestions


def check_area(engine: Engine, area: AreaPath) -> None:
    """Raise UnknownAreaError, with the nearest names, when `area` is not known."""
    with engine.connect() as conn:
        if area_exists(conn, area):
            return
        paths = fetch_area_paths(conn)
    last = area.parts[-1]
    close = [p for p in paths if p.endswith("/" + last) or p == last]
    close += difflib.get_close_matches(str(area), paths, n=5, cutoff=0.3)
    raise UnknownAreaError(area, list(dict.fromkeys(close))[:5])


def figures_fresh(meta: dict[str, str]) -> bool:
    """Whether the precomputed weekly figures were computed from the data as it is now.

    Every write of data bumps data_version in its own transaction; the refresh records the version it read
    as stats_data_version. They differ after an import interrupted before its refresh (or in a database
    from before stats_data_version): then reads compute from the raw records until the next refresh.
    """
    return meta.get("stats_data_version") == meta.get("data_version", "0")


def summary_covers(meta: dict[str, str], weeks: list[Week], thresholds: Thresholds) -> bool:
    """Whether the precomputed weekly figures hold these weeks, computed with these thresholds from the data
    as it is now: the one place that chooses between precomputed figures and the raw records."""
    held = summary_range(meta, thresholds)
    if not figures_fresh(meta) or held is None:
        return False
    return all(held[0] <= week.start <= held[1] for week in weeks)


def summary_range(meta: dict[str, str], thresholds: Thresholds) -> tuple[date, date] | None:
    """The precomputed weeks (the first and last one's start), if computed with these thresholds."""
    if meta.get("summary_thresholds") != thresholds.as_text() or "summary_first_week" not in meta:
        return None
    return date.fromisoformat(meta["summary_first_week"]), date.fromisoformat(meta["summary_last_week"])


def weekly_report(
    engine: Engine, *, scope: Scope, week: Week, area: AreaPath, thresholds: Thresholds
) -> dict[str, dict[str, Figure]]:
    """`{indicator: {"value", "previous"}}` for `week` and the week before, over `area` (within `scope`)."""
    check_area(engine, area)
    weeks = [week, week.previous]
    with engine.connect() as conn:
        if summary_covers(fetch_meta(conn), weeks, thresholds):
            totals = fetch_weekly_totals(conn, scope=scope, area=area, week_starts=[w.start for w in weeks])
            return compute_report(totals.get(week.start, {}), totals.get(week.previous.start, {}))
    # Outside the precomputed weeks, other thresholds or stale figures: compute from the raw records.
    from services.refresh import compute_area_totals

    log.info("report for %s %s computed from raw records", week, area)
    totals = compute_area_totals(engine, scope=scope, area=area, weeks=weeks, thresholds=thresholds)
    return compute_report(totals[week.start], totals[week.previous.start])
