"""Benchmark: `cli.py import` of city-sized (or demo-sized) ledgers into an empty database.

The ledgers are made by building the synthetic city and exporting it (`cli.py export`), so they
are exactly what a clerk could load, and the activity ledgers get repeated rows as real ones have (3 per
thousand, copies of earlier rows). Each import is a fresh process into a fresh database, timed from outside
with its peak memory; throughput counts every ledger row read. Then the contacts ledger is imported again,
unchanged, into the full database of the last run (the path of a weekly re-import). Last, each ledger's own
rate: one in-process import of every file, each file's write timed on its own (the refresh after them apart).

    python bench/bench_import.py demo sqlite --runs 3
    python bench/bench_import.py city postgres --runs 1
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build_and_report import ROOT, recreate_postgres, run  # noqa: E402


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the SQLite child included), in MB."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def run_import(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak of the summed memory of the import and its child processes (sampled 20/s)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    if process.returncode != 0:
        raise SystemExit(f"cli.py {' '.join(args)} failed with status {process.returncode}")
    return time.perf_counter() - started, peak


REPEATS_PER_THOUSAND = 3
ACTIVITY_LEDGERS = ("联系记录.csv", "驿站服务记录.csv", "志愿服务记录.csv")


def add_repeats(path: Path, seed: int) -> int:
    """Append copies of random earlier rows, as a clerk's pasted-twice rows; the number added."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    body = lines[1:]
    copies = random.Random(seed).sample(body, len(body) * REPEATS_PER_THOUSAND // 1000)
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(copies)
    return len(copies)


def per_ledger_rates(files: list[str], url: str) -> None:
    """Each file's import (read, check, write: one transaction) timed on its own, in dependency order."""
    sys.path.insert(0, str(ROOT))
    import services.importing as importing
    from data_access.engine import get_engine
    from settings import Settings

    timed: list[tuple[str, int, float]] = []
    import_one = importing._import_one

    def timed_import_one(*args, **kwargs):
        started = time.perf_counter()
        result = import_one(*args, **kwargs)
        timed.append((result.file, result.rows, time.perf_counter() - started))
        return result

    importing._import_one = timed_import_one
    started = time.perf_counter()
    importing.import_files(
        get_engine(url), [(Path(p).name, Path(p)) for p in files], thresholds=Settings.from_env().thresholds
    )
    total = time.perf_counter() - started
    for name, rows, seconds in timed:
        print(f"  {name:16s} {rows:>10,} rows  {seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s")
    print(f"  refresh after the files: {total - sum(s for *_, s in timed):.1f} s")


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
            repeats = sum(add_repeats(ledgers / name, seed) for seed, name in enumerate(ACTIVITY_LEDGERS))
            print(f"{repeats:,} repeated rows added to the activity ledgers")
        files = sorted(str(p) for p in ledgers.glob("*.csv"))
        rows = sum(sum(1 for _ in open(p, encoding="utf-8-sig")) - 1 for p in files)
        seconds, memory = [], []
        for number in range(args.runs):
            url = (
                recreate_postgres("bench_import")
                if args.engine == "postgres"
                else f"sqlite:///{Path(folder) / f'i{number}.sqlite'}"
            )
            elapsed, peak = run_import(["import", *files, "--db", url])
            seconds.append(elapsed)
            memory.append(peak)
        median = statistics.median(seconds)
        print(
            f"import {args.size} ({rows:,} rows) into {args.engine}: median {median:.1f} s, "
            f"{rows / median:,.0f} rows/s (runs: {', '.join(f'{s:.1f}' for s in seconds)}), "
            f"peak memory (import and child processes) median {statistics.median(memory):,.0f} MB "
            f"(runs: {', '.join(f'{m:,.0f}' for m in memory)})"
        )
        again = [run_import(["import", str(ledgers / "联系记录.csv"), "--db", url])[0] for _ in range(args.runs)]
        print(
            f"re-import of the unchanged contacts ledger into the full database: median "
            f"{statistics.median(again):.1f} s (runs: {', '.join(f'{s:.1f}' for s in again)})"
        )
        print("each ledger on its own (one run, in process):")
        per_ledger_rates(
            files,
            recreate_postgres("bench_import")
            if args.engine == "postgres"
            else f"sqlite:///{Path(folder) / 'per_ledger.sqlite'}",
        )


if __name__ == "__main__":
    main()
