"""The 诉求办理 page's queries on both engines: a window's records and the open ones, withdrawn left out, and the
overdue list only for scopes that see personal data, agreeing with `cli.py report`."""

from __future__ import annotations

from datetime import date

import pytest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath, OutOfScopeError, Scope
from data_access.demands import fetch_demand_records, fetch_overdue_demands
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.report import weekly_report

W47 = Week.parse("2026-W47")  # ends 2026-11-22
BEIHU = AreaPath(("江汉区", "北湖街道"))
STREET = Scope("street", BEIHU)


@pytest.fixture(scope="module")
def engine(module_db_url):
    engine = get_engine(module_db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    return engine


def test_records_of_a_window_and_those_still_open_without_the_withdrawn(engine):
    with engine.connect() as conn:
        window = fetch_demand_records(conn, scope=CITY_SCOPE, area=AreaPath(), start=date(2026, 11, 9), end=W47.end)
        early = fetch_demand_records(
            conn, scope=CITY_SCOPE, area=AreaPath(), start=date(2026, 11, 1), end=date(2026, 11, 5)
        )
    # SQ6 is withdrawn; SQ3 (raised 10-01) is still open, so it is there whatever the window.
    assert window["number"].tolist() == ["SQ3", "SQ1", "SQ4"]
    assert set(early["number"]) == {"SQ3", "SQ5", "SQ2", "SQ7"}
    assert list(window.columns) == [
        "number", "kind", "community_path", "community", "raised_on", "resolved_on", "source", "station",
    ]  # fmt: skip


def test_the_overdue_list_is_the_reports_count_and_only_for_personal_scopes(engine):
    thresholds = Thresholds()
    with engine.connect() as conn:
        overdue = fetch_overdue_demands(
            conn, scope=STREET, area=BEIHU, end=W47.end, overdue_days=thresholds.demand_overdue_days
        )
        with pytest.raises(OutOfScopeError):
            fetch_overdue_demands(conn, scope=CITY_SCOPE, area=BEIHU, end=W47.end, overdue_days=30)
        with pytest.raises(OutOfScopeError):
            fetch_overdue_demands(conn, scope=STREET, area=AreaPath(("武昌区",)), end=W47.end, overdue_days=30)
    report = weekly_report(engine, scope=CITY_SCOPE, week=W47, area=BEIHU, thresholds=thresholds)
    assert overdue["number"].tolist() == ["SQ3"] and len(overdue) == report["demands_overdue_open"]["value"]
    assert {"name", "phone"} <= set(overdue.columns)
