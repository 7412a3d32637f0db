"""Benchmark: `cli.py import` of city-sized (or demo-sized) ledgers into an empty database.

The ledgers are made by building the synthetic city and exporting it (`cli.py export`), so they
are exactly what a clerk could load. Each import is a fresh process into a fresh database, timed
from outside with its peak memory; throughput counts every ledger row read.

    python bench/bench_import.py demo sqlite --runs 3
    python bench/bench_import.py city postgres --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build_and_report import recreate_postgres, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", choices=("demo", "city"))
    parser.add_argument("engine", choices=("sqlite", "postgres"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ledgers", help="reuse a folder of exported ledgers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ledgers = Path(args.ledgers or Path(folder) / "ledgers")
        if not args.ledgers:
            source = f"sqlite:///{Path(folder) / 'source.sqlite'}"
            run(["sample", "--size", args.size, "--until", "2026-11-22", "--db", source])
            run(["export", str(ledgers), "--db", source])
        files = sorted(str(p) for p in ledgers.glob("*.csv"))
        rows = sum(sum(1 for _ in open(p, encoding="utf-8-sig")) - 1 for p in files)
        seconds, memory = [], []
        for number in range(args.runs):
            url = (
                recreate_postgres("bench_import")
                if args.engine == "postgres"
                else f"sqlite:///{Path(folder) / f'i{number}.sqlite'}"
            )
            elapsed, peak = run(["import", *files, "--db", url])
            seconds.append(elapsed)
            memory.append(peak)
        median = statistics.median(seconds)
        print(
            f"import {args.size} ({rows:,} rows) into {args.engine}: median {median:.1f} s, "
            f"{rows / median:,.0f} rows/s (runs: {', '.join(f'{s:.1f}' for s in seconds)}), "
            f"peak RSS median {statistics.median(memory):,.0f} MB"
        )


if __name__ == "__main__":
    main()
