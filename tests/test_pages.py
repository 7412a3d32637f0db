"""Every page runs (AppTest) and shows the figures `cli.py report` gives."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access.areas import AreaPath
from data_access.engine import get_engine
from metrics.periods import last_complete_week, today_in_china
from metrics.thresholds import Thresholds
from services.report import weekly_report
from services.sample import build_sample
from ui import labels
from ui.formatting import format_figure


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'demo.sqlite'}"
    build_sample(get_engine(url), seed=3, until=today_in_china(), size="demo", thresholds=Thresholds())
    return url


def run_app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = AppTest.from_file("../app.py", default_timeout=60)
    return app.run()


def test_overview_shows_the_report_figures(monkeypatch, demo_url):
    app = run_app(monkeypatch, demo_url)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    week = last_complete_week(today_in_china())
    report = weekly_report(get_engine(demo_url), week=week, area=AreaPath(), thresholds=Thresholds())
    shown = {m.label: m.value for m in app.metric}
    assert len(shown) == 14
    for key, figure in report.items():
        assert shown[labels.INDICATOR_LABELS[key]] == format_figure(key, figure["value"])


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = run_app(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not app.metric


def test_unreachable_database_shows_one_chinese_message(monkeypatch):
    app = run_app(monkeypatch, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert not app.exception
    assert [e.value for e in app.error] == [labels.DATABASE_ERRORS["unreachable"]]


def test_import_page_offers_templates_and_states_the_limit(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = AppTest.from_file("../app.py", default_timeout=60)
    app.switch_page("pages/import.py")
    app.run()
    assert not app.exception
    assert any("200 MB" in c.value for c in app.caption)
    assert [i.value for i in app.info] == [labels.IMPORT_HINT]
