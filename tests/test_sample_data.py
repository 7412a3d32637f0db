"""The synthetic city: deterministic, identical on both engines, consistent across areas, with its patterns."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.lookups import fetch_area_paths, fetch_meta
from metrics.periods import Week
from metrics.report import compute_report
from metrics.thresholds import Thresholds
from sample_data.generate import generate
from services.refresh import compute_area_totals
from services.report import weekly_report
from services.sample import build_sample

SEED, UNTIL = 7, date(2026, 11, 22)
WEEKS = [Week.parse("2026-W46"), Week.parse("2026-W30")]
AREAS = ["", "江汉区", "江汉区/北湖街道", "江汉区/北湖街道/环保社区", "武昌区/南湖街道/华锦社区"]
COUNTS = [
    "active_members",
    "new_registrations",
    "overdue",
    "lost_contact",
    "station_visits",
    "idle_stations",
    "volunteer_participants",
]


@pytest.fixture(scope="module")
def demo_engine(module_db_url):
    engine = get_engine(module_db_url)
    build_sample(engine, seed=SEED, until=UNTIL, size="demo", thresholds=Thresholds())
    return engine


@pytest.fixture(scope="module")
def reference_reports(tmp_path_factory):
    """The reports of a separate SQLite build from the same seed and date."""
    from conftest import empty_database

    with empty_database("sqlite", tmp_path_factory.mktemp("ref")) as url:
        engine = get_engine(url)
        build_sample(engine, seed=SEED, until=UNTIL, size="demo", thresholds=Thresholds())
        return {
            (str(w), a): weekly_report(
                engine, scope=CITY_SCOPE, week=w, area=AreaPath.parse(a), thresholds=Thresholds()
            )
            for w in WEEKS
            for a in AREAS
        }


def test_same_seed_gives_the_same_figures_on_every_engine(demo_engine, reference_reports):
    for (week, area), expected in reference_reports.items():
        got = weekly_report(
            demo_engine, scope=CITY_SCOPE, week=Week.parse(week), area=AreaPath.parse(area), thresholds=Thresholds()
        )
        assert got == expected, (week, area)


def test_the_sample_is_marked_synthetic_and_has_the_seed_communities(demo_engine):
    with demo_engine.connect() as conn:
        assert fetch_meta(conn)["data_kind"] == "synthetic"
        paths = set(fetch_area_paths(conn))
    for path in (
        "江汉区/北湖街道/环保社区",
        "武昌区/南湖街道/华锦社区",
        "武昌区/南湖街道/恋湖社区",
        "东西湖区/长青街/新征社区",
        "江汉区/民权街/世彩社区",
    ):
        assert path in paths


def test_this_week_has_data(demo_engine):
    report = weekly_report(
        demo_engine, scope=CITY_SCOPE, week=Week.parse("2026-W46"), area=AreaPath(), thresholds=Thresholds()
    )
    assert report["active_members"]["value"] > 2000
    assert report["station_visits"]["value"] > 0 and report["volunteer_hours"]["value"] > 0
    assert 0 < report["contact_coverage"]["value"] < 1


def test_city_counts_are_the_sum_of_district_counts(demo_engine):
    with demo_engine.connect() as conn:
        districts = [p for p in fetch_area_paths(conn) if "/" not in p]
    assert len(districts) == 13
    week = WEEKS[0]
    city = weekly_report(demo_engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    parts = [
        weekly_report(demo_engine, scope=CITY_SCOPE, week=week, area=AreaPath.parse(d), thresholds=Thresholds())
        for d in districts
    ]
    for key in COUNTS:
        for side in ("value", "previous"):
            assert city[key][side] == sum(p[key][side] for p in parts), key


def test_precomputed_figures_equal_the_raw_computation(demo_engine):
    for area in ("江汉区/北湖街道", ""):
        path, week = AreaPath.parse(area), WEEKS[0]
        fast = weekly_report(demo_engine, scope=CITY_SCOPE, week=week, area=path, thresholds=Thresholds())
        totals = compute_area_totals(
            demo_engine, scope=CITY_SCOPE, area=path, weeks=[week, week.previous], thresholds=Thresholds()
        )
        assert fast == compute_report(totals[week.start], totals[week.previous.start])


@pytest.fixture(scope="module")
def demo_tables():
    return generate(SEED, until=UNTIL, size="demo")


def test_generation_is_deterministic_and_ends_on_the_last_complete_week(demo_tables):
    again = generate(SEED, until=date(2026, 11, 23), size="demo")  # a Monday: same last complete week
    for name, frame in demo_tables.items():
        pd.testing.assert_frame_equal(frame, again[name])
    assert demo_tables["contacts"]["contacted_on"].max() <= pd.Timestamp("2026-11-22")


def test_demo_size(demo_tables):
    assert len(demo_tables["members"]) == 3000
    activity = sum(len(demo_tables[t]) for t in ("contacts", "station_visits", "volunteer_records"))
    assert 120_000 <= activity <= 180_000
    assert demo_tables["members"]["phone"].str.fullmatch(r"1\d{10}").all()
    assert demo_tables["members"]["phone"].is_unique


def test_stations_peak_at_lunch_and_in_the_evening(demo_tables):
    hours = pd.to_datetime(demo_tables["station_visits"]["visited_at"]).dt.hour.value_counts()
    assert hours[12] > 2 * hours[9] and hours[18] > 2 * hours[15]


def test_volunteer_hours_peak_in_late_june(demo_tables):
    records = demo_tables["volunteer_records"]
    weekly = records.groupby(pd.to_datetime(records["activity_on"]).dt.to_period("W"))["hours"].sum()
    late_june = weekly[[p for p in weekly.index if p.start_time.month == 6 and p.start_time.day >= 16]]
    assert late_june.min() > 2 * weekly.median()


def test_visits_dip_at_spring_festival(demo_tables):
    days = pd.to_datetime(demo_tables["station_visits"]["visited_at"]).dt.normalize()
    festival = days.between("2026-02-12", "2026-02-22").sum() / 11
    before = days.between("2026-01-01", "2026-01-31").sum() / 31
    assert festival < 0.6 * before


def test_some_communities_lag_and_some_stations_sit_idle(demo_engine):
    with demo_engine.connect() as conn:
        communities = [p for p in fetch_area_paths(conn) if p.count("/") == 2]
    week = WEEKS[0]
    coverage = np.array(
        [
            weekly_report(demo_engine, scope=CITY_SCOPE, week=week, area=AreaPath.parse(p), thresholds=Thresholds())[
                "contact_coverage"
            ]["value"]
            for p in communities[:60]
        ],
        dtype=float,
    )
    coverage = coverage[~np.isnan(coverage)]
    assert coverage.min() < 0.4 < np.median(coverage)
    idle = weekly_report(demo_engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())[
        "idle_stations"
    ]["value"]
    assert 1 <= idle <= 12


def test_demands_are_raised_at_stations_and_visits_and_mostly_resolved_within_weeks(demo_tables):
    demands = demo_tables["demands"]
    asked = demands[demands["kind"] == "demand"]
    assert asked["source"].isin(["station", "visit"]).mean() > 0.6
    at_station = asked[asked["source"] == "station"]
    assert at_station["station_id"].notna().all()  # a demand raised at a station names it
    assert asked.loc[asked["source"] != "station", "station_id"].isna().all()
    resolved = asked.dropna(subset=["resolved_on"])
    days = (pd.to_datetime(resolved["resolved_on"]) - pd.to_datetime(resolved["raised_on"])).dt.days
    assert (days >= 0).all() and days.median() <= 14 and days.quantile(0.9) <= 45
    assert (resolved["status"] == "resolved").all()
    assert set(demands["status"]) == {"accepted", "in_progress", "resolved", "withdrawn"}
    assert demands.groupby("community_id")["number"].apply(lambda n: n.is_unique).all()


def test_some_demands_stay_open_past_30_days_and_some_communities_are_slow(demo_tables):
    demands = demo_tables["demands"]
    asked = demands[demands["kind"] == "demand"]
    end = pd.Timestamp(UNTIL)
    open_long = asked["resolved_on"].isna() & (asked["status"] != "withdrawn")
    open_long &= (end - pd.to_datetime(asked["raised_on"])).dt.days > 30
    assert 20 <= open_long.sum() <= 0.1 * len(asked)
    resolved = asked.dropna(subset=["resolved_on"])
    days = (pd.to_datetime(resolved["resolved_on"]) - pd.to_datetime(resolved["raised_on"])).dt.days
    by_community = days.groupby(resolved["community_id"]).median()
    assert by_community.max() > 3 * by_community.median()


def test_wishes_are_fulfilled_in_a_wave_at_the_end_of_june(demo_tables):
    wishes = demo_tables["demands"].query("kind == 'wish'").dropna(subset=["resolved_on"])
    weekly = pd.to_datetime(wishes["resolved_on"]).dt.to_period("W").value_counts()
    late_june = weekly[[p for p in weekly.index if p.end_time.month == 6 and p.end_time.day >= 20]]
    assert late_june.min() > 5 * weekly.median()


def test_most_records_are_verified_in_the_last_90_days_some_are_stale_and_some_never(demo_tables, demo_engine):
    members = demo_tables["members"]
    end = pd.Timestamp(UNTIL)
    verified = pd.to_datetime(members["verified_on"])
    assert 0.05 < verified.isna().mean() < 0.2
    assert 0.6 < ((end - verified).dt.days < 90).mean() < 0.9
    assert 0.05 < ((end - verified).dt.days >= 90).mean() < 0.3
    assert not (verified < pd.to_datetime(members["registered_on"])).any() and not (verified > end).any()
    report = weekly_report(
        demo_engine, scope=CITY_SCOPE, week=Week.parse("2026-W46"), area=AreaPath(), thresholds=Thresholds()
    )
    assert 0.5 < report["record_freshness_rate"]["value"] < 0.95
