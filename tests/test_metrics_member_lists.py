"""The member lists' last contact, days since and flags, to the day (PRODUCT.md "Precisely")."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.member_lists import LIST_COLUMNS, compute_member_list, select_member_list

END = date(2026, 11, 15)


def member_rows(rows: list[tuple[int, date, date | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            dict(
                member_id=i,
                name=f"张{i}",
                phone="138****0000",
                flow_type="inflow",
                community_path="江汉区/北湖街道/环保社区",
                community="环保社区",
                liaison=None,
                registered_on=registered,
                last_contact_on=last,
            )
            for i, registered, last in rows
        ],
        columns=list(LIST_COLUMNS),
    )


def test_days_since_and_strict_thresholds():
    frame = member_rows(
        [
            (1, date(2026, 1, 1), date(2026, 10, 16)),  # 30 days: not overdue (strict)
            (2, date(2026, 1, 1), date(2026, 10, 15)),  # 31 days: overdue
            (3, date(2026, 8, 17), None),  # never contacted: registration day counts, 90 days: not lost
            (4, date(2026, 8, 16), None),  # 91 days: lost contact
            (5, date(2026, 11, 15), None),  # registered on E: 0 days
        ]
    )
    before = frame.copy()
    result = compute_member_list(frame, end=END, overdue_days=30, lost_contact_days=90)
    pd.testing.assert_frame_equal(frame, before)
    by_id = result.set_index("member_id")
    assert by_id["days_since_contact"].to_dict() == {1: 30, 2: 31, 3: 90, 4: 91, 5: 0}
    assert by_id["overdue"].to_dict() == {1: False, 2: True, 3: True, 4: True, 5: False}
    assert by_id["lost_contact"].to_dict() == {1: False, 2: False, 3: False, 4: True, 5: False}
    assert by_id.loc[3, "last_contact_on"] == date(2026, 8, 17)
    assert result["member_id"].tolist() == [4, 3, 2, 1, 5]  # longest uncontacted first


def test_thresholds_are_arguments():
    frame = member_rows([(1, date(2026, 1, 1), date(2026, 11, 1))])  # 14 days
    assert compute_member_list(frame, end=END, overdue_days=7, lost_contact_days=10)["lost_contact"].tolist() == [True]


def test_text_dates_as_a_driver_may_return_them():
    frame = member_rows([(1, "2026-01-01", "2026-11-05")])
    result = compute_member_list(frame, end=END, overdue_days=30, lost_contact_days=90)
    assert result["last_contact_on"].tolist() == [date(2026, 11, 5)]
    assert result["days_since_contact"].tolist() == [10]


def test_empty_list_keeps_its_columns():
    result = compute_member_list(member_rows([]), end=END, overdue_days=30, lost_contact_days=90)
    assert result.empty
    assert {"days_since_contact", "overdue", "lost_contact"} <= set(result.columns)
    assert select_member_list(result, "overdue").empty


def test_select_member_list():
    frame = member_rows([(1, date(2026, 1, 1), date(2026, 11, 10)), (2, date(2026, 1, 1), None)])
    result = compute_member_list(frame, end=END, overdue_days=30, lost_contact_days=90)
    assert select_member_list(result, "overdue")["member_id"].tolist() == [2]
    assert select_member_list(result, "lost_contact")["member_id"].tolist() == [2]
    assert len(select_member_list(result, "all")) == 2
    with pytest.raises(ValueError, match="unknown list"):
        select_member_list(result, "everyone")


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="last_contact_on"):
        compute_member_list(
            member_rows([]).drop(columns="last_contact_on"), end=END, overdue_days=30, lost_contact_days=90
        )


def test_the_stale_record_list_is_the_rate_s_complement_oldest_first():
    # The 90 days ending 11-15 are 08-18..11-15: verified 08-18 is fresh, 08-17 待更新 (90 days); never verified
    # counts from 报到日期; a 核实日期 after E is not a check by E
    frame = member_rows(
        [
            (1, date(2026, 1, 1), None),
            (2, date(2026, 1, 1), None),
            (3, date(2026, 8, 18), None),
            (4, date(2026, 1, 5), None),
            (5, date(2026, 1, 1), None),
        ]
    ).assign(verified_on=[date(2026, 8, 18), date(2026, 8, 17), None, date(2026, 11, 20), pd.NaT])
    members = compute_member_list(frame, end=END, overdue_days=30, lost_contact_days=90, record_fresh_days=90)
    stale = select_member_list(members, "stale_record")
    assert stale["member_id"].tolist() == [5, 4, 2]
    assert stale["days_since_verified"].tolist() == [318, 314, 90]
    assert stale["last_verified_on"].tolist() == [date(2026, 1, 1), date(2026, 1, 5), date(2026, 8, 17)]
    without = compute_member_list(frame.drop(columns="verified_on"), end=END, overdue_days=30, lost_contact_days=90)
    assert select_member_list(without, "stale_record")["member_id"].tolist() == [1, 2, 5, 4]
