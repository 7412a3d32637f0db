"""The 覆盖地图 page runs (AppTest) on the demo city, an empty database and areas without boundaries, and its
community figures are those `cli.py report` gives for each community."""

from __future__ import annotations

import json
from datetime import date

import pytest
from app_support import app_test, plotly_charts, streamlit_english
from streamlit.testing.v1 import AppTest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.figures import fetch_boundaries
from data_access.loading import replace_all_data
from metrics.periods import last_complete_week, today_in_china
from metrics.registry import INDICATORS
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from services.report import weekly_report
from ui import labels
from ui.formatting import format_figure
from ui.maps import COMMUNITY_LAYER, MAP_INDICATORS, NO_DATA_COLOUR

pytestmark = pytest.mark.usefixtures("clear_caches")


def run_page(monkeypatch, url: str, area: str = "") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test()
    app.switch_page("pages/map.py")
    if area:
        app.query_params["area"] = area
    return app.run()


def deck_spec(app: AppTest) -> dict:
    decks = app.get("deck_gl_json_chart")
    assert len(decks) == 1
    return json.loads(decks[0].proto.json)


def community_rows(spec: dict) -> dict[str, dict]:
    layer = next(item for item in spec["layers"] if item["id"] == COMMUNITY_LAYER)
    return {row["path"]: row for row in layer["data"]}


def test_city_map_shows_every_community_with_the_report_figures(monkeypatch, demo_url):
    app = run_page(monkeypatch, demo_url)
    assert not app.exception
    assert [t.value for t in app.title] == [labels.PAGE_MAP]
    spec = deck_spec(app)
    assert spec["mapStyle"] == "__MAP_STYLE__"  # no basemap
    rows = community_rows(spec)
    with get_engine(demo_url).connect() as conn:
        boundaries = fetch_boundaries(conn, scope=CITY_SCOPE, area=AreaPath(), level="community")
    assert set(rows) == set(boundaries["path"])
    week = last_complete_week(today_in_china())
    for path in sorted(rows)[:3]:
        report = weekly_report(
            get_engine(demo_url), scope=CITY_SCOPE, week=week, area=AreaPath.parse(path), thresholds=Thresholds()
        )
        lines = rows[path]["tooltip"].splitlines()
        assert lines[1] == f"{labels.INDICATOR_LABELS['contact_coverage']}：" + format_figure(
            "contact_coverage", report["contact_coverage"]["value"]
        )
        assert lines[2].endswith(format_figure("active_members", report["active_members"]["value"]))
    layers = [item["id"] for item in spec["layers"]]
    assert {"stations", "station-range", "member-density"} <= set(layers)
    assert not app.info


def test_indicator_choice_recolours_and_layers_can_be_hidden(monkeypatch, demo_url):
    app = run_page(monkeypatch, demo_url, area="江汉区")
    before = community_rows(deck_spec(app))
    assert all(path.startswith("江汉区/") for path in before)
    app.selectbox(key="map_indicator").select("overdue").run()
    app.toggle(key="map_show_density").set_value(False).run()
    assert not app.exception
    spec = deck_spec(app)
    after = community_rows(spec)
    assert all(labels.INDICATOR_LABELS["overdue"] in row["tooltip"] for row in after.values())
    assert [row["fill"] for row in after.values()] != [row["fill"] for row in before.values()]
    assert "member-density" not in [item["id"] for item in spec["layers"]]


def test_the_picker_offers_the_indicators_declared_on_map(monkeypatch, demo_url):
    app = run_page(monkeypatch, demo_url)
    picker = app.selectbox(key="map_indicator")
    on_map = [i.key for i in INDICATORS if i.on_map]
    assert sorted(picker.options) == sorted(labels.INDICATOR_LABELS[key] for key in on_map)
    assert {"demand_resolution_rate", "demands_overdue_open"} <= set(MAP_INDICATORS) == set(on_map)


@pytest.mark.parametrize("key", ["demand_resolution_rate", "demands_overdue_open"])
def test_the_demand_indicators_colour_the_map_a_null_in_grey(monkeypatch, demo_url, key):
    """A community without demands has no resolution rate: grey, — in its tooltip, 无数据 in the legend."""
    app = run_page(monkeypatch, demo_url, area="江汉区")
    app.selectbox(key="map_indicator").select(key).run()
    assert not app.exception
    rows = community_rows(deck_spec(app))
    week = last_complete_week(today_in_china())
    for path in sorted(rows)[:3]:
        report = weekly_report(
            get_engine(demo_url), scope=CITY_SCOPE, week=week, area=AreaPath.parse(path), thresholds=Thresholds()
        )
        value = report[key]["value"]
        line = rows[path]["tooltip"].splitlines()[1]
        assert line == f"{labels.INDICATOR_LABELS[key]}：{format_figure(key, value)}"
    grey = [int(NO_DATA_COLOUR[i : i + 2], 16) for i in (1, 3, 5)]
    nulls = {path for path, row in rows.items() if row["tooltip"].splitlines()[1].endswith("：—")}
    assert nulls == {path for path, row in rows.items() if row["fill"][:3] == grey}
    legend = plotly_charts(app)
    title = next(text for text in legend if labels.INDICATOR_LABELS[key] in text)
    entries = [trace["text"][0] for trace in legend[title]["data"]]
    assert (labels.MAP_LEGEND_NO_DATA in entries) == bool(nulls)
    assert key != "demand_resolution_rate" or all("%" in e for e in entries if e != labels.MAP_LEGEND_NO_DATA)


def test_the_indicator_picker_says_nothing_in_english(monkeypatch, demo_url):
    app = run_page(monkeypatch, demo_url)
    assert not app.exception
    assert app.selectbox(key="map_indicator").proto.placeholder == labels.PICK_PLACEHOLDER
    assert not streamlit_english(app)


def test_community_level_shows_that_community(monkeypatch, demo_url):
    with get_engine(demo_url).connect() as conn:
        path = fetch_boundaries(conn, scope=CITY_SCOPE, area=AreaPath(("江汉区",)), level="community")["path"].iloc[0]
    app = run_page(monkeypatch, demo_url, area=path)
    assert not app.exception
    assert list(community_rows(deck_spec(app))) == [path]


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not app.get("deck_gl_json_chart")


def test_areas_without_boundaries_get_a_message(monkeypatch, sqlite_url):
    engine = get_engine(sqlite_url)
    frames = tiny_city.tables()  # areas without boundaries, as an imported 区划 ledger gives them
    replace_all_data(engine, frames, meta={"data_kind": "real"})
    refresh_from_tables(engine, frames, thresholds=Thresholds(), until=date(2026, 11, 23))
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.MAP_NO_BOUNDARIES.format(area=labels.CITY)]
    assert not app.get("deck_gl_json_chart")
