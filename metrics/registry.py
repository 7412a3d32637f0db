"""Every indicator of the weekly report, declared once; the lists the rest of the code uses are derived here.

An indicator is computed from additive parts: per-community weekly figures that weekly_stats stores and that sum
over any area (see metrics.indicators.compute_community_week). Adding one is a declaration below, its Chinese
label and short header in ui/labels.py, its definition row in README.md and, when it needs a part not yet
stored, that part in compute_community_week (a new weekly_stats column, so a schema version).
tests/test_registry.py checks that each declaration has all of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate", "mean"]


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    kind: "count" is its one part as it is; "rate" (a share, 0..1) and "mean" (per unit, any size) divide the
        first part by the second, and are null when the second is 0.
    parts: the additive weekly_stats columns it is computed from: (count,) or (numerator, denominator).
    lower_is_better: True or False where a change is good or bad news and the lagging areas are marked;
        None for plain counts that mostly measure an area's size (members, visits, hours).
    decimals: as shown; for a rate, the decimals of its percentage (87.5% is 1). A count shown with decimals
        counts something fractional (hours): its part is stored as a float.
    group: the key of its group on the overview (titles in ui.labels.INDICATOR_GROUP_LABELS), groups in order.
    on_map: one of the indicators the coverage map may be coloured by.
    on_review: one of the weekly review's default slides (DASHBOARD_REVIEW_SLIDES).
    """

    key: str
    kind: Kind
    parts: tuple[str, ...]
    lower_is_better: bool | None
    decimals: int
    group: str
    on_map: bool = False
    on_review: bool = True

    def __post_init__(self) -> None:
        expected = 1 if self.kind == "count" else 2
        if self.kind not in ("count", "rate", "mean") or len(self.parts) != expected:
            raise ValueError(f"{self.key}: a {self.kind} has {expected} part(s), not {self.parts}")


# In PRODUCT.md's order, which is the report's, the overview's and the review's
INDICATORS: tuple[Indicator, ...] = (
    Indicator("active_members", "count", ("active_members",), None, 0, "registration"),
    Indicator("new_registrations", "count", ("new_registrations",), None, 0, "registration"),
    Indicator("contact_coverage", "rate", ("contacted_in_window", "active_members"), False, 1, "contact", on_map=True),
    Indicator("overdue", "count", ("overdue",), True, 0, "contact", on_map=True),
    Indicator("lost_contact", "count", ("lost_contact",), True, 0, "contact", on_map=True),
    Indicator("three_way_complete", "rate", ("three_way_complete", "active_members"), False, 1, "contact", on_map=True),
    Indicator("contacts_per_member_30d", "mean", ("contacts_in_window", "active_members"), False, 2, "contact"),
    Indicator("liaison_coverage", "rate", ("with_liaison", "active_members"), False, 1, "contact", on_map=True),
    Indicator("station_coverage", "rate", ("station_covered", "located_members"), False, 1, "service", on_map=True),
    Indicator("station_visits", "count", ("station_visits",), None, 0, "service"),
    Indicator("idle_stations", "count", ("idle_stations",), True, 0, "service"),
    Indicator("volunteer_hours", "count", ("volunteer_hours",), None, 1, "volunteer"),
    Indicator("volunteer_participants", "count", ("volunteer_participants",), None, 0, "volunteer"),
    Indicator(
        "volunteer_participation_rate",
        "rate",
        ("volunteer_participants", "active_members"),
        False,
        1,
        "volunteer",
        on_map=True,
    ),
    # From the demands ledger (metrics/demands.py computes their parts)
    Indicator("demands_raised", "count", ("demands_raised",), None, 0, "demand"),
    Indicator("demands_resolved", "count", ("demands_resolved",), None, 0, "demand"),
    Indicator(
        "demand_resolution_rate",
        "rate",
        ("demands_raised_in_window_resolved", "demands_raised_in_window"),
        False,
        1,
        "demand",
        on_map=True,
    ),
    Indicator("demand_mean_days", "mean", ("demand_days_in_window", "demands_resolved_in_window"), True, 1, "demand"),
    Indicator("demands_overdue_open", "count", ("demands_overdue_open",), True, 0, "demand", on_map=True),
    Indicator("wishes_fulfilled", "count", ("wishes_fulfilled",), None, 0, "demand"),
    Indicator(
        "demand_satisfaction_rate",
        "rate",
        ("demands_satisfied_in_window", "demands_rated_in_window"),
        False,
        1,
        "demand",
    ),
    # From the members ledger's verified_on (or a resolved reconciliation item)
    Indicator(
        "record_freshness_rate", "rate", ("verified_in_window", "active_members"), False, 1, "record", on_map=True
    ),
)

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}

# The report's keys (`cli.py report --json`), in order
REPORT_KEYS = tuple(BY_KEY)

# The week's member flows (what moved): how many active members changed state between the end of the week before
# and the end of this one, each a count stored beside the indicators' parts (metrics.indicators.compute_member_flows
# defines them). Flow key -> its weekly_stats part; a new registration is the indicator's own part.
FLOWS = {
    "newly_registered": "new_registrations",
    "newly_overdue": "newly_overdue",
    "recontacted": "recontacted",
    "newly_lost_contact": "newly_lost_contact",
    "newly_three_way_complete": "newly_three_way_complete",
    "left_active": "left_active",
}

# The weekly_stats columns the report sums: every part once, each indicator's denominator before its numerator
# (the population before what is counted in it), in report order; then the flows' own parts
_INDICATOR_PARTS = tuple(dict.fromkeys(part for indicator in INDICATORS for part in reversed(indicator.parts)))
FLOW_PARTS = tuple(part for part in FLOWS.values() if part not in _INDICATOR_PARTS)
SUMMARY_COUNTS = _INDICATOR_PARTS + FLOW_PARTS

# The demand indicators' parts (metrics/demands.py computes them; schema version 7 added them), in SUMMARY_COUNTS' order
DEMAND_PARTS = tuple(part for part in SUMMARY_COUNTS if any(part in i.parts for i in INDICATORS if i.group == "demand"))

# Parts that are not whole numbers (stored as floats): those of the counts shown with decimals
FRACTIONAL_PARTS = frozenset(i.parts[0] for i in INDICATORS if i.kind == "count" and i.decimals)

# Shares (0..1), shown as percentages
RATE_INDICATORS = frozenset(i.key for i in INDICATORS if i.kind == "rate")

# Judged indicators (lagging areas marked), and those where a rise is bad news (for the rest a rise is good)
JUDGED_INDICATORS = tuple(i.key for i in INDICATORS if i.lower_is_better is not None)
LOWER_IS_BETTER = frozenset(i.key for i in INDICATORS if i.lower_is_better)

DECIMALS = {i.key: i.decimals for i in INDICATORS}

# Group key → its indicators, groups in the order of their first indicator
GROUPS = {
    group: tuple(i.key for i in INDICATORS if i.group == group) for group in dict.fromkeys(i.group for i in INDICATORS)
}

MAP_INDICATORS = tuple(i.key for i in INDICATORS if i.on_map)
REVIEW_INDICATORS = tuple(i.key for i in INDICATORS if i.on_review)

# Whole counts are reported as int; fractional ones to hundredths, so float sums that differ in their last bits
# (SQLite's and PostgreSQL's, or pandas') report the same figure
FRACTIONAL_REPORT_DIGITS = 2

Figure = int | float | None


def _ratio(numerator: float, denominator: float) -> float | None:
    """A share or mean; null (never 0, never an error) when the denominator is zero."""
    return None if not denominator else numerator / denominator


def compute_value(indicator: Indicator, totals: dict[str, float]) -> Figure:
    """One indicator's figure from summed parts (every part present)."""
    if indicator.kind == "count":
        value = totals[indicator.parts[0]]
        return round(float(value), FRACTIONAL_REPORT_DIGITS) if indicator.decimals else int(value)
    numerator, denominator = (totals[part] for part in indicator.parts)
    return _ratio(numerator, denominator)
