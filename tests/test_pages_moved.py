"""总览's 本周变化 (AppTest): the flows and the areas that moved an indicator are `cli.py report --explain`'s, and
the flows' member lists go to street and community accounts only, masked."""

from __future__ import annotations

import re

import pytest
from app_support import open_page, plotly_charts, plotly_values

from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.movers import what_moved
from services.report import weekly_report
from ui import labels
from ui.formatting import format_change

WEEK = Week.parse("2026-W47")
MASKED_PHONE = re.compile(r"\d{3}\*{4}\d{4}")

pytestmark = pytest.mark.usefixtures("clear_caches")


def moved_of(url: str, area: str = ""):
    return what_moved(get_engine(url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse(area), thresholds=Thresholds())


def test_the_flows_and_the_largest_movers_are_the_report_s(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=str(WEEK))
    assert not app.exception
    moved = moved_of(demo_url)
    (tiles,) = [element.proto.body for element in app.get("html") if "flow-tiles" in element.proto.body]
    shown = dict(re.findall(r'<span class="label">([^<]+)</span><span class="count">([^<]+)</span>', tiles))
    assert shown == {labels.FLOW_LABELS[flow]: f"{count:,}" for flow, count in moved.flows.items()}
    assert not [b for b in app.button_group if b.label == labels.MOVED_LIST_PICK]  # a city account: no lists
    assert app.selectbox(key="moved_indicator").value == "contact_coverage"
    report = weekly_report(get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath(), thresholds=Thresholds())
    movers = moved.movers["contact_coverage"].dropna()
    top = movers[movers["contribution"] > 0].iloc[0]
    sentence = next(m.value for m in app.markdown if m.value.startswith("**联系覆盖率**"))
    assert f"{top['path']} {format_change('contact_coverage', top['contribution'], 0.0)}" in sentence
    (figure,) = [f for title, f in plotly_charts(app).items() if title.startswith("联系覆盖率")]
    bars = plotly_values(figure["data"][0]["x"])
    assert max(bars) == pytest.approx(top["contribution"] * 100)
    change = report["contact_coverage"]["value"] - report["contact_coverage"]["previous"]
    assert movers["contribution"].sum() == pytest.approx(change)


def test_picking_another_indicator_shows_where_its_change_came_from(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=str(WEEK))
    app.selectbox(key="moved_indicator").select("station_visits").run()
    assert not app.exception
    movers = moved_of(demo_url).movers["station_visits"]
    largest = movers[movers["contribution"] != 0]
    (figure,) = [f for title, f in plotly_charts(app).items() if title.startswith("驿站服务人次")]
    shown = plotly_values(figure["data"][0]["x"])
    assert len(shown) <= 10 and largest["contribution"].abs().max() == max(abs(v) for v in shown)


def test_a_street_account_sees_each_flow_s_members_masked(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    street = "江汉区/北湖街道"
    app = open_page("pages/overview.py", week=str(WEEK), area=street, role="street", scope_area=street)
    assert not app.exception
    flows = moved_of(demo_url, street).flows
    assert flows["newly_overdue"] > 0  # the demo city has some every week
    app.button_group(key="moved_flow").set_value("newly_overdue").run()
    assert not app.exception
    (table,) = [frame.value for frame in app.dataframe if "手机号" in frame.value.columns]
    assert len(table) == flows["newly_overdue"]  # all of them are active: the flow counts active members only
    assert all(MASKED_PHONE.fullmatch(phone) for phone in table["手机号"])
    assert (table["未联系天数"] > Thresholds().overdue_days).all()
    assert (table["未联系天数"] <= Thresholds().overdue_days + 7).all()  # overdue at E, not a week before
