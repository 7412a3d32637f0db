"""The 联系情况 page runs (AppTest), shows the figures `cli.py report` gives, and handles empty cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_support import assert_shows_report, open_page, plotly_charts, plotly_values
from streamlit.testing.v1 import AppTest

from data_access.activity import fetch_contact_count_distribution
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.figures import fetch_areas
from data_access.records import fetch_contacts
from metrics.activity import compute_contact_histogram, compute_mean_contacts
from metrics.periods import Week
from ui import labels
from ui.contacts import HEADLINE_KEYS
from ui.formatting import format_figure

WEEK = Week.parse("2026-W47")


pytestmark = pytest.mark.usefixtures("clear_caches")


def run_page(monkeypatch, url: str, area: str = "") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    return open_page("pages/contacts.py", week=str(WEEK), area=area)


def check_headline(app: AppTest, url: str, area: AreaPath) -> dict:
    report, shown = assert_shows_report(app, url, week=WEEK, area=area, keys=HEADLINE_KEYS)
    assert len(shown) == len(HEADLINE_KEYS)
    return report


@pytest.mark.parametrize("area", ["", "江汉区"])
def test_contacts_page_shows_the_report_figures(monkeypatch, demo_url, area):
    app = run_page(monkeypatch, demo_url, area)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    report = check_headline(app, demo_url, AreaPath.parse(area))
    figures = plotly_charts(app)

    mean = format_figure("contacts_per_member_30d", report["contacts_per_member_30d"]["value"])
    histogram = figures[labels.CONTACTS_HISTOGRAM_TITLE.format(days=30, mean=mean)]["data"][0]
    assert plotly_values(histogram["x"]) == ["0", "1", "2", "3", "4", "5+"]
    assert sum(plotly_values(histogram["y"])) == report["active_members"]["value"]

    with get_engine(demo_url).connect() as conn:
        distribution = fetch_contact_count_distribution(
            conn, scope=CITY_SCOPE, area=AreaPath.parse(area), start=WEEK.end - timedelta(days=29), end=WEEK.end
        )
        raw = fetch_contacts(
            conn, scope=CITY_SCOPE, area=AreaPath.parse(area), start=WEEK.shifted(-11).start, end=WEEK.end
        )
        this_week = fetch_contacts(conn, scope=CITY_SCOPE, area=AreaPath.parse(area), start=WEEK.start, end=WEEK.end)
    for title, codes in (
        (labels.CONTACTS_BY_SIDE_TITLE, labels.SIDE_LABELS),
        (labels.CONTACTS_BY_METHOD_TITLE, labels.METHOD_LABELS),
    ):
        traces = figures[title]["data"]
        assert {trace["name"] for trace in traces} <= set(codes.values())
        assert plotly_values(traces[0]["x"])[-1] == str(WEEK) and len(plotly_values(traces[0]["x"])) == 12
        assert sum(sum(plotly_values(trace["y"])) for trace in traces) == len(raw)
        assert sum(plotly_values(trace["y"])[-1] for trace in traces) == len(this_week)
    by_side = {t["name"]: plotly_values(t["y"])[-1] for t in figures[labels.CONTACTS_BY_SIDE_TITLE]["data"]}
    assert by_side[labels.SIDE_LABELS["member"]] == int((this_week["side"] == "member").sum())

    active = report["active_members"]["value"]
    assert compute_mean_contacts(distribution, active_members=active) == pytest.approx(
        report["contacts_per_member_30d"]["value"]
    )
    assert (
        plotly_values(histogram["y"])[1:]
        == compute_contact_histogram(distribution, active_members=active)["members"].tolist()[1:]
    )

    trend = figures[labels.CONTACTS_THREE_WAY_TITLE]["data"]
    assert plotly_values(trend[0]["y"])[-1] == pytest.approx(report["three_way_complete"]["value"])

    level = labels.LEVEL_NAMES["district" if not area else "street"]
    children = figures[labels.CONTACTS_CHILDREN_TITLE.format(level=level)]["data"]
    overdue = next(t for t in children if t["name"] == labels.INDICATOR_LABELS["overdue"])
    assert sum(plotly_values(overdue["x"])) == report["overdue"]["value"]
    assert plotly_values(overdue["x"]) == sorted(plotly_values(overdue["x"]))  # largest drawn last, on top


def test_a_community_shows_no_child_chart_but_says_where_to_look(monkeypatch, demo_url):
    with get_engine(demo_url).connect() as conn:
        areas = fetch_areas(conn)
    community = areas[areas["level"] == "community"]["path"].iloc[0]
    app = run_page(monkeypatch, demo_url, community)
    assert not app.exception
    check_headline(app, demo_url, AreaPath.parse(community))
    assert labels.CONTACTS_NO_CHILDREN in [i.value for i in app.info]
    assert len(plotly_charts(app)) == 4


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not app.metric
    assert not app.get("plotly_chart")
