"""The 覆盖地图 page in a real browser asks no host but the app's own: no Carto or Mapbox basemap.

Opens /map on a demo city whose community names are HTML, records every request (failed ones and
websockets too), checks the tooltip shows such a name as text, and screenshots the map into
test-artifacts/map.png. Without Chromium or playwright the test skips and says why; with CI=true it fails.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlparse

import pytest
from browser_support import (
    ARTIFACTS,
    LOCAL_HOSTS,
    chromium,
    exception_texts,
    require_browser,
    running_app,
    sign_in,
    wait_until_settled,
)
from clock import FROZEN_NOW

from data_access.engine import dispose_engine, get_engine
from metrics.thresholds import Thresholds
from services.accounts import DEMO_PASSWORD
from services.sample import build_sample

BASEMAP_WORDS = ("carto", "mapbox", "maplibre", "googleapis")


# Community names that would run script if a tooltip rendered them as HTML (the id is appended)
EVIL_NAME = '<img id="injected" src="x" onerror="window.__injected = 1">'


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo city, with every community renamed EVIL_NAME + its id + 社区 (paths renamed to match)."""
    require_browser()
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


def _wait_until_settled(page) -> None:
    wait_until_settled(page, timeout_ms=90_000)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=90_000)
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


def test_map_page_asks_no_host_but_the_apps_own(demo_db: str) -> None:
    requested: list[str] = []
    failed: list[str] = []
    with running_app(demo_db, timeout=90, frozen_at=FROZEN_NOW) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        context.on("request", lambda request: requested.append(request.url))
        context.on("requestfailed", lambda request: failed.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda socket_: requested.append(socket_.url))
        page.goto(base + "/map", wait_until="domcontentloaded")
        sign_in(page, "demo-city", DEMO_PASSWORD)
        _wait_until_settled(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "map.png")
        exceptions = exception_texts(page)
        decks = page.query_selector_all('[data-testid="stDeckGlJsonChart"]')
        tooltip = _hover_a_community(page, decks[0])
        injected = page.evaluate("() => [!!document.getElementById('injected'), window.__injected === 1]")

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
