"""Station usage queries on both engines: counts per station (zeros included), the week's visit times, and
agreement with `cli.py report` (station_visits, idle_stations)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.stations import fetch_station_visit_counts, fetch_visit_times
from metrics.periods import Week
from metrics.stations import compute_idle_stations
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from services.report import weekly_report

W46 = Week.parse("2026-W46")  # 2026-11-09 .. 2026-11-15
W47 = Week.parse("2026-W47")  # 2026-11-16 .. 2026-11-22
JIANGHAN = AreaPath(("江汉区",))
BEIHU = AreaPath(("江汉区", "北湖街道"))
WUCHANG = AreaPath(("武昌区",))


def tables() -> dict[str, pd.DataFrame]:
    """The tiny city plus a station in 华锦社区 with no opening date and two visits in W46 (a demand, no service)."""
    base = tiny_city.tables()
    station = dict(
        id=3,
        name="华锦社区7×24H驿站",
        community_id=7,
        lon=114.35,
        lat=30.50,
        kind="post_24h",
        opened_on=None,
        services="demand",
    )
    visits = [
        dict(id=5, station_id=3, visited_at=datetime(2026, 11, 10, 19, 30), service="demand", member_id=8),
        dict(id=6, station_id=3, visited_at=datetime(2026, 11, 12, 8, 15), service=None, member_id=None),
    ]
    return {
        **base,
        "stations": pd.concat([base["stations"], pd.DataFrame([station])], ignore_index=True),
        "station_visits": pd.concat([base["station_visits"], pd.DataFrame(visits)], ignore_index=True),
    }


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    frames = tables()
    replace_all_data(engine, frames, meta={"data_kind": "real"})
    refresh_from_tables(engine, frames, thresholds=Thresholds(), until=date(2026, 11, 23))
    return engine


def counts_of(engine, area: AreaPath, week: Week) -> pd.DataFrame:
    with engine.connect() as conn:
        return fetch_station_visit_counts(conn, scope=CITY_SCOPE, area=area, start=week.start, end=week.end)


def test_counts_include_stations_without_visits(engine):
    counts = counts_of(engine, AreaPath(), W46)
    assert list(counts.columns) == ["station_id", "name", "path", "community", "kind", "opened_on", "visits"]
    assert counts["station_id"].tolist() == [1, 2, 3]
    # Station 1: 11-09 00:00:00 and 11-15 23:59:59 are in W46; 11-08 and 11-16 are not.
    assert counts["visits"].tolist() == [2, 0, 2]
    assert counts["community"].tolist() == ["环保社区", "世彩社区", "华锦社区"]
    assert counts["path"].tolist()[2] == "武昌区/南湖街道/华锦社区"
    assert counts["kind"].tolist() == ["service_center", "red_post", "post_24h"]
    assert pd.to_datetime(counts["opened_on"]).tolist()[:2] == [pd.Timestamp(2025, 1, 1), pd.Timestamp(2026, 11, 16)]
    assert pd.isna(counts["opened_on"].iloc[2])


def test_counts_follow_the_week_and_the_station_community(engine):
    assert counts_of(engine, AreaPath(), W47)["visits"].tolist() == [1, 0, 0]
    assert counts_of(engine, BEIHU, W46)["station_id"].tolist() == [1, 2]
    assert counts_of(engine, WUCHANG, W46)[["station_id", "visits"]].values.tolist() == [[3, 2]]
    assert counts_of(engine, AreaPath(("江汉区", "北湖街道", "华锦社区")), W46).empty


def test_visit_times_of_the_week(engine):
    with engine.connect() as conn:
        times = fetch_visit_times(conn, scope=CITY_SCOPE, area=AreaPath(), start=W46.start, end=W46.end)
        wuchang = fetch_visit_times(conn, scope=CITY_SCOPE, area=WUCHANG, start=W46.start, end=W46.end)
        beihu_w47 = fetch_visit_times(conn, scope=CITY_SCOPE, area=BEIHU, start=W47.start, end=W47.end)
    assert list(times.columns) == ["visited_at", "service"]
    stamps = sorted(pd.to_datetime(times["visited_at"]).tolist())
    assert stamps == [
        pd.Timestamp(2026, 11, 9, 0, 0, 0),
        pd.Timestamp(2026, 11, 10, 19, 30),
        pd.Timestamp(2026, 11, 12, 8, 15),
        pd.Timestamp(2026, 11, 15, 23, 59, 59),
    ]
    assert sorted(wuchang["service"].fillna("-").tolist()) == ["-", "demand"]
    assert pd.to_datetime(beihu_w47["visited_at"]).tolist() == [pd.Timestamp(2026, 11, 16)]


@pytest.mark.parametrize("area", [AreaPath(), JIANGHAN, BEIHU, WUCHANG], ids=str)
@pytest.mark.parametrize("week", [W46, W47], ids=str)
def test_totals_and_idle_stations_equal_the_report(engine, area, week):
    counts = counts_of(engine, area, week)
    report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=Thresholds())
    assert counts["visits"].sum() == report["station_visits"]["value"]
    assert len(compute_idle_stations(counts, end=week.end)) == report["idle_stations"]["value"]
    with engine.connect() as conn:
        assert (
            len(fetch_visit_times(conn, scope=CITY_SCOPE, area=area, start=week.start, end=week.end))
            == counts["visits"].sum()
        )


def test_idle_stations_of_w47_are_the_open_ones_without_visits(engine):
    # Station 2 opened 2026-11-16 (open by 11-22), station 3 has no opening date: both idle; station 1 had a visit.
    idle = compute_idle_stations(counts_of(engine, AreaPath(), W47), end=W47.end)
    assert idle["name"].tolist() == ["世彩社区红色驿站", "华锦社区7×24H驿站"]  # by path in pinyin: 江汉区 before 武昌区
    assert (
        weekly_report(engine, scope=CITY_SCOPE, week=W47, area=AreaPath(), thresholds=Thresholds())["idle_stations"][
            "value"
        ]
        == 2
    )
