"""The 驿站服务 page runs (AppTest), shows the figures `cli.py report` gives, and handles empty cases."""

from __future__ import annotations

from datetime import date

import pytest
from app_support import app_test, assert_shows_report, plotly_charts
from streamlit.testing.v1 import AppTest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.stations import fetch_visit_times
from metrics.periods import last_complete_week, today_in_china
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from ui import labels

HEADLINE = ("station_coverage", "station_visits", "idle_stations")


pytestmark = pytest.mark.usefixtures("clear_caches")


def run_page(monkeypatch, url: str, area: str = "") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test()
    app.switch_page("pages/stations.py")
    if area:
        app.query_params["area"] = area
    return app.run()


def check_headline(app: AppTest, url: str, area: AreaPath) -> dict:
    week = last_complete_week(today_in_china())
    report, shown = assert_shows_report(app, url, week=week, area=area, keys=HEADLINE)
    with get_engine(url).connect() as conn:
        times = fetch_visit_times(conn, scope=CITY_SCOPE, area=area, start=week.start, end=week.end)
        before = fetch_visit_times(conn, scope=CITY_SCOPE, area=area, start=week.previous.start, end=week.previous.end)
    assert len(times) == report["station_visits"]["value"]
    assert len(before) == report["station_visits"]["previous"]
    demands, previous = (int((frame["service"] == "demand").sum()) for frame in (times, before))
    assert demands > 0
    card = next(m for m in app.metric if m.label == labels.STATIONS_DEMANDS)
    assert card.value == f"{demands:,}" and card.delta == f"{demands - previous:+,}"
    return report


@pytest.mark.parametrize("area", ["", "江汉区"])
def test_stations_page_shows_the_report_figures(monkeypatch, demo_url, area):
    app = run_page(monkeypatch, demo_url, area)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    report = check_headline(app, demo_url, AreaPath.parse(area))
    idle = report["idle_stations"]["value"]
    assert idle > 0  # the synthetic city has a few idle stations
    assert labels.STATIONS_IDLE_TITLE.format(count=idle) in [h.value for h in app.subheader]
    table = app.dataframe[0].value
    assert len(table) == idle
    assert list(table.columns) == list(labels.STATIONS_IDLE_COLUMNS.values())
    assert set(table[labels.STATIONS_IDLE_COLUMNS["kind"]]) <= set(labels.STATION_KIND_LABELS.values())
    if area:
        assert all(path.startswith(area + "/") for path in table[labels.STATIONS_IDLE_COLUMNS["path"]])


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not app.metric


def test_area_without_stations_says_so(monkeypatch, sqlite_url):
    engine = get_engine(sqlite_url)
    tables = tiny_city.tables()  # 武昌区 has members but no station
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 23))
    app = run_page(monkeypatch, sqlite_url, "武昌区")
    assert not app.exception
    assert [i.value for i in app.info] == [labels.STATIONS_NONE.format(area="武昌区")]
    assert not app.dataframe


def test_station_and_area_names_with_tags_are_chart_text(monkeypatch, sqlite_url):
    """Plotly renders <a href> (a link) and <b> in tick labels and hover: names reach it escaped."""
    engine = get_engine(sqlite_url)
    tables = tiny_city.hostile_tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = app_test()
    app.switch_page("pages/stations.py")
    app.query_params["week"] = "2026-W46"
    app.run()
    assert not app.exception
    (bar,) = plotly_charts(app)[labels.STATIONS_ALL_TITLE]["data"]
    escaped = tiny_city.HOSTILE_STATION.replace("<", "&lt;").replace(">", "&gt;")
    assert bar["y"] == [labels.STATIONS_NAME_WITH_COMMUNITY.format(name=escaped, community=tiny_city.HOSTILE_COMMUNITY)]
    assert bar["customdata"] == [f"江汉区/{tiny_city.HOSTILE_STREET}/{tiny_city.HOSTILE_COMMUNITY}"]
