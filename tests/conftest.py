"""Shared fixtures: a database URL on a temporary SQLite file and on a fresh PostgreSQL database.

Without a PostgreSQL server the PostgreSQL cases skip, saying why; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clock import FROZEN_NOW  # noqa: E402

from data_access.engine import dispose_engine  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _postgres_or_skip() -> None:
    try:
        with create_engine(POSTGRES_ADMIN_URL).connect():
            pass
    except OperationalError as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {type(exc).__name__}"
        if IN_CI:
            pytest.fail(reason + " (mandatory with CI=true)")
        pytest.skip(reason)


@contextmanager
def _postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    _postgres_or_skip()
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _sqlite_database(folder: Path) -> Iterator[str]:
    url = f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite'}"
    try:
        yield url
    finally:
        dispose_engine(url)


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of `kind` (sqlite or postgresql)."""
    with _postgres_database() if kind == "postgresql" else _sqlite_database(folder) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def frozen_clock() -> Iterator[None]:
    """Every test runs on 2026-11-25 (tests/clock.py), whatever day the suite runs."""
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each engine, for one test."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database on each engine, shared by a module's read-only tests."""
    with empty_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="module")
def tiny_engine(module_db_url: str):
    """The hand-made city of tests/tiny_city.py on each engine, its weekly figures precomputed to 2026-11-22, shared
    by a module's read-only tests."""
    from datetime import date

    import tiny_city
    from data_access.engine import get_engine
    from data_access.loading import replace_all_data
    from metrics.thresholds import Thresholds
    from services.refresh import refresh_from_tables

    engine = get_engine(module_db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return engine


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """An empty SQLite database, for tests about behaviour that does not depend on the engine."""
    with _sqlite_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seeded demo city (seed 3, data to 2026-11-22) on SQLite, built once for every page test."""
    from datetime import date

    from data_access.engine import get_engine
    from metrics.thresholds import Thresholds
    from services.sample import build_sample

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    build_sample(get_engine(url), seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    return url


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real server (server.py) over its own copy of the demo city, shared by the browser tests that only add
    accounts of their own to it; yields (base URL, database URL). Skips, or fails with CI=true, without Chromium."""
    from datetime import date

    from browser_support import require_browser, running_app

    from data_access.engine import get_engine
    from metrics.thresholds import Thresholds
    from services.sample import build_sample

    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('demo_server') / 'demo.sqlite'}"
    build_sample(get_engine(url), seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base, url


@pytest.fixture
def clear_caches() -> None:
    """Streamlit's caches live in the process: a page test starts from none."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
