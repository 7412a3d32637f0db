"""The first start: before the server takes requests, the embedded SQLite file gets the demo city and its
accounts, so that the sign-in page can name them; a configured database is never filled."""

from __future__ import annotations

import pytest

import settings
from data_access.engine import get_engine
from data_access.lookups import fetch_meta
from services.accounts import DEMO_ACCOUNTS, list_accounts
from ui.first_run import prepare_at_start

pytestmark = pytest.mark.usefixtures("clear_caches")


def test_the_first_start_builds_the_demo_city_with_its_accounts(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(settings, "DEFAULT_SQLITE_PATH", tmp_path / "dashboard.sqlite")
    prepare_at_start()
    engine = get_engine(f"sqlite:///{tmp_path / 'dashboard.sqlite'}")
    with engine.connect() as conn:
        meta = fetch_meta(conn)
    assert meta["data_kind"] == "synthetic"
    assert {a["name"] for a in list_accounts(engine)} == {name for name, _, _ in DEMO_ACCOUNTS}
    prepare_at_start()  # the next start finds it built
    with engine.connect() as conn:
        assert fetch_meta(conn)["data_version"] == meta["data_version"]


def test_a_configured_database_is_never_filled(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    prepare_at_start()
    with get_engine(sqlite_url).connect() as conn:
        assert "data_kind" not in fetch_meta(conn)


def test_stale_figures_are_recomputed_before_the_server_takes_requests(monkeypatch, tmp_path):
    from services.report import figures_fresh

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(settings, "DEFAULT_SQLITE_PATH", tmp_path / "dashboard.sqlite")
    prepare_at_start()
    engine = get_engine(f"sqlite:///{tmp_path / 'dashboard.sqlite'}")
    with engine.begin() as conn:  # as after an upgrade that adds indicators: the figures are older than the data
        conn.exec_driver_sql("UPDATE meta SET value = 'stale' WHERE key = 'stats_data_version'")
    with engine.connect() as conn:
        assert not figures_fresh(fetch_meta(conn))
    prepare_at_start()
    with engine.connect() as conn:
        assert figures_fresh(fetch_meta(conn))
