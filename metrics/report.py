"""The report's indicators (declared in metrics/registry.py) from summed community figures.

Imports nothing heavy: the report command reads sums from the database and lands here.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.registry import INDICATORS, REPORT_KEYS, SUMMARY_COUNTS, Figure, compute_value


def compute_indicators(totals: Mapping[str, float]) -> dict[str, Figure]:
    """Every indicator for one period from that period's summed figures (missing sums count as 0)."""
    t = {name: totals.get(name) or 0 for name in SUMMARY_COUNTS}
    return {indicator.key: compute_value(indicator, t) for indicator in INDICATORS}


def compute_report(current: Mapping[str, float], previous: Mapping[str, float]) -> dict[str, dict[str, Figure]]:
    """`{indicator: {"value": this period, "previous": the period before}}` in PRODUCT.md's order."""
    now, before = compute_indicators(current), compute_indicators(previous)
    return {key: {"value": now[key], "previous": before[key]} for key in REPORT_KEYS}
