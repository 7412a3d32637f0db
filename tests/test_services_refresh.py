"""Figures never go stale: after an import interrupted between its commit and the refresh of the weekly
figures, the report equals the data in the database, and the next import or refresh makes them fresh again."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import ledger_files as lf
import pytest

import cli
import services.importing as services_importing
import services.refresh as services_refresh
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import dispose_engine, get_engine
from data_access.lookups import fetch_meta
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.importing import import_files
from services.refresh import refresh_from_database
from services.report import figures_fresh, weekly_report

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = Thresholds()
WEEK = Week.parse("2026-W46")  # the ledgers' records fall in 2026-W44..W46; the clock stands in W48
NEW_MEMBER = ["赵六", "13800000004", "流入", "环保社区", "2026-02-01", "网格员甲", ""]

# One file that changes this week's figures, written through each path: SQLAlchemy (members),
# ADBC into a filled table (staging, contacts) and into an empty one (bulk, station visits).
CHANGES = {
    "members": ("台账.csv", lf.MEMBERS + [NEW_MEMBER]),
    "contacts, staging": ("联系记录.csv", lf.CONTACTS),
    "visits, bulk": ("驿站服务记录.csv", lf.VISITS),
}


def sources(names: list[str]) -> list[tuple[str, bytes]]:
    return [(name, lf.csv_bytes(lf.ALL[name])) for name in names]


def report(engine) -> dict:
    return weekly_report(engine, scope=CITY_SCOPE, week=WEEK, area=AreaPath(), thresholds=THRESHOLDS)


def fresh(engine) -> bool:
    with engine.connect() as conn:
        return figures_fresh(fetch_meta(conn))


def fresh_report(engine) -> dict:
    """The report once the figures are recomputed from every record: fresh again."""
    refresh_from_database(engine, thresholds=THRESHOLDS)
    assert fresh(engine)
    return report(engine)


def imported_city(url: str):
    """Areas, stations, members and two of the three contacts (from 2026-W44: the figures cover W45 and W46)."""
    engine = get_engine(url)
    import_files(engine, sources(["区划.csv", "服务站点.csv", "台账.csv"]), thresholds=THRESHOLDS)
    import_files(engine, [("联系记录.csv", lf.csv_bytes(lf.CONTACTS[:3]))], thresholds=THRESHOLDS)
    return engine


def killed(*args, **kwargs):
    raise SystemExit(137)  # as if the process died after the data committed, before the figures were written


@pytest.mark.parametrize("change", list(CHANGES))
def test_an_import_killed_before_its_refresh_reports_the_new_data(db_url, monkeypatch, change):
    engine = imported_city(db_url)
    before = report(engine)
    monkeypatch.setattr(services_importing, "refresh_from_database", killed)
    with pytest.raises(SystemExit):
        import_files(engine, [(CHANGES[change][0], lf.csv_bytes(CHANGES[change][1]))], thresholds=THRESHOLDS)
    monkeypatch.undo()
    assert not fresh(engine)
    after = report(engine)
    assert after != before  # the file changed this week's figures
    assert after == fresh_report(engine)


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_failure_in_a_later_file_leaves_the_earlier_files_reported(db_url, monkeypatch, change):
    engine = imported_city(db_url)
    before = report(engine)
    real_writer = services_importing.activity_writer

    @contextmanager
    def volunteer_fails(engine, kind, written):
        if kind == "volunteer_records":
            raise RuntimeError("power cut")
        with real_writer(engine, kind, written) as write:
            yield write

    monkeypatch.setattr(services_importing, "activity_writer", volunteer_fails)
    files = [(CHANGES[change][0], lf.csv_bytes(CHANGES[change][1])), *sources(["志愿服务记录.csv"])]
    with pytest.raises(RuntimeError):
        import_files(engine, files, thresholds=THRESHOLDS)
    monkeypatch.undo()
    after = report(engine)
    assert after != before
    assert after == fresh_report(engine)


def test_a_killed_cli_import_is_reported_by_cli_report(db_url, tmp_path, capsys):
    """The real thing: `cli.py import` in its own process, which dies (no cleanup) where the refresh starts."""
    engine = imported_city(db_url)
    before = report(engine)
    path = tmp_path / "联系记录.csv"
    path.write_bytes(lf.csv_bytes(lf.CONTACTS))
    script = (
        "import os, sys, cli, services.importing as s\n"
        "s.refresh_from_database = lambda *a, **k: os._exit(137)\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    dispose_engine(db_url)
    done = subprocess.run(
        [sys.executable, "-c", script, "import", str(path), "--db", db_url], cwd=ROOT, capture_output=True
    )
    assert done.returncode == 137, done.stderr.decode()
    args = ["report", "--db", db_url, "--week", str(WEEK), "--json"]
    assert cli.main(args) == 0
    after_kill = json.loads(capsys.readouterr().out)
    del after_kill["funnel"]  # beside the indicators: the registration funnel, read from the raw records
    assert after_kill != before
    assert after_kill == fresh_report(engine)


def test_the_next_import_makes_the_figures_fresh(db_url, monkeypatch):
    engine = imported_city(db_url)
    monkeypatch.setattr(services_importing, "refresh_from_database", killed)
    with pytest.raises(SystemExit):
        import_files(engine, sources(["驿站服务记录.csv"]), thresholds=THRESHOLDS)
    monkeypatch.undo()
    stale = report(engine)
    import_files(engine, sources(["志愿服务记录.csv"]), thresholds=THRESHOLDS)

    def no_raw(*args, **kwargs):
        raise AssertionError("computed from raw records: the precomputed figures were not fresh")

    monkeypatch.setattr(services_refresh, "compute_area_totals", no_raw)
    fresh = report(engine)
    assert fresh["station_visits"] == stale["station_visits"]
    assert fresh["volunteer_hours"]["value"] == 2.5


@pytest.mark.parametrize("change", ["contacts, staging", "visits, bulk"])
def test_a_file_rolled_back_leaves_the_figures_fresh(db_url, monkeypatch, change):
    """The bump is in the file's transaction: undone with its rows, so nothing is needlessly computed raw."""
    engine = imported_city(db_url)
    with engine.connect() as conn:
        version = fetch_meta(conn)["data_version"]
    real_writer = services_importing.activity_writer

    @contextmanager
    def write_then_fail(engine, kind, written):
        with real_writer(engine, kind, written) as write:

            def failing(frame):
                write(frame)
                raise RuntimeError("power cut")

            yield failing

    monkeypatch.setattr(services_importing, "activity_writer", write_then_fail)
    with pytest.raises(RuntimeError):
        import_files(engine, [(CHANGES[change][0], lf.csv_bytes(CHANGES[change][1]))], thresholds=THRESHOLDS)
    with engine.connect() as conn:
        assert fetch_meta(conn)["data_version"] == version
    assert fresh(engine)


def test_each_file_that_changes_something_bumps_the_data_version(db_url):
    engine = imported_city(db_url)
    with engine.connect() as conn:
        version = int(fetch_meta(conn)["data_version"])
    members = ("台账.csv", lf.csv_bytes(lf.MEMBERS + [NEW_MEMBER]))
    import_files(engine, [members, *sources(["驿站服务记录.csv", "志愿服务记录.csv"])], thresholds=THRESHOLDS)
    with engine.connect() as conn:
        assert int(fetch_meta(conn)["data_version"]) == version + 3
    assert fresh(engine)
    import_files(engine, [members, *sources(["服务站点.csv", "驿站服务记录.csv"])], thresholds=THRESHOLDS)
    with engine.connect() as conn:  # the same files again: nothing changed, so nothing to recompute
        assert int(fetch_meta(conn)["data_version"]) == version + 3
    assert fresh(engine)


def test_the_sample_comes_out_fresh(demo_url):
    assert fresh(get_engine(demo_url))
