"""Benchmark: building the synthetic city and `cli.py report --json`, each the median of several runs.

Every run is a fresh process (as a user runs it), timed from outside, with its peak memory
(max RSS) read from the kernel. Not part of the test suite: the city takes minutes.

    python bench/bench_build_and_report.py demo            # build demo into SQLite, 3 runs
    python bench/bench_build_and_report.py city-sqlite     # build city into SQLite + report timings
    python bench/bench_build_and_report.py city-postgres   # the same on PostgreSQL (127.0.0.1)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WEEK = "2026-W46"
UNTIL = "2026-11-22"


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one `cli.py` process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"cli.py {' '.join(args)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def recreate_postgres(name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name


def fresh_url(engine: str, folder: Path, run_number: int) -> str:
    if engine == "postgres":
        return recreate_postgres("bench_city")
    return f"sqlite:///{folder / f'city{run_number}.sqlite'}"


def report(label: str, seconds: list[float], memory: list[float]) -> None:
    print(
        f"{label:38s} median {statistics.median(seconds):7.2f} s  "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)})  peak RSS median {statistics.median(memory):7.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("demo", "city-sqlite", "city-postgres"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--report-runs", type=int, default=5)
    args = parser.parse_args()
    size = "demo" if args.what == "demo" else "city"
    engine = "postgres" if args.what.endswith("postgres") else "sqlite"
    with tempfile.TemporaryDirectory() as folder:
        build_seconds, build_memory, url = [], [], ""
        for number in range(args.runs):
            url = fresh_url(engine, Path(folder), number)
            seconds, memory = run(["sample", "--size", size, "--until", UNTIL, "--db", url])
            build_seconds.append(seconds)
            build_memory.append(memory)
        report(f"build {size} into {engine}", build_seconds, build_memory)
        for area in ("", "江汉区/北湖街道"):
            timings = [
                run(["report", "--db", url, "--week", WEEK, "--json", *(["--area", area] if area else [])])
                for _ in range(args.report_runs)
            ]
            report(f"report --json {area or 'city'} ({engine})", [t for t, _ in timings], [m for _, m in timings])


if __name__ == "__main__":
    main()
