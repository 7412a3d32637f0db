"""The 诉求办理 page runs (AppTest), shows the figures `cli.py report` gives, agrees with itself, keeps the
overdue list to street and community accounts (masked), and handles empty cases."""

from __future__ import annotations

import re
from datetime import date

import pytest
from app_support import assert_shows_report, open_page, plotly_charts, plotly_values, street_with_overdue_demands
from streamlit.testing.v1 import AppTest

import tiny_city
from data_access.areas import AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.periods import Week
from metrics.registry import GROUPS
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from ui import labels

WEEK = Week.parse("2026-W47")
WINDOW = Thresholds().demand_window_days
MASKED_PHONE = re.compile(r"\d{3}\*{4}\d{4}")

pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    """The tiny city, its open demand SQ3 (raised 10-01, 52 days before 2026-W47 ends) raised on a home visit by
    member 1, and every demand in 环保社区 (世彩社区 has members but none)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demands') / 'tiny.sqlite'}"
    tables = tiny_city.tables()
    demands = tables["demands"]
    sq3 = demands["number"] == "SQ3"
    demands.loc[sq3, "member_id"] = 1
    demands.loc[sq3, "source"] = "visit"
    demands["community_id"] = 3
    replace_all_data(get_engine(url), tables, meta={"data_kind": "real"})
    refresh_from_tables(get_engine(url), tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return url


def run_page(monkeypatch, url: str, area: str = "", role: str = "city", scope_area: str = "") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    return open_page("pages/demands.py", week=str(WEEK), area=area, role=role, scope_area=scope_area)


def chart_titled(figures: dict[str, dict], title: str) -> dict:
    """The one chart whose title is `title` up to its count (前 N): an area may have fewer than 10 to rank."""
    head = title.split("{count}")[0]
    (figure,) = [figure for shown, figure in figures.items() if shown.startswith(head)]
    return figure


def overdue_table(app: AppTest):
    (table,) = [frame.value for frame in app.dataframe]
    return table


@pytest.mark.parametrize("area", ["", "江汉区"])
def test_demands_page_shows_the_report_figures_and_charts_that_agree_with_them(monkeypatch, demo_url, area):
    app = run_page(monkeypatch, demo_url, area)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    report, _ = assert_shows_report(app, demo_url, week=WEEK, area=AreaPath.parse(area), keys=GROUPS["demand"])
    figures = plotly_charts(app)

    flow = figures[labels.DEMANDS_FLOW_TITLE.format(weeks=52)]
    raised, resolved = (plotly_values(line["y"]) for line in flow["data"])
    assert plotly_values(flow["data"][0]["x"])[-1] == str(WEEK)
    assert raised[-1] == report["demands_raised"]["value"] and raised[-2] == report["demands_raised"]["previous"]
    assert resolved[-1] == report["demands_resolved"]["value"]

    wishes = figures[labels.DEMANDS_WISHES_TITLE.format(weeks=52)]
    assert plotly_values(wishes["data"][0]["y"])[-1] == report["wishes_fulfilled"]["value"]
    (peak,) = wishes["layout"]["annotations"]
    assert peak["x"] in {"2026-W25", "2026-W26", "2026-W27"}  # the wave before 党员义务奉献日

    # Over the sources, resolved of raised in the window is the report's resolution rate.
    by_source = figures[labels.DEMANDS_SOURCE_TITLE.format(window=WINDOW)]["data"]
    done, still_open = (sum(plotly_values(bar["x"])) for bar in by_source[:2])
    assert done / (done + still_open) == pytest.approx(report["demand_resolution_rate"]["value"])
    sources = set(plotly_values(by_source[0]["y"]))
    assert sources and sources <= set(labels.DEMAND_SOURCE_LABELS.values())

    backlog = chart_titled(figures, labels.DEMANDS_BACKLOG_TITLE)["data"]
    overdue = plotly_values(backlog[0]["x"])[::-1]  # drawn bottom-up: the most overdue community first
    assert overdue == sorted(overdue, reverse=True) and overdue[0] <= report["demands_overdue_open"]["value"]
    names = plotly_values(backlog[0]["y"])
    assert len(set(names)) == len(names)  # a name that repeats across streets says its street
    stations = chart_titled(figures, labels.DEMANDS_STATION_TITLE.replace("{window}", str(WINDOW)))["data"]
    taken = [done + left for done, left in zip(*(plotly_values(bar["x"]) for bar in stations[:2]), strict=True)]
    assert taken[::-1] == sorted(taken, reverse=True) and sum(taken) <= done + still_open

    # A city account sees no one's name: the list is for streets and communities.
    assert labels.DEMANDS_LEADER_NOTE in [i.value for i in app.info]
    assert not app.dataframe


def test_a_street_account_sees_the_overdue_list_masked_and_as_many_as_the_report(monkeypatch, demo_url):
    street = street_with_overdue_demands(demo_url, WEEK)
    app = run_page(monkeypatch, demo_url, street, role="street", scope_area=street)
    assert not app.exception
    report, _ = assert_shows_report(app, demo_url, week=WEEK, area=AreaPath.parse(street), keys=GROUPS["demand"])
    expected = report["demands_overdue_open"]["value"]
    assert expected > 0
    assert labels.DEMANDS_OVERDUE_TITLE.format(count=expected) in [s.value for s in app.subheader]
    table = overdue_table(app)
    assert len(table) == expected
    columns = labels.DEMANDS_OVERDUE_COLUMNS
    assert list(table.columns) == list(columns.values())
    waited = table[columns["days_open"]].tolist()
    assert waited == sorted(waited, reverse=True) and min(waited) > Thresholds().demand_overdue_days
    named = table[table[columns["name"]] != labels.DEMANDS_NOT_NAMED]
    assert len(named) and named[columns["phone"]].str.fullmatch(MASKED_PHONE.pattern).all()
    assert named[columns["name"]].str.contains(r"\*").all()


def test_the_tiny_city_lists_its_one_overdue_demand(monkeypatch, tiny_url):
    street = "江汉区/北湖街道"
    app = run_page(monkeypatch, tiny_url, street, role="street", scope_area=street)
    assert not app.exception
    table = overdue_table(app)
    columns = labels.DEMANDS_OVERDUE_COLUMNS
    row = table.iloc[0].to_dict()
    assert len(table) == 1 and row[columns["number"]] == "SQ3" and row[columns["community"]] == "环保社区"
    assert row[columns["days_open"]] == (WEEK.end - date(2026, 10, 1)).days == 52
    assert row[columns["source"]] == labels.DEMAND_SOURCE_LABELS["visit"]
    assert row[columns["name"]] == "测*1" and row[columns["phone"]] == "138****0001"
    assert "13800000001" not in str(app)


def test_an_area_without_demands_says_so(monkeypatch, tiny_url):
    app = run_page(monkeypatch, tiny_url, "江汉区/北湖街道/世彩社区")
    assert not app.exception
    assert labels.DEMANDS_NONE.format(area="世彩社区") in [i.value for i in app.info]
    assert not plotly_charts(app)


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert app.info or app.warning
