"""Closure of follow-up lists, on frames made by hand: the window, several lists per member, empty frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics import follow_up as fu


def rows(*lines) -> pd.DataFrame:
    columns = [fu.LIST_ID, fu.EXPORTED_ON, "kind", "member_id", "status", fu.CONTACTED_ON, "community", "liaison"]
    return pd.DataFrame(list(lines), columns=columns)


AS_OF = date(2026, 11, 22)


def test_the_window_is_the_days_ending_at_the_as_of_day():
    frame = rows(
        (1, date(2026, 11, 15), "overdue", 1, "active", None, "甲社区", "网格员甲"),  # 8 days before: outside 7
        (2, date(2026, 11, 16), "overdue", 2, "active", date(2026, 11, 16), "甲社区", "网格员甲"),  # same day counts
        (3, date(2026, 11, 22), "overdue", 3, "active", date(2026, 11, 23), "乙社区", None),  # contact after D
    )
    week = fu.compute_closure(frame, as_of=AS_OF, window_days=7)
    assert week == fu.Closure(members=2, contacted=1, departed=0, pending=1, lists=2, closed_lists=1)
    assert week.share == 0.5
    assert fu.compute_closure(frame, as_of=AS_OF, window_days=14).members == 3


def test_a_member_on_two_lists_counts_once_from_the_first():
    frame = rows(
        (1, date(2026, 11, 16), "overdue", 1, "active", date(2026, 11, 17), "甲社区", "网格员甲"),
        (2, date(2026, 11, 19), "lost_contact", 1, "active", None, "甲社区", "网格员甲"),
    )
    members = fu.compute_follow_up_members(frame, as_of=AS_OF, window_days=7)
    assert members[["member_id", fu.STATE, fu.DAYS_LISTED]].values.tolist() == [[1, "contacted", 6]]
    closure = fu.compute_closure(frame, as_of=AS_OF, window_days=7)
    assert (closure.members, closure.contacted, closure.lists, closure.closed_lists) == (1, 1, 2, 1)


def test_departed_members_close_a_list_and_leave_the_share():
    frame = rows((1, date(2026, 11, 20), "overdue", 1, "returned", None, "甲社区", None))
    closure = fu.compute_closure(frame, as_of=AS_OF, window_days=7)
    assert (closure.departed, closure.closed_lists, closure.share) == (1, 1, None)
    table = fu.compute_closure_by(fu.compute_follow_up_members(frame, as_of=AS_OF, window_days=7), "liaison")
    assert table["liaison"].tolist() == [None] and table["share"].tolist() == [None]


def test_empty_frames():
    empty = rows()
    assert fu.compute_closure(empty, as_of=AS_OF, window_days=7) == fu.Closure()
    assert fu.Closure().share is None
    members = fu.compute_follow_up_members(empty, as_of=AS_OF, window_days=7)
    assert members.empty and fu.STATE in members.columns
    assert fu.compute_closure_by(members, "community").columns.tolist() == [
        "community", "members", "contacted", "departed", "pending", "share"
    ]  # fmt: skip
    with pytest.raises(ValueError):
        fu.compute_closure(pd.DataFrame({"x": []}), as_of=AS_OF, window_days=7)
