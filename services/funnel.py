"""The registration funnel of one month's cohort in one area, as the overview and `cli.py report --json` show it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from data_access.areas import AreaPath, Scope
from data_access.cohorts import fetch_cohort_contacts, fetch_cohort_members
from data_access.engine import Engine
from data_access.reconcile import count_found_registered
from metrics import funnel as fn
from metrics.thresholds import Thresholds


def registration_funnel(
    engine: Engine,
    *,
    scope: Scope,
    area: AreaPath,
    month: fn.Month,
    as_of: date,
    thresholds: Thresholds,
) -> pd.DataFrame:
    """metrics.funnel.compute_registration_funnel for the members of `area` registered in `month`, with their
    contacts known by `as_of`: first contact within overdue_days (a member not contacted by then is overdue), all
    three sides within three_way_window_days. When outside lists found people in the month (items only a list had,
    resolved 核实无误 in it), those found and how many of them are members now come first."""
    until = min(as_of, month.end + timedelta(days=max(thresholds.overdue_days, thresholds.three_way_window_days)))
    with engine.connect() as conn:
        members = fetch_cohort_members(conn, scope=scope, area=area, start=month.start, end=month.end)
        contacts = fetch_cohort_contacts(conn, scope=scope, area=area, start=month.start, end=month.end, until=until)
        found, found_registered = count_found_registered(conn, area, month.start, min(month.end, as_of), scope=scope)
    return fn.compute_registration_funnel(
        members,
        contacts,
        as_of=as_of,
        first_contact_days=thresholds.overdue_days,
        three_way_days=thresholds.three_way_window_days,
        found=found or None,  # no outside list found anyone: no such steps
        found_registered=found_registered if found else None,
    )


def funnel_as_json(funnel: pd.DataFrame, *, month: fn.Month, as_of: date, thresholds: Thresholds) -> dict:
    """The report's "funnel" key: the cohort month, the day contacts are known to, whether every member's 90 days
    are over by then (else the later steps are still filling), and the count at each step."""
    complete = as_of >= month.end + timedelta(days=thresholds.three_way_window_days)
    return {
        "month": str(month),
        "as_of": as_of.isoformat(),
        "complete": complete,
        "steps": {step: int(count) for step, count in zip(funnel[fn.STEP], funnel[fn.COUNT], strict=True)},
    }
