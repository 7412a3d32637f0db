"""Station usage metrics: open stations, busiest/quietest, idle list, weekday x hour and services."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from metrics.stations import (
    compute_busiest_quietest,
    compute_idle_stations,
    compute_open_stations,
    compute_visit_heatmap,
    compute_visit_patterns,
    compute_visits_by_service,
)

END = date(2026, 11, 22)


def station_counts(visits: list[int], opened: list[date | None] | None = None) -> pd.DataFrame:
    n = len(visits)
    return pd.DataFrame(
        {
            "station_id": range(1, n + 1),
            "name": [f"驿站{i:02d}" for i in range(1, n + 1)],
            "path": [f"江汉区/北湖街道/社区{i % 3}" for i in range(1, n + 1)],
            "community": [f"社区{i % 3}" for i in range(1, n + 1)],
            "kind": ["red_post"] * n,
            "opened_on": opened if opened is not None else [date(2025, 1, 1)] * n,
            "visits": visits,
        }
    )


def times(*rows: tuple[datetime, str | None]) -> pd.DataFrame:
    return pd.DataFrame({"visited_at": [r[0] for r in rows], "service": [r[1] for r in rows]})


def test_open_stations_are_opened_by_the_end_or_undated():
    counts = station_counts([1, 2, 3, 4], [date(2026, 11, 22), date(2026, 11, 23), None, date(2020, 1, 1)])
    assert compute_open_stations(counts, end=END)["station_id"].tolist() == [1, 3, 4]


def test_busiest_and_quietest_of_many_stations_do_not_overlap():
    counts = station_counts(list(range(25)))  # station i+1 has i visits
    busiest, quietest = compute_busiest_quietest(counts, end=END, top=10)
    assert busiest["visits"].tolist() == list(range(24, 14, -1))
    assert quietest["visits"].tolist() == list(range(10))
    assert not set(busiest["station_id"]) & set(quietest["station_id"])


def test_few_stations_are_ranked_in_one_frame_and_ties_go_by_name():
    counts = station_counts([3, 5, 3, 0])
    busiest, quietest = compute_busiest_quietest(counts, end=END, top=2)
    assert busiest["name"].tolist() == ["驿站02", "驿站01", "驿站03", "驿站04"]
    assert quietest.empty and list(quietest.columns) == list(counts.columns)


def test_stations_not_yet_open_are_left_out_of_the_rankings():
    counts = station_counts([0] * 22 + [9], [date(2025, 1, 1)] * 22 + [date(2026, 12, 1)])
    busiest, quietest = compute_busiest_quietest(counts, end=END, top=10)
    assert 23 not in set(busiest["station_id"]) | set(quietest["station_id"])
    assert len(busiest) == len(quietest) == 10


def test_idle_stations_are_open_and_unvisited_sorted_by_area_then_name():
    counts = station_counts([0, 5, 0, 0, 0], [date(2025, 1, 1), date(2025, 1, 1), None, date(2026, 12, 1), None])
    idle = compute_idle_stations(counts, end=END)
    assert list(idle.columns) == ["name", "path", "community", "kind", "opened_on"]
    # 驿站01 and 驿站05 (opened or undated) are in 社区1/社区2; 驿站03 in 社区0; 驿站04 not yet open
    assert idle["name"].tolist() == ["驿站03", "驿站01", "驿站05"]


def test_empty_counts_give_empty_results():
    counts = station_counts([])
    busiest, quietest = compute_busiest_quietest(counts, end=END)
    assert busiest.empty and quietest.empty
    assert compute_idle_stations(counts, end=END).empty


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="visits"):
        compute_idle_stations(station_counts([1]).drop(columns="visits"), end=END)
    with pytest.raises(ValueError, match="service"):
        compute_visit_heatmap(pd.DataFrame({"visited_at": []}))


def test_heatmap_buckets_weekday_and_hour():
    frame = times(
        (datetime(2026, 11, 16, 12, 5), "rest"),  # Monday 12h
        (datetime(2026, 11, 16, 12, 55), "water"),  # Monday 12h
        (datetime(2026, 11, 22, 23, 59, 59), "rest"),  # Sunday 23h
        (datetime(2026, 11, 18, 0, 0), None),  # Wednesday 0h
    )
    heatmap = compute_visit_heatmap(frame)
    assert heatmap.shape == (7, 24)
    assert heatmap.index.tolist() == list(range(7)) and heatmap.columns.tolist() == list(range(24))
    assert heatmap.loc[0, 12] == 2 and heatmap.loc[6, 23] == 1 and heatmap.loc[2, 0] == 1
    assert heatmap.to_numpy().sum() == 4


def test_heatmap_reads_timestamps_given_as_text():
    heatmap = compute_visit_heatmap(times(("2026-11-20 18:30:00.000000", "rest")))
    assert heatmap.loc[4, 18] == 1


def test_empty_week_gives_zero_matrix_and_zero_services():
    patterns = compute_visit_patterns(times())
    assert patterns.heatmap.shape == (7, 24) and patterns.heatmap.to_numpy().sum() == 0
    assert patterns.by_service["visits"].sum() == 0 and len(patterns.by_service) == 8
    assert patterns.demands == 0 and patterns.total == 0


def test_services_every_code_busiest_first_unknown_as_other():
    frame = times(
        (datetime(2026, 11, 16, 12), "charging"),
        (datetime(2026, 11, 16, 13), "charging"),
        (datetime(2026, 11, 16, 14), "demand"),
        (datetime(2026, 11, 16, 15), None),
        (datetime(2026, 11, 16, 16), "bogus"),
    )
    by_service = compute_visits_by_service(frame)
    assert by_service["service"].tolist() == [
        "charging",
        "other",
        "demand",
        "rest",
        "water",
        "reading",
        "study",
        "registration",
    ]
    assert by_service["visits"].tolist() == [2, 2, 1, 0, 0, 0, 0, 0]
    patterns = compute_visit_patterns(frame)
    assert patterns.demands == 1 and patterns.total == 5


def test_inputs_are_not_mutated():
    counts = station_counts([0, 1, 2])
    before = counts.copy()
    compute_busiest_quietest(counts, end=END)
    compute_idle_stations(counts, end=END)
    pd.testing.assert_frame_equal(counts, before)
    frame = times((datetime(2026, 11, 16, 12), None))
    frame_before = frame.copy()
    compute_visit_patterns(frame)
    pd.testing.assert_frame_equal(frame, frame_before)


def test_stations_that_tie_and_idle_stations_go_in_pinyin_order():
    counts = station_counts([2, 2, 2, 0, 0]).assign(
        name=["武昌驿站", "东湖驿站", "江汉驿站", "新洲驿站", "汉阳驿站"],
        path=["武昌区/某街道/甲社区", "东西湖区/某街道/乙社区", "江汉区/某街道/丙社区", "江汉区/某街道/丙社区",
              "东西湖区/某街道/乙社区"],
    )  # fmt: skip
    busiest, _ = compute_busiest_quietest(counts, end=END, top=10)
    assert busiest["name"].tolist() == ["东湖驿站", "江汉驿站", "武昌驿站", "汉阳驿站", "新洲驿站"]
    assert compute_idle_stations(counts, end=END)["name"].tolist() == ["汉阳驿站", "新洲驿站"]
