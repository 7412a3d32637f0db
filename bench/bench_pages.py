"""Benchmark: how fast the dashboard's pages settle in a real browser on the city (200,000 members, SQLite).

"Settled" is what the browser test waits for: the script has finished and every chart and map has drawn,
timed from the navigation. Each figure is the median of RUNS fresh servers:
- first page after start: a new server, the first visit to "/" (nothing cached);
- warm: every page visited once, then timed on a second visit (a new session, shared caches);
- a whole street's member list (/areas at the street with the most members): first visit, and warm.

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import chromium_page, exception_texts, running_app, wait_until_settled  # noqa: E402

PAGES = ("", "map", "contacts", "stations", "volunteer", "areas", "review")
UNTIL = "2026-11-23"


def ensure_city(path: Path) -> None:
    if path.exists():
        with sqlite3.connect(path) as db:
            if db.execute("select count(*) from sqlite_master where name = 'members'").fetchone()[0]:
                if db.execute("select count(*) from members").fetchone()[0] > 100_000:
                    return
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "cli.py", "sample", "--size", "city", "--until", UNTIL, "--db", f"sqlite:///{path}"]
    subprocess.run(command, cwd=ROOT, check=True)


def busiest_street(path: Path) -> tuple[str, int]:
    with sqlite3.connect(path) as db:
        row = db.execute(
            """select a.district || '/' || a.street, count(*) from members m join areas a on a.id = m.community_id
               where m.status = 'active' group by a.district, a.street order by 2 desc limit 1"""
        ).fetchone()
    return row[0], row[1]


def settle_seconds(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    wait_until_settled(page, timeout_ms=120_000)
    elapsed = time.perf_counter() - started
    if errors := exception_texts(page):
        raise SystemExit(f"{url}: {errors}")
    return elapsed


def one_run(database: Path, street: str) -> dict[str, float]:
    timings: dict[str, float] = {}
    with running_app(f"sqlite:///{database}", timeout=120) as base, chromium_page() as (page, _):
        timings["first page after start (/)"] = settle_seconds(page, base + "/")
        for path in PAGES:
            settle_seconds(page, f"{base}/{path}")
            timings[f"warm /{path}"] = settle_seconds(page, f"{base}/{path}")
        street_url = f"{base}/areas?area={street}"
        timings["street member list, first"] = settle_seconds(page, street_url)
        timings["street member list, warm"] = settle_seconds(page, street_url)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "bench_city.sqlite")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ensure_city(args.db)
    street, members = busiest_street(args.db)
    print(f"street for the member list: {street} ({members:,} active members)")
    runs = [one_run(args.db, street) for _ in range(args.runs)]
    print(f"{'what':40} {'median s':>9}  runs")
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(f"{name:40} {statistics.median(values):9.2f}  {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
