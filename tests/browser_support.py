"""Run the app in a real Streamlit server and drive Debian's Chromium with Playwright.

Shared by the browser tests and bench/bench_pages.py. Without /usr/bin/chromium or the playwright
package, browser tests skip and say why; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def missing_browser() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(
    database_url: str, *, timeout: float = 60.0, port: int | None = None, frozen_at: datetime | None = None
) -> Iterator[str]:
    """A Streamlit server for server.py (app.py behind the sign-in page and the gate) on a local port (a free
    one by default), serving `database_url`, its clock frozen at `frozen_at` if given (tests); yields its base
    URL."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    launcher = ["-m", "streamlit"]
    if frozen_at is not None:
        launcher = [str(ROOT / "tests" / "frozen_streamlit.py")]
        env["TEST_FROZEN_NOW"] = frozen_at.isoformat()
    command = [
        sys.executable, *launcher, "run", "server.py",
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
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


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium (Playwright Browser); its pages share one cache while it runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int = 1920, height: int = 1080) -> tuple[object, list[str]]:
    """A page of the given size; returns (page, the list every URL it requests is appended to)."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return page, requested


@contextmanager
def chromium_page(width: int = 1920, height: int = 1080) -> Iterator[tuple[object, list[str]]]:
    """A fresh Chromium page of the given size; yields (page, every URL it requested)."""
    with chromium() as browser:
        yield new_page(browser, width, height)


def foreign_requests(requested: list[str]) -> list[str]:
    """Requests to any host but the app's own (data: and blob: URLs stay in the page)."""
    return [url for url in requested if urlparse(url).scheme in {"http", "https", "ws", "wss"}
            and urlparse(url).hostname not in LOCAL_HOSTS]  # fmt: skip


def wait_until_settled(page, *, timeout_ms: int = 60_000) -> None:
    """Until the script has finished, nothing is still loading, and every chart and map has drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const busy = document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            const plotted = charts.every(c => c.querySelector('.main-svg'));
            const decks = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
            const drawn = decks.every(d => d.querySelector('canvas'));
            const running = document.querySelector('[data-testid="stApp"]').dataset.testScriptState !== 'notRunning';
            return !busy && plotted && drawn && !running;
        }""",
        timeout=timeout_ms,
    )


def exception_texts(page) -> list[str]:
    """The text of every exception box Streamlit shows (it should show none)."""
    return [element.inner_text() for element in page.query_selector_all('[data-testid="stException"]')]


def screenshot_whole(page, path: Path) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main container, so grow the viewport."""
    size = page.viewport_size
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   return m ? m.scrollHeight : document.body.scrollHeight; }"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 12_000))})
    page.wait_for_timeout(300)  # charts resize to the new viewport
    page.screenshot(path=path)
    page.set_viewport_size(size)


# Widths a reader would have to swipe sideways for: the page's, and any element's past the screen's edge.
_OVERFLOW = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const wide = [...document.querySelectorAll('[data-testid="stMain"] *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length
                     && getComputedStyle(e).visibility !== 'hidden' && !e.ownerSVGElement
                     && !e.closest('[data-testid="stDataFrame"]') && !e.closest('[role="tablist"]'))
        .map(e => (e.getAttribute('class') || e.tagName).slice(0, 60));
    return {page: document.documentElement.scrollWidth - window.innerWidth,
            main: main.scrollWidth - main.clientWidth, wide: wide.slice(0, 5)};
}"""


def assert_fits_the_screen(page, where: str) -> None:
    """Nothing to swipe sideways for (data grids scroll inside themselves, and a row of tabs too: Streamlit gives it
    an arrow to the tabs past the edge), and no exception shown."""
    measured = page.evaluate(_OVERFLOW)
    assert measured["page"] <= 0 and measured["main"] <= 0 and not measured["wide"], f"{where}: {measured}"
    assert not exception_texts(page), where


def sign_in(page, name: str, password: str, *, timeout_ms: int = 60_000) -> None:
    """Fill the sign-in page's form and wait until the app page it goes back to has settled."""
    page.wait_for_selector("input[type=password]", timeout=timeout_ms)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    wait_until_settled(page, timeout_ms=timeout_ms)


def open_signed_in(page, url: str, name: str, password: str, *, timeout_ms: int = 60_000) -> None:
    """Open `url` as a browser without a session (its cookies cleared), which the server sends to the sign-in
    page, and sign in there: it comes back to `url`."""
    page.context.clear_cookies()
    page.goto(url)
    sign_in(page, name, password, timeout_ms=timeout_ms)


def require_browser() -> None:
    """Skip, saying why, when the browser tests cannot run here; with CI=true fail instead."""
    import pytest

    if reason := missing_browser():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (mandatory with CI=true)")
        pytest.skip(reason)
