"""What the 周例会 deck and the Monday digest are built from, read once for a week and an area."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.areas import AreaPath, Scope
from data_access.engine import Engine
from metrics.periods import Week
from metrics.report import Figure
from metrics.thresholds import Thresholds
from services.figures import area_table, trend_table
from services.movers import WhatMoved, what_moved
from services.report import weekly_report

TREND_WEEKS = 12  # the weeks of each indicator slide's trend


@dataclass(frozen=True)
class ReviewInputs:
    """The deck's figures (ui.slides.compose_slides): no personal data, only figures of areas."""

    report: dict[str, dict[str, Figure]]  # services.report.weekly_report
    trend: pd.DataFrame  # services.figures.trend_table over TREND_WEEKS weeks
    children: pd.DataFrame  # services.figures.area_table of the child level; empty at community level
    moved: WhatMoved
    below: pd.DataFrame | None  # the level under the children (the city's streets), None when there is none


def review_inputs(engine: Engine, *, scope: Scope, week: Week, area: AreaPath, thresholds: Thresholds) -> ReviewInputs:
    """Everything the review's deck needs for `week` and `area` (UnknownAreaError for an unknown area): the same
    reads as the 周例会 page's cached loaders, for the command line."""
    view = {"engine": engine, "scope": scope, "area": area, "week": week, "thresholds": thresholds}
    report = weekly_report(**view)
    levels = area.levels_below
    children = area_table(**view, level=levels[0]) if levels else pd.DataFrame()
    below = area_table(**view, level=levels[1]) if len(levels) > 1 else None
    return ReviewInputs(
        report=report,
        trend=trend_table(**view, weeks=TREND_WEEKS),
        children=children,
        moved=what_moved(**view),
        below=below,
    )
