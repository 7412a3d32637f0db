"""The registration funnel on known data, to the day: first contact at day 30 counts and at day 31 not; three sides
by day 90 counts and by day 91 not; a contact before registration is none."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from metrics import columns as c
from metrics import funnel as fn

R = date(2026, 8, 10)
AS_OF = date(2026, 12, 27)


def day(n: int) -> date:
    return R + timedelta(days=n)


def frames(contacts: list[tuple[int, int, str]], members: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members 1..members registered on R; contacts as (member, day after R, side)."""
    cohort = pd.DataFrame({c.MEMBER_ID: range(1, members + 1), c.REGISTERED_ON: R})
    rows = pd.DataFrame([(m, day(n), side) for m, n, side in contacts], columns=[c.MEMBER_ID, c.CONTACTED_ON, c.SIDE])
    return cohort, rows


def counts(contacts, members: int = 1, **options) -> dict[str, int]:
    result = fn.compute_registration_funnel(*frames(contacts, members), as_of=options.pop("as_of", AS_OF), **options)
    return dict(zip(result[fn.STEP], result[fn.COUNT], strict=True))


OUT, IN, SELF = c.SIDES


def test_first_contact_at_day_30_counts_and_at_day_31_not():
    assert counts([(1, 30, OUT)])[fn.CONTACTED] == 1
    assert counts([(1, 31, OUT)])[fn.CONTACTED] == 0
    assert counts([(1, 0, OUT)])[fn.CONTACTED] == 1  # on the day of registration


def test_three_sides_by_day_90_and_not_91():
    assert counts([(1, 5, OUT), (1, 40, IN), (1, 90, SELF)])[fn.THREE_WAY] == 1
    assert counts([(1, 5, OUT), (1, 40, IN), (1, 91, SELF)])[fn.THREE_WAY] == 0
    assert counts([(1, 5, OUT), (1, 40, IN), (1, 60, IN)])[fn.THREE_WAY] == 0  # two sides only


def test_a_contact_before_registration_is_none():
    assert counts([(1, -1, OUT)]) == {fn.REGISTERED: 1, fn.CONTACTED: 0, fn.THREE_WAY: 0}
    # nor does it count towards 三联齐全
    assert counts([(1, -3, SELF), (1, 2, OUT), (1, 3, IN)])[fn.THREE_WAY] == 0


def test_the_steps_are_nested():
    # three sides by day 90 but no contact in the first 30 days: not contacted in time, so not further on
    assert counts([(1, 31, OUT), (1, 40, IN), (1, 50, SELF)]) == {fn.REGISTERED: 1, fn.CONTACTED: 0, fn.THREE_WAY: 0}


def test_contacts_after_as_of_are_not_known_yet():
    assert counts([(1, 10, OUT)], as_of=day(9))[fn.CONTACTED] == 0
    assert counts([(1, 10, OUT)], as_of=day(10))[fn.CONTACTED] == 1


def test_shares_of_the_step_before_and_of_the_cohort():
    contacts = [(1, 1, OUT), (2, 2, OUT), (2, 3, IN), (2, 4, SELF), (3, 45, OUT)]
    result = fn.compute_registration_funnel(*frames(contacts, members=4), as_of=AS_OF)
    assert result[fn.COUNT].tolist() == [4, 2, 1]
    assert result[fn.SHARE_OF_PREVIOUS].tolist() == [None, pytest.approx(0.5), pytest.approx(0.5)]
    assert result[fn.SHARE_OF_REGISTERED].tolist() == [pytest.approx(1.0), pytest.approx(0.5), pytest.approx(0.25)]


def test_an_empty_cohort_has_zero_counts_and_no_shares():
    result = fn.compute_registration_funnel(*frames([], members=0), as_of=AS_OF)
    assert result[fn.COUNT].tolist() == [0, 0, 0]
    assert result[fn.SHARE_OF_PREVIOUS].tolist() == [None, None, None]
    assert result[fn.SHARE_OF_REGISTERED].tolist() == [None, None, None]


def test_the_outside_list_steps_come_first_only_when_given():
    assert list(counts([], found=10)) == list(fn.COHORT_STEPS)
    result = fn.compute_registration_funnel(
        *frames([(1, 1, OUT)], members=2), as_of=AS_OF, found=10, found_registered=4
    )
    assert result[fn.STEP].tolist() == [fn.FOUND, fn.FOUND_REGISTERED, *fn.COHORT_STEPS]
    assert result[fn.COUNT].tolist() == [10, 4, 2, 1, 0]
    assert result[fn.SHARE_OF_PREVIOUS].tolist() == [None, pytest.approx(0.4), None, pytest.approx(0.5), 0.0]


def test_months():
    assert fn.latest_complete_month(date(2026, 11, 15)) == fn.Month.parse("2026-10")
    assert fn.latest_complete_month(date(2026, 11, 30)) == fn.Month.parse("2026-11")  # a Sunday, the last day
    assert fn.latest_complete_month(date(2026, 3, 1)) == fn.Month.parse("2026-02")
    assert fn.Month.parse("2026-02").end == date(2026, 2, 28)
    assert fn.Month.parse("2024-02").end == date(2024, 2, 29)
    assert fn.Month.parse("2026-12").end == date(2026, 12, 31)
    assert str(fn.Month.parse("2026-01").previous) == "2025-12"
    for text in ("2026-13", "2026", "next month", ""):
        with pytest.raises(ValueError):
            fn.Month.parse(text)
