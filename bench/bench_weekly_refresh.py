"""Benchmark: a week of activity imported into a built city, and the refresh after it (issue 18 §2).

A province's weekly load is about one activity row per member: contacts, station visits and volunteer records of
one ISO week, in three ledgers. The city must be built first (`cli.py sample`); its synthetic data is taken as real
here (imports refuse the synthetic city), so the database is changed: use a copy made for benchmarks.

    python bench/bench_weekly_refresh.py --db postgresql+psycopg://postgres@127.0.0.1/bench_scale_city_1m \
        [--week 2026-W49] [--rows-per-member 1.0] [--seed N] [--fresh]

It prints, each from one fresh process (one run: a second import of the same week changes nothing):
- the full refresh first (`cli.py refresh`), so that the figures are fresh before the import (not with --fresh);
- the import of the week's three ledgers, whole, and within it the refresh of only what they touched;
- the peak memory of each.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_scale import measure  # noqa: E402

from data_access.engine import get_engine  # noqa: E402
from data_access.importing import fetch_references  # noqa: E402
from data_access.loading import write_meta  # noqa: E402
from ledgers.formats import CONTACTS, STATION_VISITS, VOLUNTEER  # noqa: E402
from ledgers.writing import to_ledger_frame  # noqa: E402
from metrics import columns as c  # noqa: E402
from metrics.periods import Week  # noqa: E402

SHARES = {"contacts": 0.55, "station_visits": 0.30, "volunteer_records": 0.15}  # of the week's rows

# Run in a child: the import, with its refresh timed apart
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import services.importing as importing
from data_access.engine import get_engine
from metrics.thresholds import Thresholds

timing = {{}}
refresh = importing.refresh_from_database

def timed_refresh(*args, **kwargs):
    started = time.perf_counter()
    weeks = refresh(*args, **kwargs)
    timing["refresh_s"] = time.perf_counter() - started
    timing["touched"] = kwargs.get("touched") is not None
    return weeks

importing.refresh_from_database = timed_refresh
started = time.perf_counter()
reports = importing.import_files(get_engine({url!r}), [(p.rsplit("/", 1)[-1], p) for p in {files!r}],
                                 thresholds=Thresholds())
timing["import_s"] = time.perf_counter() - started
timing["rows"] = {{r.file: [r.rows, r.accepted, r.rejected, r.repeated] for r in reports}}
timing["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(timing))
"""


def week_ledgers(url: str, week: Week, rows_per_member: float, seed: int, folder: Path) -> list[Path]:
    """The week's three ledgers as CSV files, drawn over the city's members and stations."""
    with get_engine(url).connect() as conn:
        _, stations, members = fetch_references(conn)
    rng = np.random.default_rng(seed)
    phones, station_names = np.asarray(list(members), dtype=object), np.asarray(list(stations), dtype=object)
    total = int(len(phones) * rows_per_member)
    days = pd.to_datetime(week.start) + pd.to_timedelta(rng.integers(0, 7, total), unit="D")
    counts = {kind: int(total * share) for kind, share in SHARES.items()}
    frames = {
        "contacts": pd.DataFrame(
            {
                "member_id": rng.choice(phones, counts["contacts"]),
                "contacted_on": days[: counts["contacts"]],
                "side": rng.choice(c.SIDES, counts["contacts"]),
                "method": rng.choice(c.METHODS, counts["contacts"]),
            }
        ),
        "station_visits": pd.DataFrame(
            {
                "station_id": rng.choice(station_names, counts["station_visits"]),
                "visited_at": days[: counts["station_visits"]]
                + pd.to_timedelta(rng.integers(8 * 3600, 20 * 3600, counts["station_visits"]), unit="s"),
                "service": rng.choice(c.SERVICES[:7], counts["station_visits"]),
                "visitor_phone": rng.choice(phones, counts["station_visits"]),
            }
        ),
        "volunteer_records": pd.DataFrame(
            {
                "activity": "社区志愿服务（合成）",
                "activity_on": days[: counts["volunteer_records"]],
                "member_id": rng.choice(phones, counts["volunteer_records"]),
                "hours": rng.choice([1.0, 1.5, 2.0, 3.0], counts["volunteer_records"]),
            }
        ),
    }
    paths = []
    for ledger in (CONTACTS, STATION_VISITS, VOLUNTEER):
        path = folder / f"{ledger.title}.csv"
        to_ledger_frame(ledger, frames[ledger.kind]).to_csv(path, index=False)
        paths.append(path)
        print(f"{ledger.title}: {len(frames[ledger.kind]):,} rows", flush=True)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--week", default="2026-W49")
    parser.add_argument("--rows-per-member", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20261207, help="another seed, other rows: the same week again")
    parser.add_argument("--fresh", action="store_true", help="the figures are fresh already: no full refresh first")
    args = parser.parse_args()
    week = Week.parse(args.week)
    with get_engine(args.db).begin() as conn:
        write_meta(conn, {"data_kind": "real"})  # the synthetic city taken as real data, for imports
    if not args.fresh:
        seconds, peak, _ = measure([sys.executable, str(ROOT / "cli.py"), "refresh", "--db", args.db])
        print(f"full refresh (cli.py refresh): {seconds:.1f} s, peak {peak:,.0f} MB", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        files = [str(p) for p in week_ledgers(args.db, week, args.rows_per_member, args.seed, Path(folder))]
        code = CHILD.format(root=str(ROOT), url=args.db, files=files)
        seconds, peak, output = measure([sys.executable, "-c", code])
    timing = json.loads(output.strip().splitlines()[-1])
    print(f"import of {args.week}'s ledgers: {timing['import_s']:.1f} s (process {seconds:.1f} s), peak {peak:,.0f} MB")
    print(f"  of which the refresh of what it touched: {timing['refresh_s']:.1f} s (touched only: {timing['touched']})")
    print(f"  rows (read, accepted, rejected, repeated): {timing['rows']}")


if __name__ == "__main__":
    main()
