"""The report's 14 indicators from summed community figures (the additive parts of metrics/indicators.py).

Imports nothing heavy: the report command reads sums from the database and lands here.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.columns import REPORT_KEYS, SUMMARY_COUNTS

Figure = int | float | None


def _rate(numerator: float, denominator: float) -> float | None:
    """A share; null (never 0, never an error) when the denominator is zero."""
    return None if not denominator else numerator / denominator


def compute_indicators(totals: Mapping[str, float]) -> dict[str, Figure]:
    """The 14 indicators for one period from that period's summed figures (missing sums count as 0)."""
    t = {name: totals.get(name) or 0 for name in SUMMARY_COUNTS}
    active = t["active_members"]
    return {
        "active_members": int(active),
        "new_registrations": int(t["new_registrations"]),
        "contact_coverage": _rate(t["contacted_in_window"], active),
        "overdue": int(t["overdue"]),
        "lost_contact": int(t["lost_contact"]),
        "three_way_complete": _rate(t["three_way_complete"], active),
        "contacts_per_member_30d": _rate(t["contacts_in_window"], active),
        "liaison_coverage": _rate(t["with_liaison"], active),
        "station_coverage": _rate(t["station_covered"], t["located_members"]),
        "station_visits": int(t["station_visits"]),
        "idle_stations": int(t["idle_stations"]),
        "volunteer_hours": round(float(t["volunteer_hours"]), 2),
        "volunteer_participants": int(t["volunteer_participants"]),
        "volunteer_participation_rate": _rate(t["volunteer_participants"], active),
    }


def compute_report(current: Mapping[str, float], previous: Mapping[str, float]) -> dict[str, dict[str, Figure]]:
    """`{indicator: {"value": this period, "previous": the period before}}` in PRODUCT.md's order."""
    now, before = compute_indicators(current), compute_indicators(previous)
    return {key: {"value": now[key], "previous": before[key]} for key in REPORT_KEYS}
