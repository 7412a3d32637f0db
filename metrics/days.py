"""Days as numbers, and the column check, shared by the metrics modules (metrics.indicators re-exports them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

NO_DAY = np.iinfo(np.int64).min  # "no date": before every day


def require_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    """Fail early, naming the missing columns, instead of deep inside a computation."""
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")


def to_day_numbers(values: object) -> np.ndarray:
    """Days since 1970-01-01 as int64; a missing date becomes NO_DAY."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series)  # date objects or ISO text, as databases return them
    return series.to_numpy(dtype="datetime64[D]").astype(np.int64)


def as_dates(values: pd.Series) -> pd.Series:
    """Dates (or ISO text, as a driver may give them) as datetime.date objects; missing stays None."""
    parsed = pd.to_datetime(values, errors="coerce")
    return pd.Series([d.date() if not pd.isna(d) else None for d in parsed], index=values.index, dtype=object)


def day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def from_day_number(day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day))
