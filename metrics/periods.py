"""ISO weeks (Monday to Sunday, Asia/Shanghai), the period every indicator is shown for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")
_WEEK_PATTERN = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    start: date  # a Monday

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week(self.start - timedelta(days=7))

    def shifted(self, weeks: int) -> Week:
        return Week(self.start + timedelta(days=7 * weeks))

    def __str__(self) -> str:
        year, number, _ = self.start.isocalendar()
        return f"{year}-W{number:02d}"

    @classmethod
    def containing(cls, day: date) -> Week:
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, text: str) -> Week:
        """'2026-W46' (or '2026W46') to its week; ValueError on anything else, including W53 of a 52-week year."""
        match = _WEEK_PATTERN.match(text or "")
        if not match:
            raise ValueError(text)
        year, number = int(match.group(1)), int(match.group(2))
        try:
            return cls(date.fromisocalendar(year, number, 1))
        except ValueError as exc:
            raise ValueError(text) from exc


def now_in_china() -> datetime:
    """Asia/Shanghai wall-clock time, naive, as the database stores it."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def today_in_china(now: datetime | None = None) -> date:
    return (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE).date()


def last_complete_week(today: date) -> Week:
    """The latest Monday-to-Sunday week that ended before `today`."""
    return Week.containing(today).previous
