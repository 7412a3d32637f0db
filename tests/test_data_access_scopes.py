"""Scopes are enforced in data_access: for each role, every query function, including attempts to reach outside
the scope through its arguments. On both engines, on the tiny city (members 1-7 in 环保社区, 8-9 in 世彩社区)."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

import tiny_city
from data_access import activity, figures, lookups, maps, members, records, stations
from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables

START, END = date(2026, 8, 1), date(2026, 11, 22)
CITY = AreaPath()
JIANGHAN = AreaPath(("江汉区",))
BEIHU = AreaPath(("江汉区", "北湖街道"))
HUANBAO = AreaPath(("江汉区", "北湖街道", "环保社区"))
SHICAI = AreaPath(("江汉区", "北湖街道", "世彩社区"))
WUCHANG = AreaPath(("武昌区",))

# Every query function that takes an area, called for (conn, scope, area)
QUERIES = {
    "fetch_weekly_totals": lambda conn, s, a: lookups.fetch_weekly_totals(
        conn, scope=s, area=a, week_starts=[date(2026, 11, 16)]
    ),
    "fetch_community_ids": lambda conn, s, a: records.fetch_community_ids(conn, scope=s, area=a),
    "fetch_members": lambda conn, s, a: records.fetch_members(conn, scope=s, area=a),
    "fetch_contacts": lambda conn, s, a: records.fetch_contacts(conn, scope=s, area=a),
    "fetch_volunteer": lambda conn, s, a: records.fetch_volunteer(conn, scope=s, area=a),
    "fetch_stations": lambda conn, s, a: records.fetch_stations(conn, scope=s, area=a),
    "fetch_visits": lambda conn, s, a: records.fetch_visits(conn, scope=s, area=a),
    "fetch_demands": lambda conn, s, a: records.fetch_demands(conn, scope=s, area=a),
    "fetch_boundaries": lambda conn, s, a: figures.fetch_boundaries(conn, scope=s, area=a, level="community"),
    "fetch_totals_by_area": lambda conn, s, a: figures.fetch_totals_by_area(
        conn, scope=s, area=a, week_starts=[date(2026, 11, 16)], level="community"
    ),
    "fetch_registrations_by_channel": lambda conn, s, a: figures.fetch_registrations_by_channel(
        conn, scope=s, area=a, start=START, end=END
    ),
    "fetch_contact_count_distribution": lambda conn, s, a: activity.fetch_contact_count_distribution(
        conn, scope=s, area=a, start=START, end=END
    ),
    "fetch_daily_contacts": lambda conn, s, a: activity.fetch_daily_contacts(
        conn, scope=s, area=a, start=START, end=END
    ),
    "fetch_volunteer_by_category": lambda conn, s, a: activity.fetch_volunteer_by_category(
        conn, scope=s, area=a, start=START, end=END
    ),
    "fetch_member_locations": lambda conn, s, a: maps.fetch_member_locations(conn, scope=s, area=a, end=END),
    "fetch_member_list": lambda conn, s, a: members.fetch_member_list(conn, scope=s, area=a, end=END),
    "fetch_member_events": lambda conn, s, a: records.fetch_member_events(conn, scope=s, area=a),
    "fetch_area_records": lambda conn, s, a: records.fetch_area_records(conn, scope=s, area=a, start=START, end=END),
    "fetch_station_visit_counts": lambda conn, s, a: stations.fetch_station_visit_counts(
        conn, scope=s, area=a, start=START, end=END
    ),
    "fetch_visit_times": lambda conn, s, a: stations.fetch_visit_times(conn, scope=s, area=a, start=START, end=END),
}
PERSONAL = {"fetch_member_list"}

# (scope, areas it may ask for, areas outside it that it tries to reach)
SCOPES = [
    (Scope("district", JIANGHAN), [JIANGHAN, BEIHU, SHICAI], [CITY, WUCHANG, AreaPath(("武昌区", "南湖街道"))]),
    (Scope("street", BEIHU), [BEIHU, HUANBAO, SHICAI], [CITY, JIANGHAN, WUCHANG]),
    (Scope("community", HUANBAO), [HUANBAO], [CITY, JIANGHAN, BEIHU, SHICAI, WUCHANG]),
]


@pytest.fixture(scope="module")
def engine(module_db_url):
    engine = get_engine(module_db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=END)
    return engine


def test_every_area_query_is_listed_here():
    modules = (activity, figures, lookups, maps, members, records, stations)
    with_area = {
        name
        for module in modules
        for name, function in vars(module).items()
        if name.startswith("fetch_") and callable(function) and "area" in inspect.signature(function).parameters
    }
    assert with_area == set(QUERIES), with_area ^ set(QUERIES)


@pytest.mark.parametrize(("scope", "inside", "outside"), SCOPES, ids=lambda v: str(v) if isinstance(v, Scope) else "")
@pytest.mark.parametrize("query", sorted(QUERIES))
def test_no_query_reaches_outside_the_scope(engine, query, scope, inside, outside):
    with engine.connect() as conn:
        for area in outside:
            with pytest.raises(OutOfScopeError):
                QUERIES[query](conn, scope, area)
        for area in inside:
            if query in PERSONAL and not scope.sees_personal_data:
                with pytest.raises(OutOfScopeError):
                    QUERIES[query](conn, scope, area)
            else:
                QUERIES[query](conn, scope, area)  # allowed: no error


def test_a_community_account_gets_its_own_members_only(engine):
    scope = Scope("community", HUANBAO)
    with engine.connect() as conn:
        listed = members.fetch_member_list(conn, scope=scope, area=HUANBAO, end=END)
        raw = records.fetch_members(conn, scope=scope, area=HUANBAO)
        contacts = records.fetch_contacts(conn, scope=scope, area=HUANBAO)
    assert set(listed["member_id"]) <= {1, 2, 3, 4, 5, 7} and set(raw["member_id"]) == set(range(1, 8))
    assert not set(contacts["member_id"]) & {8, 9}


def test_a_community_account_gets_its_own_demands_only(engine):
    with engine.connect() as conn:
        own = records.fetch_demands(conn, scope=Scope("community", HUANBAO), area=HUANBAO)
        street = records.fetch_demands(conn, scope=Scope("street", BEIHU), area=BEIHU)
    assert set(own["community_id"]) == {3} and len(own) == 3  # SQ1-SQ3
    assert set(street["community_id"]) == {3, 4} and len(street) == 7  # withdrawn ones too: the metrics skip them


@pytest.mark.parametrize("role", ["city", "district", "clerk"])
def test_leaders_and_clerks_get_no_member_lists_or_records(engine, role):
    scope = Scope(role, JIANGHAN if role == "district" else CITY)
    with engine.connect() as conn:
        with pytest.raises(OutOfScopeError):
            members.fetch_member_list(conn, scope=scope, area=scope.area, end=END)
        with pytest.raises(OutOfScopeError):
            members.fetch_member_record(conn, scope=scope, member_id=1)


def test_a_record_outside_the_scope_is_not_there(engine):
    with engine.connect() as conn:
        own = members.fetch_member_record(conn, scope=Scope("community", HUANBAO), member_id=1)
        other = members.fetch_member_record(conn, scope=Scope("community", HUANBAO), member_id=8)
        street = members.fetch_member_record(conn, scope=Scope("street", BEIHU), member_id=8)
    assert own["phone"] == "13800000001" and other is None and street["phone"] == "13800000008"
