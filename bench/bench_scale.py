"""Benchmark: how the costs grow from a city to a province (50,000, 200,000 and 1,000,000 members).

For each size (`cli.py sample --size city-50k|city|city-1m`, about 50 activity rows a member) and engine
(PostgreSQL at 127.0.0.1 for all three, SQLite up to 200,000), each in a fresh process timed from outside,
its peak memory (max RSS, with the children it waited for: SQLite's reads run in `data_access.sqlite_child`)
read from the kernel:
- build: `cli.py sample` (once per size: minutes at 1M);
- refresh: `cli.py refresh` (the weekly figures recomputed from the database, up to the last complete week of
  the day the bench runs, so a week more each week);
- report: `cli.py report --json --week 2026-W46`, for the city and for the street 江汉区/北湖街道;
- pages 总览 and 区域下钻 (city account, 2026-W46, through Streamlit's AppTest with the clock frozen on
  2026-11-25 as in the tests): a first render fills the caches (cold), the session's second render is timed
  (warm: the script as a user's rerun or page change runs it, without the browser's drawing).
Each is the median of --runs runs when one run takes under a minute, else a single run (the table says which).
With PostgreSQL, the server's own memory is not in the peak: only the client's.

    python bench/bench_scale.py --sizes city-50k city city-1m --engines postgres sqlite [--runs 3]
    python bench/bench_scale.py --sizes city-50k --engines postgres sqlite --runs 1          # about 3 min
    python bench/bench_scale.py --skip-build ...   # reuse the databases: PostgreSQL bench_scale_<size>
                                                   # (city-50k: bench_scale_city_50k), SQLite files in --folder

Writes bench/results/scale.md (the table, also printed), scale.json (every run) and scale.png (log-log: seconds
and peak MB against members); --merge keeps the earlier scale.json's results of sizes and engines not run now,
and a database reused with --skip-build keeps the build time scale.json has for it.
Needs matplotlib (`pip install -r bench/requirements.txt`). Here (2 cores) 50k on both engines takes about 3 min
with --runs 1 and 5 with 3; all three sizes, about an hour if the costs grow no faster than the members (the 1M
build alone about 25 min): an estimate from the 50k run, the larger sizes were not run when this was written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import datetime
from pathlib import Path

from bench_build_and_report import POSTGRES_ADMIN, UNTIL, WEEK, recreate_postgres

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SIZES = {"city-50k": "50k", "city": "200k", "city-1m": "1M"}  # cli.py sample --size, and how the table says it
SQLITE_SIZES = ("city-50k", "city")  # a million members on SQLite is not a setting we offer
ENGINES = ("postgres", "sqlite")
STREET = "江汉区/北湖街道"
PAGES = {"overview": "pages/overview.py", "areas": "pages/areas.py"}
PAGE_TIMEOUT = 1800  # seconds AppTest waits for one render
ONE_RUN_AFTER = 60.0  # a run that takes longer is not repeated
RECORD_TABLES = ("contacts", "station_visits", "volunteer_records", "demands")
# (key, label); the label is what the table and the plot say
COSTS = (
    ("build", "build (cli.py sample)"),
    ("refresh", "refresh (cli.py refresh)"),
    ("report_city", "report --json, city"),
    ("report_street", "report --json, street"),
    ("overview_warm", "page 总览, warm"),
    ("areas_warm", "page 区域下钻, warm"),
    ("overview_cold", "page 总览, cold (1st render)"),
    ("areas_cold", "page 区域下钻, cold (1st render)"),
)
PLOTTED = ("build", "refresh", "report_city", "report_street", "overview_warm", "areas_warm")
PLOT_LABELS = {"overview_warm": "page overview, warm", "areas_warm": "page areas, warm"}  # DejaVu has no CJK


def measure(command: list[str], *, show_progress: bool = False) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB, the process and the children it waited for) and standard output of one
    process; its standard error shown only if it fails (or with show_progress)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=None if show_progress else errors)
        with process.stdout:
            output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = status  # already reaped: keep Popen from waiting again
        if status != 0:
            errors.seek(0)
            sys.stderr.write(errors.read().decode(errors="replace")[-4000:])
            raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024, output.decode()


def cli(*args: str, show_progress: bool = False) -> tuple[float, float, str]:
    return measure([sys.executable, str(ROOT / "cli.py"), *args], show_progress=show_progress)


def report(*args: str) -> tuple[float, float]:
    seconds, memory, output = cli("report", *args)
    json.loads(output)  # a report, not a message
    return seconds, memory


def database_url(engine: str, size: str, folder: Path) -> str:
    if engine == "postgres":
        return POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + postgres_name(size)
    return f"sqlite:///{folder / f'bench_scale_{size}.sqlite'}"


def postgres_name(size: str) -> str:
    return "bench_scale_" + size.replace("-", "_")


def build(engine: str, size: str, folder: Path) -> dict:
    if engine == "postgres":
        url = recreate_postgres(postgres_name(size))
    else:
        url = database_url(engine, size, folder)
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    print(f"  building {size} into {engine} …", flush=True)
    seconds, memory, _ = cli("sample", "--size", size, "--until", UNTIL, "--db", url, show_progress=True)
    return {"seconds": [seconds], "peak_mb": [memory], "note": "1 run (built once per size)"}


def describe(url: str) -> dict:
    """Members, activity records and bytes of a built database; an error if it holds no city or lacks STREET."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        raise SystemExit(f"{url}: no such file; build it (drop --skip-build)")
    # a database being built elsewhere holds its tables' locks: say so rather than wait for the build
    engine = create_engine(url, connect_args={} if url.startswith("sqlite") else {"options": "-c lock_timeout=5s"})
    try:
        with engine.connect() as conn:
            members = conn.execute(text("select count(*) from members")).scalar_one()
            records = sum(conn.execute(text(f"select count(*) from {t}")).scalar_one() for t in RECORD_TABLES)
            street = conn.execute(text("select count(*) from areas where path = :p"), {"p": STREET}).scalar_one()
            if url.startswith("sqlite"):
                size = Path(url.removeprefix("sqlite:///")).stat().st_size
            else:
                size = conn.execute(text("select pg_database_size(current_database())")).scalar_one()
    except SQLAlchemyError as exc:
        raise SystemExit(f"{url}: no city to measure, or busy: {str(exc).splitlines()[0]}") from exc
    finally:
        engine.dispose()
    if not members or not street:
        raise SystemExit(f"{url}: {members:,} members, street {STREET} {'found' if street else 'missing'}")
    return {"members": members, "records": records, "database_mb": size / 2**20}


def repeated(one_run, runs: int) -> dict:
    """`one_run()` -> {cost: (seconds, peak MB)}, run once, then runs - 1 more times if it took under a minute."""
    started = time.perf_counter()
    first = one_run()
    took = time.perf_counter() - started
    results = [first] + ([one_run() for _ in range(runs - 1)] if took < ONE_RUN_AFTER else [])
    note = f"median of {len(results)}" if len(results) > 1 else ("1 run" if runs == 1 else "1 run (over a minute)")
    return {
        cost: {"seconds": [r[cost][0] for r in results], "peak_mb": [r[cost][1] for r in results], "note": note}
        for cost in first
    }


def page_run(url: str, page: str) -> dict[str, tuple[float, float]]:
    _, memory, output = measure([sys.executable, __file__, "--page-worker", page, "--db", url])
    timings = json.loads(output.strip().splitlines()[-1])
    return {f"{page}_cold": (timings["cold"], memory), f"{page}_warm": (timings["warm"], memory)}


def page_worker(page: str, url: str) -> None:
    """In its own process: the page rendered twice in one session of the city account, the first run filling the
    caches; prints {"cold": s, "warm": s}. (One session, as a new AppTest scans every installed package for
    Streamlit components at its first run, half a second that a server spends once.)"""
    os.environ["DATABASE_URL"] = url
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import time_machine
    from clock import FROZEN_NOW

    time_machine.travel(FROZEN_NOW, tick=True).start()  # the week picker offers weeks up to the clock's
    from app_support import app_test

    app = app_test("city", timeout=PAGE_TIMEOUT)
    app.switch_page(PAGES[page])
    app.query_params["week"] = WEEK
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        app.run()
        timings.append(time.perf_counter() - started)
        if app.exception:
            raise SystemExit(f"{page}: {[e.value for e in app.exception]}")
        if app.session_state["view_week"] != WEEK:
            raise SystemExit(f"{page}: showed {app.session_state['view_week']}, not {WEEK}")
    print(json.dumps({"cold": timings[0], "warm": timings[1]}))


def measure_database(engine: str, size: str, args: argparse.Namespace) -> dict:
    url = database_url(engine, size, args.folder)
    costs = {} if args.skip_build else {"build": build(engine, size, args.folder)}
    info = describe(url)
    print(f"  {info['members']:,} members, {info['records']:,} records, {info['database_mb']:,.0f} MB", flush=True)
    week = ("--week", WEEK, "--json", "--db", url)
    steps = {
        "refresh": lambda: {"refresh": cli("refresh", "--db", url)[:2]},
        "report_city": lambda: {"report_city": report(*week)},
        "report_street": lambda: {"report_street": report(*week, "--area", STREET)},
        "overview": lambda: page_run(url, "overview"),
        "areas": lambda: page_run(url, "areas"),
    }
    for name, one_run in steps.items():
        print(f"  {name} …", end=" ", flush=True)
        measured = repeated(one_run, args.runs)
        costs.update(measured)
        print(
            ", ".join(f"{c} {statistics.median(m['seconds']):.2f} s ({m['note']})" for c, m in measured.items()),
            flush=True,
        )
    for measured in costs.values():
        measured["median_s"] = statistics.median(measured["seconds"])
        measured["median_mb"] = statistics.median(measured["peak_mb"])
    return {"size": size, "engine": engine, "url": url, **info, "costs": costs}


def slope(points: list[tuple[float, float]]) -> float | None:
    """The log-log slope between the smallest and the largest size: ≈1 grows with the members, ≈0 flat."""
    if len(points) < 2:
        return None
    (m0, v0), (m1, v1) = points[0], points[-1]
    if m1 == m0 or v0 <= 0 or v1 <= 0:
        return None
    return math.log(v1 / v0) / math.log(m1 / m0)


def reading(value: float | None) -> str:
    if value is None:
        return "one size only"
    if value < 0.25:
        return "flat"
    if value < 0.75:
        return "grows, slower than the members"
    if value <= 1.25:
        return "grows with members and records"
    return "grows faster than the members"


def series(databases: list[dict], engine: str, cost: str, what: str) -> list[tuple[float, float]]:
    rows = sorted((d for d in databases if d["engine"] == engine and cost in d["costs"]), key=lambda d: d["members"])
    return [(d["members"], d["costs"][cost][what]) for d in rows]


def markdown(databases: list[dict], header: dict) -> str:
    sizes = [s for s in SIZES if any(d["size"] == s for d in databases)]
    engines = [e for e in ENGINES if any(d["engine"] == e for d in databases)]
    by_key = {(d["size"], d["engine"]): d for d in databases}
    lines = [
        "# How the costs grow with the members",
        "",
        f"{header['when']}, commit {header['commit']}, {header['machine']}. Week {WEEK}; the median seconds, "
        f"then the median peak MB of the process and the children it waited for (PostgreSQL's server not "
        f"included); 'runs': how many runs per size. Slope: log-log, from the smallest size to the largest "
        f"measured on the engine.",
        "",
        "| size | engine | members | records | database MB |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for engine in engines:
            if d := by_key.get((size, engine)):
                lines.append(
                    f"| {SIZES[size]} | {engine} | {d['members']:,} | {d['records']:,} | {d['database_mb']:,.0f} |"
                )
    lines += [
        "",
        "| cost | engine | " + " | ".join(f"{SIZES[s]} s" for s in sizes) + " | slope s | "
        + " | ".join(f"{SIZES[s]} MB" for s in sizes) + " | slope MB | runs |",
        "| --- | --- | " + " | ".join("---:" for _ in range(2 * len(sizes) + 2)) + " | --- |",
    ]  # fmt: skip
    for cost, label in COSTS:
        for engine in engines:
            cells = [by_key.get((s, engine), {}).get("costs", {}).get(cost) for s in sizes]
            if not any(cells):
                continue
            seconds = [f"{c['median_s']:.2f}" if c else "–" for c in cells]
            memory = [f"{c['median_mb']:,.0f}" if c else "–" for c in cells]
            runs = "/".join(str(len(c["seconds"])) if c else "–" for c in cells)
            s_slope, m_slope = (slope(series(databases, engine, cost, w)) for w in ("median_s", "median_mb"))
            lines.append(
                f"| {label} | {engine} | {' | '.join(seconds)} | {fmt_slope(s_slope)} | {' | '.join(memory)} | "
                f"{fmt_slope(m_slope)} | {runs} |"
            )
    lines += [
        "",
        "Pages: Streamlit's AppTest, the city account, the clock frozen on 2026-11-25; cold is the first render "
        "(caches empty), warm the same session's second; their MB is the process's peak over both. Refresh "
        "recomputes the weeks up to the last complete one of the day it runs.",
    ]
    return "\n".join(lines) + "\n"


def fmt_slope(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def print_slopes(databases: list[dict]) -> None:
    if len({d["members"] for d in databases}) < 2:
        print("\nOne size only: no log-log slopes (they need two sizes).")
        return
    print("\nLog-log slope from the smallest to the largest size (≈1: grows with the members and records, ≈0: flat):")
    for cost, label in COSTS:
        for engine in ENGINES:
            points = series(databases, engine, cost, "median_s")
            if not points:
                continue
            s_slope = slope(points)
            m_slope = slope(series(databases, engine, cost, "median_mb"))
            print(
                f"  {padded(label, 34)} {engine:8s} time {fmt_slope(s_slope):>5s} ({reading(s_slope)}), "
                f"peak memory {fmt_slope(m_slope):>5s} ({reading(m_slope)})"
            )


def padded(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def plot(databases: list[dict], path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        print(f"no plot: matplotlib is missing (pip install -r {ROOT / 'bench' / 'requirements.txt'})")
        return
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib import ticker

    colours = dict(zip(PLOTTED, plt.get_cmap("tab10").colors, strict=False))
    styles = {"postgres": ("-", "o"), "sqlite": ("--", "s")}
    labels = dict(COSTS) | PLOT_LABELS
    figure, panels = plt.subplots(1, 2, figsize=(13, 6.5))
    for panel, what, title in ((panels[0], "median_s", "seconds"), (panels[1], "median_mb", "peak memory, MB")):
        for cost in PLOTTED:
            for engine, (line, marker) in styles.items():
                points = series(databases, engine, cost, what)
                if points:
                    panel.plot(*zip(*points, strict=True), linestyle=line, marker=marker, color=colours[cost],
                               label=f"{labels[cost]} · {engine}")  # fmt: skip
        members = sorted({d["members"] for d in databases})
        panel.set_xscale("log")
        panel.set_yscale("log")
        panel.set_xlim(min(members) / 1.6, max(members) * 1.6)
        panel.set_xticks(members, [f"{m:,}" for m in members])
        panel.minorticks_off()
        panel.yaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
        panel.yaxis.set_major_formatter(ticker.FuncFormatter(lambda y, _: f"{y:,g}"))
        panel.set_xlabel("members")
        panel.set_ylabel(title)
        panel.set_title(f"{title} (log-log)")
        panel.grid(True, which="major", alpha=0.3)
    handles, names = panels[0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=3, fontsize=8, frameon=False)
    figure.suptitle("How the costs grow with the members (solid: PostgreSQL, dashed: SQLite)")
    figure.tight_layout(rect=(0, 0.16, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


def header() -> dict:
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "when": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit.stdout.strip() or "?",
        "machine": f"{os.cpu_count()} cores, {memory:.0f} GB, Python {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=tuple(SIZES), default=list(SIZES))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--runs", type=int, default=3, help="runs per cost when one takes under a minute")
    parser.add_argument("--skip-build", action="store_true", help="reuse the databases built before")
    parser.add_argument("--folder", type=Path, default=RESULTS, help="where the SQLite files are")
    parser.add_argument("--merge", action="store_true", help="keep scale.json's results of what is not run now")
    parser.add_argument("--page-worker", choices=tuple(PAGES), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.page_worker:
        page_worker(args.page_worker, args.db)
        return
    args.folder = args.folder.resolve()
    started = time.perf_counter()
    databases = []
    for size in sorted(set(args.sizes), key=list(SIZES).index):
        for engine in sorted(set(args.engines), key=ENGINES.index):
            if engine == "sqlite" and size not in SQLITE_SIZES:
                print(f"{size} on sqlite: skipped (SQLite is measured up to 200,000 members)")
                continue
            print(f"{size} on {engine}:", flush=True)
            databases.append(measure_database(engine, size, args))
    if not databases:
        raise SystemExit("nothing measured")
    RESULTS.mkdir(parents=True, exist_ok=True)
    earlier = []
    if (RESULTS / "scale.json").exists():
        earlier = json.loads((RESULTS / "scale.json").read_text(encoding="utf-8"))["databases"]
    for database in databases:  # a database reused (--skip-build) keeps the time its build took
        built = [d["costs"]["build"] for d in earlier if d["url"] == database["url"] and "build" in d["costs"]]
        if "build" not in database["costs"] and built:
            database["costs"] = {"build": built[0], **database["costs"]}
    if args.merge:
        measured = {(d["size"], d["engine"]) for d in databases}
        databases += [d for d in earlier if (d["size"], d["engine"]) not in measured]
    about = header() | {"total_seconds": time.perf_counter() - started, "runs": args.runs}
    table = markdown(databases, about)
    print("\n" + table, end="")
    print_slopes(databases)
    (RESULTS / "scale.md").write_text(table, encoding="utf-8")
    (RESULTS / "scale.json").write_text(
        json.dumps({**about, "databases": databases}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    plot(databases, RESULTS / "scale.png")
    print(f"\nwritten: {RESULTS / 'scale.md'}, scale.json, scale.png; took {about['total_seconds'] / 60:.1f} min")


if __name__ == "__main__":
    main()
