"""总览's "who is behind": a city or district account sees every street (or community) under its area ranked,
not only its children, by contact coverage, overdue rate and 三联齐全 (AppTest on the demo city)."""

from __future__ import annotations

import pytest
from app_support import open_page, plotly_charts, plotly_values
from sqlalchemy import select

from data_access.engine import get_engine
from data_access.schema import areas_table
from metrics.ordering import pinyin_key
from metrics.tables import RANKING_KEYS
from ui import labels

pytestmark = pytest.mark.usefixtures("clear_caches")
WEEK = "2026-W46"


def area_names(url: str, level: str, under: str = "") -> list[str]:
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(areas_table.c.path, areas_table.c[level]).where(areas_table.c.level == level))
        return [name for path, name in rows if path.startswith(under)]


def titles(level: str) -> list[str]:
    name = labels.LEVEL_NAMES[level]
    return [labels.OVERVIEW_RANK_TITLES[key].format(level=name) for key in RANKING_KEYS]


def test_a_city_account_sees_every_street_ranked(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=WEEK)
    assert not app.exception
    picker = app.segmented_control(key="overview_behind_level")
    assert picker.value == "street" and list(picker.options) == [
        labels.OVERVIEW_BEHIND_LEVEL_OPTION.format(level=labels.LEVEL_NAMES[level])
        for level in ("district", "street", "community")
    ]
    charts = plotly_charts(app)
    for title in titles("street"):
        assert title in charts
        bars = plotly_values(charts[title]["data"][0]["y"])
        assert 0 < len(bars) <= 10
        assert set(bars) <= set(area_names(demo_url, "street"))
    streets = area_names(demo_url, "street")
    table = app.dataframe[0].value
    assert len(streets) > 13  # more streets than districts: not only the city's children
    assert sorted(table["name"]) == sorted(streets)
    assert table["name"].tolist() == sorted(streets, key=pinyin_key)  # the table in pinyin order
    assert table["parent"].iloc[0] and "/" not in "".join(table["parent"])  # the district, shown as a breadcrumb


def test_the_city_can_rank_every_community(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=WEEK)
    app.segmented_control(key="overview_behind_level").set_value("community").run()
    assert not app.exception
    assert set(titles("community")) <= set(plotly_charts(app))
    assert len(app.dataframe[0].value) == len(area_names(demo_url, "community"))


def test_a_district_account_sees_its_streets_and_communities(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=WEEK, role="district", scope_area="江汉区")
    assert not app.exception
    picker = app.segmented_control(key="overview_behind_level")
    assert picker.value == "street" and len(picker.options) == 2
    assert sorted(app.dataframe[0].value["name"]) == sorted(area_names(demo_url, "street", "江汉区/"))
    picker.set_value("community").run()
    assert sorted(app.dataframe[0].value["name"]) == sorted(area_names(demo_url, "community", "江汉区/"))


def test_a_street_account_ranks_its_communities_without_a_picker(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = open_page("pages/overview.py", week=WEEK, role="street", scope_area="江汉区/北湖街道")
    assert not app.exception
    assert not [w for w in app.get("button_group") if w.proto.id.endswith("overview_behind_level")]
    assert set(titles("community")) <= set(plotly_charts(app))


def funnel_title(month: str) -> str:
    year, number = month.split("-")
    name = labels.FUNNEL_MONTH_OPTION.format(year=int(year), month=int(number))
    return labels.FUNNEL_TITLE.format(month=name, first=30, three_way=90)


def test_the_funnel_follows_the_latest_complete_month_and_another_picked(monkeypatch, demo_url):
    from data_access.areas import CITY_SCOPE, AreaPath
    from metrics.funnel import Month
    from metrics.periods import Week
    from metrics.thresholds import Thresholds
    from services.funnel import registration_funnel

    def expected(month: str, area: str) -> list[int]:
        view = {"scope": CITY_SCOPE, "area": AreaPath.parse(area), "as_of": Week.parse(WEEK).end}
        funnel = registration_funnel(get_engine(demo_url), **view, month=Month.parse(month), thresholds=Thresholds())
        return funnel["count"].tolist()

    monkeypatch.setenv("DATABASE_URL", demo_url)
    area = ""  # the city: a district's month is a few members in the demo
    app = open_page("pages/overview.py", week=WEEK)
    assert not app.exception
    assert app.selectbox(key="overview_funnel_month").value == "2026-10"  # W46 ends 11-15: October is over
    chart = plotly_charts(app)[funnel_title("2026-10")]["data"][0]
    counts = plotly_values(chart["x"])
    assert counts == expected("2026-10", area) and counts[0] > counts[1] >= counts[2]
    assert chart["text"][1].startswith(f"{counts[1]:,} 人（上一步的 ")
    assert any("尚未都满 90 天" in caption.value for caption in app.caption)  # October's 90 days are not over

    app.selectbox(key="overview_funnel_month").set_value("2026-06").run()
    assert not app.exception
    assert plotly_values(plotly_charts(app)[funnel_title("2026-06")]["data"][0]["x"]) == expected("2026-06", area)
    assert not any("尚未都满 90 天" in caption.value for caption in app.caption)  # June's cohort is complete
