"""Indicators for many rows at once equal the report's, and lagging picks the worst by meaning."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import columns as c
from metrics.report import compute_indicators
from metrics.tables import compute_child_table, compute_indicator_table, compute_lagging

WEEK, PREVIOUS = date(2026, 11, 16), date(2026, 11, 9)


def totals(path: str, week: date, active: int, contacted: int, overdue: int) -> dict:
    row = dict.fromkeys(c.SUMMARY_COUNTS, 0)
    return row | {c.PATH: path, c.WEEK_START: week, "active_members": active, "contacted_in_window": contacted,
                  "overdue": overdue}  # fmt: skip


def test_indicator_table_equals_the_report_function_row_by_row():
    frame = pd.DataFrame([totals("a", WEEK, 10, 4, 1), totals("b", WEEK, 0, 0, 0)])
    table = compute_indicator_table(frame)
    for (_, row), (_, computed) in zip(frame.iterrows(), table.iterrows(), strict=True):
        expected = compute_indicators(row.to_dict())
        assert {k: None if pd.isna(v) else v for k, v in computed.items()} == expected
    assert pd.isna(table.loc[1, "contact_coverage"])  # a zero denominator is no figure, never 0


def test_child_table_pairs_each_area_with_its_previous_week_and_fills_missing_weeks():
    frame = pd.DataFrame(
        [totals("区/甲", WEEK, 10, 5, 2), totals("区/甲", PREVIOUS, 8, 2, 3), totals("区/乙", WEEK, 4, 4, 0)]
    )
    table = compute_child_table(frame, week_start=WEEK, previous_start=PREVIOUS).set_index(c.PATH)
    assert table.loc["区/甲", "contact_coverage"] == 0.5 and table.loc["区/甲", "previous_contact_coverage"] == 0.25
    assert table.loc["区/乙", "previous_active_members"] == 0
    assert pd.isna(table.loc["区/乙", "previous_contact_coverage"])


def test_child_table_of_nothing_is_empty():
    empty = pd.DataFrame(columns=[c.PATH, c.WEEK_START, *c.SUMMARY_COUNTS])
    assert compute_child_table(empty, week_start=WEEK, previous_start=PREVIOUS).empty


def test_lagging_is_the_worst_quarter_by_meaning():
    table = pd.DataFrame({"contact_coverage": [0.9, 0.2, 0.5, 0.8, None], "overdue": [1, 50, 3, 2, 0]})
    assert compute_lagging(table, "contact_coverage").tolist() == [False, True, False, False, False]
    assert compute_lagging(table, "overdue").tolist() == [False, True, False, False, False]
    assert not compute_lagging(table.iloc[:0], "overdue").any()


def test_nobody_lags_when_all_are_level():
    table = pd.DataFrame({"idle_stations": [0, 0, 0, 0], "contact_coverage": [0.5, 0.5, 0.5, 0.5]})
    assert not compute_lagging(table, "idle_stations").any()
    assert not compute_lagging(table, "contact_coverage").any()


def test_a_repeated_name_gets_its_parent_beside_it():
    from metrics.tables import compute_display_names

    paths = pd.Series(["武昌区/甲街/龟山社区", "汉阳区/乙街/龟山社区", "汉阳区/乙街/环保社区", "江汉区"])
    assert compute_display_names(paths).tolist() == ["龟山社区（甲街）", "龟山社区（乙街）", "环保社区", "江汉区"]


def test_child_table_is_in_pinyin_order_of_path():
    districts = ["武昌区", "东西湖区", "新洲区", "江汉区"]
    frame = pd.DataFrame([totals(name, WEEK, 1, 1, 0) for name in districts])
    table = compute_child_table(frame, week_start=WEEK, previous_start=PREVIOUS)
    assert table[c.PATH].tolist() == ["东西湖区", "江汉区", "武昌区", "新洲区"]
