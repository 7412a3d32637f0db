"""Benchmark: a city's members ledger imported into an empty database, then again a week later with some members
changed (status, community, liaison), as a clerk's weekly ledger is: the path that keeps the import history and
member changes. Each import is a fresh `cli.py import` process into the same fresh SQLite database; median of runs.

    python bench/bench_members_import.py --members 200000 --runs 3 [--checkout ../before --checkout .]
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

ROOT = Path(__file__).resolve().parents[1]
STATUSES = ("在册", "已返回", "已转出", "失联")


def write_ledgers(folder: Path, members: int, *, seed: int) -> tuple[Path, Path, Path]:
    """区划 (10 streets of 10 communities), the members ledger, and the same a week later with 5% changed."""
    rng = random.Random(seed)
    communities = [(f"第{s}街道", f"第{s}街道第{k}社区") for s in range(1, 11) for k in range(1, 11)]
    areas = folder / "区划.csv"
    areas.write_text("区,街道,社区\n" + "".join(f"测试区,{s},{k}\n" for s, k in communities), encoding="utf-8")
    header = "姓名,手机号,流动类型,所在社区,报到日期,联系人,状态\n"
    rows = [
        [f"党员{i}", f"139{i:08d}", rng.choice(("流入", "流出")), f"测试区/{'/'.join(rng.choice(communities))}",
         f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", f"网格员{rng.randint(1, 500)}", "在册"]
        for i in range(members)
    ]  # fmt: skip
    first = folder / "台账_第一周.csv"
    first.write_text(header + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    later = folder / "台账_第二周.csv"
    changed = [list(row) for row in rows]
    for row in rng.sample(changed, members // 20):
        column = rng.choice((3, 5, 6))
        row[column] = (
            f"测试区/{'/'.join(rng.choice(communities))}"
            if column == 3
            else f"网格员{rng.randint(501, 900)}"
            if column == 5
            else rng.choice(STATUSES[1:])
        )
    later.write_text(header + "".join(",".join(row) + "\n" for row in changed), encoding="utf-8")
    return areas, first, later


def timed_import(checkout: Path, url: str, *files: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(checkout / "cli.py"), "import", "--db", url, *map(str, files)], cwd=checkout,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkout", type=Path, action="append",
                        help="the code to time (default: this one); give it twice, e.g. a worktree of an older commit "
                        "and this, to compare them run by run, alternately, under the same load")  # fmt: skip
    args = parser.parse_args()
    checkouts = args.checkout or [ROOT]
    times: dict[Path, tuple[list[float], list[float]]] = {checkout: ([], []) for checkout in checkouts}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        areas, first, later = write_ledgers(folder, args.members, seed=1)
        for run in range(args.runs):
            for number, checkout in enumerate(checkouts):
                url = f"sqlite:///{folder / f'run{run}_{number}.sqlite'}"
                timed_import(checkout, url, areas)
                times[checkout][0].append(timed_import(checkout, url, first))
                times[checkout][1].append(timed_import(checkout, url, later))
    for checkout, (firsts, laters) in times.items():
        print(f"{checkout}: {args.members:,} members, median of {args.runs}")
        print(f"  first import (all new):        {statistics.median(firsts):6.1f} s  {[round(t, 1) for t in firsts]}")
        print(f"  a week later (5% changed):     {statistics.median(laters):6.1f} s  {[round(t, 1) for t in laters]}")


if __name__ == "__main__":
    main()
