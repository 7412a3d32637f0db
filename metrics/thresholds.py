"""The thresholds every indicator is computed with (PRODUCT.md defaults)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Thresholds:
    contact_window_days: int = 30
    overdue_days: int = 30
    lost_contact_days: int = 90
    three_way_window_days: int = 90
    station_radius_m: float = 1000.0
    demand_window_days: int = 90
    demand_overdue_days: int = 30
    record_fresh_days: int = 90

    def as_text(self) -> str:
        """A stable text form, stored beside precomputed figures to know what they were computed with."""
        return ",".join(f"{key}={value}" for key, value in asdict(self).items())
