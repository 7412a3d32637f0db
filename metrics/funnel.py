"""The registration funnel of a cohort: the members registered in one calendar month, and how many of them were
contacted and then fully in touch in time.

For each member of the cohort (any status; registered on R), counting only contacts dated on or before `as_of`:
- contacted: a contact with 0 <= contacted_on - R <= first_contact_days (a contact before registration is none);
- three_way: contacted, and a contact from each of the three sides (c.SIDES) with 0 <= contacted_on - R <=
  three_way_days. The steps are nested, so each is a share of the one before.
When the outside-list counts are given (reconciliation items resolved as 核实无误: found, and of them registered),
they come first; the cohort's registrations are all channels', so their share of the step before is not taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics import columns as c
from metrics.days import require_columns, to_day_numbers

FUNNEL_MEMBER_COLUMNS = (c.MEMBER_ID, c.REGISTERED_ON)
FUNNEL_CONTACT_COLUMNS = (c.MEMBER_ID, c.CONTACTED_ON, c.SIDE)

# The steps, in order; the first two only when the outside-list counts are given
FOUND, FOUND_REGISTERED = "found", "found_registered"
REGISTERED, CONTACTED, THREE_WAY = "registered", "contacted", "three_way"
OUTSIDE_STEPS = (FOUND, FOUND_REGISTERED)
COHORT_STEPS = (REGISTERED, CONTACTED, THREE_WAY)

# Columns of the funnel frame
STEP, COUNT, SHARE_OF_PREVIOUS, SHARE_OF_REGISTERED = "step", "count", "share_of_previous", "share_of_registered"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, the cohort's period."""

    start: date  # its first day

    @property
    def end(self) -> date:
        following = (self.start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)

    @property
    def previous(self) -> Month:
        return Month((self.start - timedelta(days=1)).replace(day=1))

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}"

    @classmethod
    def containing(cls, day: date) -> Month:
        return cls(day.replace(day=1))

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-10' to its month; ValueError on anything else."""
        try:
            year, month = (int(part) for part in (text or "").strip().split("-"))
            return cls(date(year, month, 1))
        except (TypeError, ValueError) as exc:
            raise ValueError(text) from exc


def latest_complete_month(end: date) -> Month:
    """The latest calendar month that is over by `end` (a week's end): its own month when `end` is the last day."""
    month = Month.containing(end)
    return month if month.end == end else month.previous


def compute_registration_funnel(
    members: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    as_of: date,
    first_contact_days: int = 30,
    three_way_days: int = 90,
    found: int | None = None,
    found_registered: int | None = None,
) -> pd.DataFrame:
    """One row per step (module docstring): step, count, share_of_previous (None where the step before is 0, and
    for the cohort's registrations after the outside-list steps) and share_of_registered (of the cohort; None for
    the outside-list steps and an empty cohort). `members` is the cohort; contacts
    of other members are ignored. The outside-list steps are shown only when both counts are given."""
    require_columns(members, FUNNEL_MEMBER_COLUMNS, "cohort members")
    require_columns(contacts, FUNNEL_CONTACT_COLUMNS, "cohort contacts")
    member_ids = members[c.MEMBER_ID].to_numpy(dtype=np.int64)
    registered = pd.Series(to_day_numbers(members[c.REGISTERED_ON]), index=member_ids)
    ids = contacts[c.MEMBER_ID].to_numpy(dtype=np.int64)
    days = to_day_numbers(contacts[c.CONTACTED_ON])
    mine = pd.Index(member_ids).get_indexer(ids) >= 0
    as_of_day = (as_of - date(1970, 1, 1)).days
    ids, days, sides = ids[mine], days[mine], contacts[c.SIDE].to_numpy()[mine]
    after = days - registered.reindex(ids).to_numpy(dtype=np.int64)
    counted = (after >= 0) & (days <= as_of_day)

    contacted = set(ids[counted & (after <= first_contact_days)])
    in_window = counted & (after <= three_way_days)
    three_way = set(contacted)
    for side in c.SIDES:
        three_way &= set(ids[in_window & (sides == side)])
    counts = {REGISTERED: len(member_ids), CONTACTED: len(contacted), THREE_WAY: len(three_way)}
    if found is not None and found_registered is not None:
        counts = {FOUND: int(found), FOUND_REGISTERED: int(found_registered)} | counts
    steps = list(counts)
    values = [counts[step] for step in steps]

    def share(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    previous = [None, *(share(values[i], values[i - 1]) for i in range(1, len(values)))]
    if steps[0] == FOUND:
        previous[steps.index(REGISTERED)] = None  # every channel's registrations, not a part of those found
    return pd.DataFrame(
        {
            STEP: steps,
            COUNT: values,
            SHARE_OF_PREVIOUS: pd.Series(previous, dtype=object),
            SHARE_OF_REGISTERED: pd.Series(
                [share(counts[step], counts[REGISTERED]) if step in COHORT_STEPS else None for step in steps],
                dtype=object,
            ),
        }
    )
