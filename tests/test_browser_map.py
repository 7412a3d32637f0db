"""The 覆盖地图 page in a real browser asks no host but the app's own: no Carto or Mapbox basemap.

Self-contained: builds a demo database, starts `streamlit run app.py` on a free port, opens /map in
Debian's Chromium through Playwright, records every request (failed ones too), and screenshots the
map into test-artifacts/map.png. Without Chromium or playwright the test skips and says why; with
CI=true it fails instead.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from data_access.engine import dispose_engine, get_engine
from metrics.thresholds import Thresholds
from services.sample import build_sample

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BASEMAP_WORDS = ("carto", "mapbox", "maplibre", "googleapis")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason + " (mandatory with CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip_or_fail("the playwright package is not installed (pip install -r requirements-dev.txt)")
    return CHROMIUM


# Community names that would run script if a tooltip rendered them as HTML (the id is appended)
EVIL_NAME = '<img id="injected" src="x" onerror="window.__injected = 1">'


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo city, with every community renamed EVIL_NAME + its id + 社区 (paths renamed to match)."""
    path = tmp_path_factory.mktemp("map_browser") / "demo.sqlite"
    url = f"sqlite:///{path}"
    build_sample(get_engine(url), seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    dispose_engine(url)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE areas SET community = ? || id || '社区' WHERE level = 'community'",
            (EVIL_NAME,),
        )
        conn.execute("UPDATE areas SET path = district || '/' || street || '/' || community WHERE level = 'community'")
    yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _running_app(database_url: str, *, timeout: float = 90.0) -> Iterator[str]:
    """`streamlit run app.py` on a free local port for `database_url`; yields the base URL, then terminates it."""
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    detail = server.stderr.read().decode()[-2000:] if server.poll() is not None else "timed out"
                    raise RuntimeError("the Streamlit server did not start: " + detail) from exc
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _wait_until_settled(page, *, timeout_ms: int = 90_000) -> None:
    """Until the script has finished (no running status widget) and the deck has its canvas."""
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            const running = status !== null && /running|运行/i.test(status.innerText);
            const app = document.querySelector('[data-testid="stApp"]');
            const scriptDone = !app || !app.dataset.testScriptState || app.dataset.testScriptState === 'notRunning';
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            return !running && scriptDone && charts.every(c => c.querySelector('.main-svg'));
        }""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1500)  # a basemap, if any, would be requested by now


def _hover_a_community(page, deck) -> str:
    """Move the mouse over the map until the tooltip shows (the city fills the middle); its text."""
    box = deck.bounding_box()
    for dx, dy in ((0.5, 0.5), (0.45, 0.55), (0.55, 0.45), (0.5, 0.6), (0.4, 0.5)):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(500)
        text = page.evaluate(
            """() => { const t = document.querySelector('.deck-tooltip');
                       return t && t.style.display !== 'none' ? t.innerText : ''; }"""
        )
        if text:
            return text
    return ""


def test_map_page_asks_no_host_but_the_apps_own(chromium: str, demo_db: str) -> None:
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    failed: list[str] = []
    with _running_app(demo_db) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            context.on("request", lambda request: requested.append(request.url))
            context.on("requestfailed", lambda request: failed.append(request.url))
            page = context.new_page()
            page.on("websocket", lambda socket_: requested.append(socket_.url))
            page.goto(base + "/map", wait_until="domcontentloaded")
            _wait_until_settled(page)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / "map.png")
            exceptions = [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
            decks = page.query_selector_all('[data-testid="stDeckGlJsonChart"]')
            tooltip = _hover_a_community(page, decks[0])
            injected = page.evaluate("() => [!!document.getElementById('injected'), window.__injected === 1]")
        finally:
            browser.close()

    assert not exceptions, exceptions
    assert len(decks) == 1
    assert any("/_stcore/stream" in url for url in requested), "the page's own websocket was not recorded"
    web = [url for url in requested + failed if urlparse(url).scheme in {"http", "https", "ws", "wss"}]
    foreign = [url for url in web if urlparse(url).hostname not in LOCAL_HOSTS]
    assert not foreign, f"requests to other hosts: {foreign[:10]}"
    basemap = [url for url in requested + failed if any(word in url.lower() for word in BASEMAP_WORDS)]
    assert not basemap, f"basemap requests attempted: {basemap[:10]}"
    # The tooltip shows the name as plain text: no element made from it, no script run.
    name = tooltip.splitlines()[0]
    assert name.startswith(EVIL_NAME) and name.endswith("社区"), tooltip
    assert "—" not in tooltip  # the renamed communities kept their figures
    assert injected == [False, False]
