"""Contact histogram, weekly buckets of contacts, volunteer hours by category, leaders."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from metrics.activity import (
    UNKNOWN,
    compute_category_hours,
    compute_contact_histogram,
    compute_hours_per_participant,
    compute_leaders,
    compute_mean_contacts,
    compute_weekly_contacts,
    week_names,
)


def dist(pairs: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"contacts": list(pairs), "members": list(pairs.values())})


def test_histogram_fills_zeros_and_gathers_the_tail():
    frame = dist({1: 3, 2: 2, 5: 1, 9: 1})
    before = frame.copy()
    histogram = compute_contact_histogram(frame, active_members=10)
    assert histogram["bucket"].tolist() == ["0", "1", "2", "3", "4", "5+"]
    assert histogram["members"].tolist() == [3, 3, 2, 0, 0, 2]
    assert histogram["share"].tolist() == pytest.approx([0.3, 0.3, 0.2, 0.0, 0.0, 0.2])
    assert compute_mean_contacts(frame, active_members=10) == pytest.approx((3 + 4 + 5 + 9) / 10)
    pd.testing.assert_frame_equal(frame, before)  # input untouched


def test_histogram_tail_is_a_setting():
    histogram = compute_contact_histogram(dist({1: 1, 3: 2}), active_members=3, tail=2)
    assert histogram["bucket"].tolist() == ["0", "1", "2+"]
    assert histogram["members"].tolist() == [0, 1, 2]


def test_histogram_without_members_or_contacts():
    empty = dist({})
    histogram = compute_contact_histogram(empty, active_members=0)
    assert histogram["members"].tolist() == [0] * 6
    assert histogram["share"].tolist() == [None] * 6
    assert compute_mean_contacts(empty, active_members=0) is None
    assert compute_contact_histogram(empty, active_members=4)["members"].tolist() == [4, 0, 0, 0, 0, 0]
    assert compute_mean_contacts(empty, active_members=4) == 0


def test_histogram_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="active"):
        compute_contact_histogram(dist({1: 5}), active_members=4)
    with pytest.raises(ValueError):
        compute_contact_histogram(dist({0: 1}), active_members=4)
    with pytest.raises(ValueError, match="lacks"):
        compute_contact_histogram(pd.DataFrame({"contacts": [1]}), active_members=4)


def daily(rows):
    return pd.DataFrame(rows, columns=["contacted_on", "side", "method", "contacts"])


def test_week_names_end_with_the_week_of_end():
    assert week_names(date(2026, 11, 15), 3) == ["2026-W44", "2026-W45", "2026-W46"]
    assert week_names(date(2026, 1, 4), 2) == ["2025-W52", "2026-W01"]


def test_weekly_contacts_bucket_iso_weeks_with_every_week_and_code():
    frame = daily(
        [
            (date(2026, 11, 9), "member", "phone", 2),  # Monday of W46
            (date(2026, 11, 15), "member", "wechat", 1),  # Sunday of W46
            (date(2026, 11, 8), "inflow_org", "phone", 4),  # Sunday of W45
            (date(2026, 10, 26), "outflow_org", np.nan, 3),  # Monday of W44
            (date(2026, 10, 25), "outflow_org", "phone", 100),  # W43: before the range
            (date(2026, 11, 16), "outflow_org", "phone", 100),  # W47: after it
        ]
    )
    sides = compute_weekly_contacts(frame, end=date(2026, 11, 15), weeks=3, by="side")
    assert list(sides.index) == ["2026-W44", "2026-W45", "2026-W46"]
    assert list(sides.columns) == ["outflow_org", "inflow_org", "member"]
    assert sides.to_numpy().tolist() == [[3, 0, 0], [0, 4, 0], [0, 0, 3]]
    methods = compute_weekly_contacts(frame, end=date(2026, 11, 15), weeks=3, by="method")
    assert list(methods.columns) == ["phone", "wechat", "home_visit", "activity", UNKNOWN]
    assert methods.loc["2026-W44", UNKNOWN] == 3
    assert methods.loc["2026-W46"].tolist() == [2, 1, 0, 0, 0]
    assert int(methods.to_numpy().sum()) == int(sides.to_numpy().sum()) == 10


def test_weekly_contacts_list_unknown_only_when_it_occurs_and_handle_empty():
    outside = daily([(date(2026, 1, 1), "member", None, 1)])
    methods = compute_weekly_contacts(outside, end=date(2026, 11, 15), weeks=2, by="method")
    assert list(methods.columns) == ["phone", "wechat", "home_visit", "activity"]
    assert methods.to_numpy().sum() == 0
    empty = compute_weekly_contacts(daily([]), end=date(2026, 11, 15), weeks=12, by="side")
    assert empty.shape == (12, 3) and empty.to_numpy().sum() == 0
    with pytest.raises(ValueError):
        compute_weekly_contacts(outside, end=date(2026, 11, 15), weeks=2, by="liaison")


def test_category_hours_every_category_most_first_missing_is_other():
    frame = pd.DataFrame(
        {
            "category": ["civility", None, "other", "governance", "bogus"],
            "hours": [2.5, 1.0, 2.0, 2.5, 0.5],
            "records": [1, 1, 2, 1, 1],
        }
    )
    shown = compute_category_hours(frame)
    assert len(shown) == 9  # the 8 known categories and the ledger's own "bogus"
    assert shown["category"].tolist()[:3] == ["other", "governance", "civility"]  # 3.0, then a tie in code order
    assert shown["hours"].tolist()[:3] == [3.0, 2.5, 2.5]
    assert shown.loc[shown["category"] == "other", "records"].item() == 3
    assert shown.loc[shown["category"] == "bogus", "hours"].item() == 0.5
    assert shown["hours"].sum() == pytest.approx(frame["hours"].sum())
    assert compute_category_hours(frame.iloc[:0])["hours"].sum() == 0


def test_the_ledgers_own_categories_beyond_the_most_frequent_count_as_other():
    own = [f"自定义活动{i}" for i in range(7)]
    frame = pd.DataFrame({"category": own, "hours": [7.0, 6, 5, 4, 3, 2, 1], "records": [1] * 7})
    shown = compute_category_hours(frame, own_categories=5).set_index("category")["hours"]
    assert [name for name in own if name in shown.index] == own[:5]
    assert shown["other"] == 3.0 and shown.sum() == pytest.approx(28.0)


def test_hours_per_participant_and_leaders():
    assert compute_hours_per_participant(12.5, 5) == 2.5
    assert compute_hours_per_participant(0.0, 0) is None
    assert compute_hours_per_participant(None, 3) is None
    table = pd.DataFrame({"name": list("abcdef"), "volunteer_hours": [1.0, 0.0, 5.0, None, 5.0, 2.0]})
    leaders = compute_leaders(table, "volunteer_hours", count=3)
    assert leaders["name"].tolist() == ["c", "e", "f"]
    assert compute_leaders(table, "volunteer_hours")["name"].tolist() == ["c", "e", "f", "a"]  # no zero, no null
