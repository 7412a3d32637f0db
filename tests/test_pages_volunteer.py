"""The 志愿服务 page runs (AppTest), shows the figures `cli.py report` gives, and handles empty cases."""

from __future__ import annotations

from datetime import date

import pytest
from app_support import assert_shows_report, open_page, plotly_charts, plotly_values
from streamlit.testing.v1 import AppTest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.records import fetch_volunteer
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from ui import labels
from ui.data import year_weeks
from ui.formatting import format_figure
from ui.volunteer import HEADLINE_KEYS

WEEK = Week.parse("2026-W47")


pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('volunteer') / 'tiny.sqlite'}"
    tables = tiny_city.tables()
    replace_all_data(get_engine(url), tables, meta={"data_kind": "real"})
    refresh_from_tables(get_engine(url), tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return url


def run_page(monkeypatch, url: str, area: str = "") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    return open_page("pages/volunteer.py", week=str(WEEK), area=area)


def check_headline(app: AppTest, url: str, area: AreaPath) -> dict:
    report, shown = assert_shows_report(app, url, week=WEEK, area=area, keys=HEADLINE_KEYS)
    hours, participants = report["volunteer_hours"]["value"], report["volunteer_participants"]["value"]
    expected = format_figure("volunteer_hours", hours / participants if participants else None)
    assert shown[labels.VOLUNTEER_HOURS_PER_PARTICIPANT] == expected
    return report


@pytest.mark.parametrize("area", ["", "江汉区"])
def test_volunteer_page_shows_the_report_figures(monkeypatch, demo_url, area):
    app = run_page(monkeypatch, demo_url, area)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    report = check_headline(app, demo_url, AreaPath.parse(area))
    hours = report["volunteer_hours"]["value"]
    figures = plotly_charts(app)

    year = figures[labels.VOLUNTEER_YEAR_TITLE.format(weeks=52)]
    weeks, weekly = plotly_values(year["data"][0]["x"]), plotly_values(year["data"][0]["y"])
    assert len(weeks) == 52 and weeks[-1] == str(WEEK)
    assert weekly[-1] == pytest.approx(hours) and weekly[-2] == pytest.approx(report["volunteer_hours"]["previous"])
    (peak,) = year["layout"]["annotations"]
    assert peak["x"] in {"2026-W25", "2026-W26", "2026-W27"}  # 党员义务奉献日 at the end of June

    categories = figures[labels.VOLUNTEER_CATEGORY_TITLE]["data"][0]
    assert sum(plotly_values(categories["x"])) == pytest.approx(hours)
    assert set(plotly_values(categories["y"])) <= set(labels.VOLUNTEER_CATEGORY_LABELS.values())
    with get_engine(demo_url).connect() as conn:
        records = fetch_volunteer(conn, scope=CITY_SCOPE, area=AreaPath.parse(area), start=WEEK.start, end=WEEK.end)
    assert records["hours"].sum() == pytest.approx(hours)

    leaders = figures[labels.VOLUNTEER_LEADERS_TITLE]["data"][0]
    top = plotly_values(leaders["x"])[::-1]  # drawn bottom-up
    assert 0 < len(top) <= 10 and top == sorted(top, reverse=True)
    assert top[0] <= hours


def test_a_community_has_no_leader_ranking(monkeypatch, demo_url):
    community = "江汉区/北湖街道/环保社区"
    app = run_page(monkeypatch, demo_url, community)
    assert not app.exception
    check_headline(app, demo_url, AreaPath.parse(community))
    assert labels.VOLUNTEER_LEADERS_TITLE not in plotly_charts(app)


def test_a_week_without_hours_says_so(monkeypatch, tiny_url):
    # The tiny city's volunteer records are dated 11-08..11-12: none in 2026-W47.
    app = run_page(monkeypatch, tiny_url)
    assert not app.exception
    report = check_headline(app, tiny_url, AreaPath())
    assert report["volunteer_hours"]["value"] == 0
    assert [i.value for i in app.info] == [labels.VOLUNTEER_NO_HOURS, labels.VOLUNTEER_NO_LEADERS]
    # The tiny city's figures start in September: the year chart keeps to the precomputed weeks (12 at least).
    assert list(plotly_charts(app)) == [labels.VOLUNTEER_YEAR_TITLE.format(weeks=12)]


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_page(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not app.metric
    assert not app.get("plotly_chart")


def test_year_is_cut_back_to_the_precomputed_weeks():
    assert year_weeks(WEEK, None) == 52
    assert year_weeks(WEEK, "2024-11-25") == 52
    assert year_weeks(WEEK, "2026-09-01") == 12  # never fewer than a trend's 12
    assert year_weeks(WEEK, "2026-01-05") == 46  # 2026-W02..W47
