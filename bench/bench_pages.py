"""Benchmark: how fast the dashboard's pages settle in a real browser on the city (200,000 members, SQLite).

"Settled" is what the browser test waits for: the script has finished and every chart and map has drawn,
timed from the click. One Chromium serves every run, so its cache is that of a returning user; each run
starts a new server on the same port. Each figure is the median of RUNS runs:
- sign-in page after start: a new server, "/" until the sign-in form (the gate's own page) is there;
- first page after start: from the 登录 click to the settled 总览 (nothing cached on the server);
- warm, by the sidebar: every page visited once, then reached again by its sidebar link, as a user moves;
- a whole street's member list (/areas at the street with the most members, signed in as that street):
  from the 登录 click, then warm by the sidebar.

    python bench/bench_pages.py [--db data/bench_city.sqlite] [--runs 3]

The city is built into --db first if that file holds no data (about a minute).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_support import (  # noqa: E402
    chromium,
    exception_texts,
    free_port,
    new_page,
    running_app,
    wait_until_settled,
)

# (URL path, sidebar link)
PAGES = (
    ("", "总览"),
    ("map", "覆盖地图"),
    ("contacts", "联系情况"),
    ("stations", "驿站服务"),
    ("volunteer", "志愿服务"),
    ("demands", "诉求办理"),
    ("areas", "区域下钻"),
    ("review", "周例会"),
)
UNTIL = "2026-11-23"
WEEK = "2026-W47"  # the last week the city holds: pinned, as the default week follows the day the bench runs
PASSWORD = "synthetic-demo"  # the demo accounts' (README): the benchmark city is synthetic
STREET_ACCOUNT = "bench-street"


def ensure_city(path: Path) -> None:
    if path.exists():
        with sqlite3.connect(path) as db:
            if db.execute("select count(*) from sqlite_master where name = 'members'").fetchone()[0]:
                if db.execute("select count(*) from members").fetchone()[0] > 100_000:
                    return
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "cli.py", "sample", "--size", "city", "--until", UNTIL, "--db", f"sqlite:///{path}"]
    subprocess.run(command, cwd=ROOT, check=True)


def ensure_street_account(database: Path, street: str) -> None:
    """A street account for the benchmark's street (the city is synthetic; so is this account)."""
    from data_access.areas import AreaPath
    from data_access.engine import get_engine
    from services.accounts import AccountError, create_account, create_demo_accounts, list_accounts

    engine = get_engine(f"sqlite:///{database}")
    if "demo-city" not in {account["name"] for account in list_accounts(engine)}:
        create_demo_accounts(engine, now=datetime.now())
    try:
        create_account(engine, name=STREET_ACCOUNT, role="street",
                       area=AreaPath.parse(street), password=PASSWORD, now=datetime.now(), demo=True)  # fmt: skip
    except AccountError as exc:
        if exc.code != "exists":
            raise


def busiest_street(path: Path) -> tuple[str, int]:
    with sqlite3.connect(path) as db:
        row = db.execute(
            """select a.district || '/' || a.street, count(*) from members m join areas a on a.id = m.community_id
               where m.status = 'active' group by a.district, a.street order by 2 desc limit 1"""
        ).fetchone()
    return row[0], row[1]


def _settled(page, started: float, what: str) -> float:
    wait_until_settled(page, timeout_ms=120_000)
    elapsed = time.perf_counter() - started
    if errors := exception_texts(page):
        raise SystemExit(f"{what}: {errors}")
    return elapsed


def sign_in_page_seconds(page, url: str) -> float:
    """From the request to the sign-in form (the gate's own page, not a Streamlit one) being there."""
    page.context.clear_cookies()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("input[type=password]", timeout=120_000)
    return time.perf_counter() - started


def click_seconds(page, link: str, path: str) -> float:
    started = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(lambda url: urlparse(url).path.strip("/") == path, timeout=10_000)
    try:  # a fast page may finish before we look
        page.wait_for_selector('[data-test-script-state="running"]', state="attached", timeout=1_000)
    except PlaywrightTimeout:
        pass
    return _settled(page, started, link)


def sign_in_seconds(page, name: str) -> float:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stApp"]', timeout=120_000)  # the gate sends the browser back to the app
    return _settled(page, started, "sign-in")


def one_run(browser, database: Path, port: int, street: str) -> dict[str, float]:
    timings: dict[str, float] = {}
    with running_app(f"sqlite:///{database}", timeout=120, port=port) as base:
        page, _ = new_page(browser)
        timings["sign-in page after start"] = sign_in_page_seconds(page, f"{base}/?week={WEEK}")
        timings["first page after start (/), from 登录"] = sign_in_seconds(page, "demo-city")
        for path, link in PAGES[1:-1]:
            click_seconds(page, link, path)  # each page once: its figures cached
        # Each click changes page; review (no sidebar of its own) comes last.
        for path, link in (*PAGES[1:-1], PAGES[0], PAGES[-1]):
            timings[f"warm by sidebar /{path}"] = click_seconds(page, link, path)
        page.close()
        page, _ = new_page(browser)
        sign_in_page_seconds(page, f"{base}/areas?week={WEEK}")
        timings["street member list, from 登录"] = sign_in_seconds(page, STREET_ACCOUNT)
        click_seconds(page, "总览", "")
        timings["street member list, warm by sidebar"] = click_seconds(page, "区域下钻", "areas")
        page.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "bench_city.sqlite")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ensure_city(args.db)
    street, members = busiest_street(args.db)
    ensure_street_account(args.db, street)
    print(f"street for the member list: {street} ({members:,} active members)")
    port = free_port()
    with chromium() as browser:
        runs = [one_run(browser, args.db, port, street) for _ in range(args.runs)]
    print(f"{'what':40} {'median s':>9}  runs")
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(f"{name:40} {statistics.median(values):9.2f}  {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
