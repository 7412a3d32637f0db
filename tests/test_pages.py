"""Every page runs (AppTest) and shows the figures `cli.py report` gives."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from app_support import app_test
from conftest import POSTGRES_ADMIN_URL, empty_database
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.lookups import fetch_meta
from metrics.ordering import pinyin_key
from metrics.periods import Week, last_complete_week, today_in_china
from metrics.registry import REPORT_KEYS
from metrics.thresholds import Thresholds
from services.report import figures_fresh, weekly_report
from ui import labels
from ui.formatting import format_figure

pytestmark = pytest.mark.usefixtures("clear_caches")


def run_app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test()
    return app.run()


def test_overview_shows_the_report_figures(monkeypatch, demo_url):
    app = run_app(monkeypatch, demo_url)
    assert not app.exception
    assert labels.SYNTHETIC_BANNER in [w.value for w in app.warning]
    week = last_complete_week(today_in_china())
    report = weekly_report(get_engine(demo_url), scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    shown = {m.label: m.value for m in app.metric}
    assert len(shown) == len(REPORT_KEYS)
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


def test_a_database_file_that_cannot_be_made_shows_one_chinese_message(monkeypatch, tmp_path):
    """Its folder cannot be made (a file is in the way, or no permission): an OSError, not the driver's."""
    (tmp_path / "taken").write_text("")
    app = run_app(monkeypatch, f"sqlite:///{tmp_path / 'taken' / 'dashboard.sqlite'}")
    assert not app.exception
    assert [e.value for e in app.error] == [labels.DATABASE_ERRORS["unreachable"]]


def test_the_caches_spin_in_chinese_or_not_at_all():
    """Streamlit's default spinner reads "Running `load_engine(...)`." while a cached function runs."""
    from streamlit.runtime.caching.cache_utils import CachedFunc

    import ui.data

    cached = {name: f._info.show_spinner for name, f in vars(ui.data).items() if isinstance(f, CachedFunc)}
    assert {"load_engine", "refresh_lock", "load_areas"} <= set(cached)
    assert cached["load_engine"] == labels.DATABASE_CONNECTING
    assert all(spinner is False or spinner in vars(labels).values() for spinner in cached.values()), cached


def test_import_page_offers_templates_and_states_the_limit(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = app_test()
    app.switch_page("pages/import.py")
    app.run()
    assert not app.exception
    assert any("200 MB" in c.value for c in app.caption)
    assert [i.value for i in app.info] == [labels.IMPORT_HINT, labels.IMPORT_HISTORY_EMPTY]  # nothing imported yet


def test_overview_follows_the_url_week_and_area(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test()
    app.query_params["week"] = "2026-W40"
    app.query_params["area"] = "江汉区"
    app.run()
    assert not app.exception
    report = weekly_report(
        get_engine(demo_url),
        scope=CITY_SCOPE,
        week=Week.parse("2026-W40"),
        area=AreaPath(("江汉区",)),
        thresholds=Thresholds(),
    )
    shown = {m.label: m.value for m in app.metric}
    for key, figure in report.items():
        assert shown[labels.INDICATOR_LABELS[key]] == format_figure(key, figure["value"])
    assert any("江汉区 · 2026-W40" in c.value for c in app.caption)


@pytest.mark.parametrize(
    ("week", "area"), [("2026-W99", ""), ("2031-W01", ""), ("", "不存在区/某街道"), ("", "a/b/c/d")]
)
def test_a_bad_url_gets_a_chinese_message_and_the_default(monkeypatch, demo_url, week, area):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test()
    app.query_params["week"] = week
    app.query_params["area"] = area
    app.run()
    assert not app.exception
    assert any((week or area) in w.value for w in app.warning)
    captions = [c.value for c in app.caption]
    if week:
        assert any(str(last_complete_week(today_in_china())) in text for text in captions)
    if area:
        assert any(text.startswith("武汉市 · ") for text in captions)


def test_picking_a_district_narrows_the_view(monkeypatch, demo_url):
    app = run_app(monkeypatch, demo_url)
    app.sidebar.selectbox(key="pick_district").select("江汉区").run()
    assert not app.exception
    assert any("武汉市 › 江汉区" in c.value for c in app.caption)
    assert app.sidebar.selectbox(key="pick_street").value == ""


def test_the_pickers_list_areas_in_pinyin_order(monkeypatch, demo_url):
    """东西湖区, 汉南区, 汉阳区 … 新洲区, as a Chinese reader looks a name up, not 东西湖区, 新洲区, 武昌区 …"""
    app = run_app(monkeypatch, demo_url)
    first, *districts = app.sidebar.selectbox(key="pick_district").options
    assert first == labels.PICK_ALL
    assert districts == sorted(districts, key=pinyin_key) != sorted(districts)
    app.sidebar.selectbox(key="pick_district").select("江汉区").run()
    _, *streets = app.sidebar.selectbox(key="pick_street").options
    assert len(streets) > 1 and streets == sorted(streets, key=pinyin_key)


def test_markdown_in_a_link_stays_text(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test()
    app.query_params["area"] = "[请重新登录](https://evil.example) ![x](https://evil.example/x.png)"
    app.run()
    message = app.warning[-1].value
    assert message.count("`") == 2 and "…" in message  # one code span, cut short


def test_stale_figures_are_recomputed_when_the_app_starts(monkeypatch, sqlite_url):
    """Data written without its refresh (an interrupted import; a database from before stats_data_version)."""
    engine = get_engine(sqlite_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.connect() as conn:
        assert not figures_fresh(fetch_meta(conn))
    week = Week.containing(date(2026, 11, 11))
    raw = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    app = run_app(monkeypatch, sqlite_url)
    assert not app.exception
    with engine.connect() as conn:
        meta = fetch_meta(conn)
    assert figures_fresh(meta) and meta["summary_first_week"] <= str(week.previous.start)
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds()) == raw


@contextmanager
def _gone(url: str):
    """The database goes away while the app runs, and comes back: on PostgreSQL it is closed to connections and
    its sessions ended; an SQLite file's folder is moved away (SQLite reads on through connections it has open,
    so the idle ones are dropped: the next run opens new ones, as a server restart or a busy pool would)."""
    if url.startswith("sqlite"):
        folder = Path(url.split("///", 1)[1]).parent
        moved = folder.with_name(folder.name + "_away")
        folder.rename(moved)
        get_engine(url).dispose()
        try:
            yield
        finally:
            moved.rename(folder)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_that_goes_away_shows_one_chinese_message_then_comes_back(monkeypatch, tmp_path, kind):
    """Not Streamlit's English error box: the driver's error becomes a DataAccessError where the connection is
    opened (data_access.engine), so the frame's friendly_errors says it in Chinese; no restart is needed after."""
    folder = tmp_path / "db"
    folder.mkdir()
    with empty_database(kind, folder) as url:
        replace_all_data(get_engine(url), tiny_city.tables(), meta={"data_kind": "real"})
        app = run_app(monkeypatch, url)
        assert not app.exception and app.metric
        with _gone(url):
            app.run()
            assert not app.exception
            assert [e.value for e in app.error] == [labels.DATABASE_ERRORS["unreachable"]]
            assert not app.metric and not app.warning and not app.info
        app.run()
        assert not app.exception and not app.error
        assert len(app.metric) == len(REPORT_KEYS)
