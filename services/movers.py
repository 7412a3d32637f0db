"""What moved this week for one area: every indicator's change split over its child areas, and the member flows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.areas import AreaPath, Scope
from data_access.engine import Engine
from metrics import columns as c
from metrics.indicators import compute_member_flows, compute_member_states
from metrics.movers import CONTRIBUTION, compute_flows, compute_movers
from metrics.periods import Week
from metrics.registry import FLOWS
from metrics.thresholds import Thresholds
from services.figures import totals_by_area, week_totals
from services.refresh import load_area_city


@dataclass(frozen=True)
class WhatMoved:
    movers: dict[str, pd.DataFrame]  # indicator -> every child area (path, contribution), largest first
    flows: dict[str, int]  # flow (metrics.registry.FLOWS) -> members

    def as_json(self) -> dict:
        """`cli.py report --explain --json`'s "movers" and "flows"."""
        movers = {
            key: [
                {"area": path, "contribution": None if pd.isna(value) else float(value)}
                for path, value in zip(frame[c.PATH], frame[CONTRIBUTION], strict=True)
            ]
            for key, frame in self.movers.items()
        }
        return {"movers": movers, "flows": self.flows}


def what_moved(engine: Engine, *, scope: Scope, week: Week, area: AreaPath, thresholds: Thresholds) -> WhatMoved:
    """`week` against the week before, over `area` (within `scope`); a community has no child areas to list."""
    weeks = [week, week.previous]
    totals = week_totals(engine, scope=scope, area=area, weeks=[week], thresholds=thresholds)
    flows = compute_flows(totals.iloc[0].to_dict())
    if area.child_level is None:  # every indicator with no area to list
        by_area = pd.DataFrame(columns=[c.WEEK_START, c.PATH, *c.SUMMARY_COUNTS])
    else:
        by_area = totals_by_area(
            engine, scope=scope, area=area, weeks=weeks, level=area.child_level, thresholds=thresholds
        )
    return WhatMoved(compute_movers(by_area, week_start=week.start, previous_start=week.previous.start), flows)


def member_flows(engine: Engine, *, scope: Scope, area: AreaPath, week: Week, thresholds: Thresholds) -> pd.DataFrame:
    """Which members of `area` are in each of the week's flows: member_id, then one bool column per flow
    (metrics.registry.FLOWS), for the members in at least one. Computed from the raw records: meant for a street or
    a community, whose lists a page shows (masked) beside the counts."""
    city = load_area_city(engine, scope=scope, area=area, weeks=[week], thresholds=thresholds)
    states = compute_member_states(city, end=week.end, thresholds=thresholds)
    flows = compute_member_flows(city, states, end=week.end, thresholds=thresholds)
    frame = pd.DataFrame({c.MEMBER_ID: city.member_ids} | flows)
    return frame[frame[list(FLOWS)].any(axis=1)].reset_index(drop=True)[[c.MEMBER_ID, *FLOWS]]
