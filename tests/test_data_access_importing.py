"""Importing ledgers on SQLite and PostgreSQL: nothing lost, nothing doubled, one transaction per file."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

import ledger_files as lf
import pandas as pd
import pytest
from sqlalchemy import func, select

import services.importing as services_importing
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.lookups import fetch_meta
from data_access.schema import DATA_TABLES, members_table
from ledgers import formats as f
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.accounts import prepare_account
from services.importing import SyntheticDataError, import_files
from services.report import weekly_report
from services.sample import build_sample

THRESHOLDS = Thresholds()


def sources(names=None):
    return [(name, lf.csv_bytes(rows)) for name, rows in lf.ALL.items() if names is None or name in names]


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in DATA_TABLES}


def test_files_in_any_order_are_taken_parents_first(db_url):
    engine = get_engine(db_url)
    reports = import_files(engine, list(reversed(sources())), thresholds=THRESHOLDS)
    assert [r.ledger for r in reports] == [
        "areas",
        "stations",
        "members",
        "contacts",
        "station_visits",
        "volunteer_records",
        "demands",
    ]
    assert all(r.rejected == 0 for r in reports), [r.rejections for r in reports]
    assert counts(engine) == {
        "areas": 8,
        "members": 3,
        "contacts": 3,
        "stations": 1,
        "station_visits": 3,
        "volunteer_records": 1,
        "demands": 3,
    }
    visits = next(r for r in reports if r.ledger == "station_visits")
    assert [(w.row, w.reason) for w in visits.warnings] == [(4, f.NON_MEMBER_VISIT)]
    with engine.connect() as conn:
        assert fetch_meta(conn)["data_kind"] == "real"
    report = weekly_report(
        engine, scope=CITY_SCOPE, week=Week.parse("2026-W46"), area=AreaPath(), thresholds=THRESHOLDS
    )
    assert report["active_members"]["value"] == 2  # 王五 已返回
    assert report["station_visits"]["value"] == 3
    assert report["volunteer_hours"]["value"] == 2.5


def test_importing_twice_changes_nothing(db_url):
    engine = get_engine(db_url)
    import_files(engine, sources(), thresholds=THRESHOLDS)
    before = counts(engine)
    week = Week.parse("2026-W46")
    report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=THRESHOLDS)
    again = import_files(engine, sources(), thresholds=THRESHOLDS)
    assert counts(engine) == before
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=THRESHOLDS) == report
    assert all(r.rejected == 0 for r in again)


def test_a_known_phone_updates_the_member(db_url):
    engine = get_engine(db_url)
    import_files(engine, sources(["区划.csv", "台账.csv"]), thresholds=THRESHOLDS)
    changed = [lf.MEMBERS[0], ["张三丰", "13800000001", "流入", "世彩社区", "2026-01-05", "", "失联"]]
    changed[1][3] = "江汉区/北湖街道/世彩社区"
    import_files(engine, [("台账.csv", lf.csv_bytes(changed))], thresholds=THRESHOLDS)
    with engine.connect() as conn:
        row = conn.execute(select(members_table).where(members_table.c.phone == "13800000001")).one()
    assert (row.name, row.status) == ("张三丰", "lost")
    assert counts(engine)["members"] == 3


@pytest.mark.parametrize("contacts_before", [0, 1], ids=["into an empty table", "into a filled table"])
def test_a_failure_midway_leaves_the_database_as_before_that_file(db_url, monkeypatch, contacts_before):
    engine = get_engine(db_url)
    import_files(engine, sources(["区划.csv", "服务站点.csv", "台账.csv"]), thresholds=THRESHOLDS)
    if contacts_before:  # the bulk path (no indexes until the end) or the staging path
        import_files(engine, [("联系记录.csv", lf.csv_bytes(lf.CONTACTS[:2]))], thresholds=THRESHOLDS)
    before = counts(engine)
    assert before["contacts"] == contacts_before
    real_writer = services_importing.activity_writer

    @contextmanager
    def write_then_fail(engine, kind, written):
        with real_writer(engine, kind, written) as write:

            def failing(frame):
                write(frame)  # the rows are in the file's transaction, then:
                raise RuntimeError("power cut")

            yield failing

    monkeypatch.setattr(services_importing, "activity_writer", write_then_fail)
    with pytest.raises(RuntimeError):
        import_files(engine, sources(["联系记录.csv"]), thresholds=THRESHOLDS)
    assert counts(engine) == before
    monkeypatch.undo()
    import_files(engine, sources(["联系记录.csv"]), thresholds=THRESHOLDS)  # indexes and constraints are intact
    assert counts(engine)["contacts"] == 3


@pytest.mark.parametrize("contacts_before", [0, 1], ids=["into an empty table", "into a filled table"])
def test_a_record_repeated_within_a_file_is_written_once(db_url, contacts_before):
    engine = get_engine(db_url)
    import_files(engine, sources(["区划.csv", "服务站点.csv", "台账.csv"]), thresholds=THRESHOLDS)
    if contacts_before:
        import_files(engine, [("联系记录.csv", lf.csv_bytes(lf.CONTACTS[:2]))], thresholds=THRESHOLDS)
    repeated = lf.CONTACTS + lf.CONTACTS[1:] + [lf.CONTACTS[2]]
    (report,) = import_files(engine, [("联系记录.csv", lf.csv_bytes(repeated))], thresholds=THRESHOLDS)
    assert report.rejected == 0
    assert counts(engine)["contacts"] == 3


def test_the_synthetic_city_refuses_real_ledgers_unless_replaced(db_url):
    engine = get_engine(db_url)
    build_sample(engine, seed=1, until=date(2026, 11, 22), size="demo", thresholds=THRESHOLDS)
    with pytest.raises(SyntheticDataError):
        import_files(engine, sources(), thresholds=THRESHOLDS)
    assert counts(engine)["members"] == 3000
    admin = prepare_account(engine, name="管理员", role="city", area=AreaPath(), password="first-admin-pw",
                            now=datetime(2026, 11, 23, 9, 0), replaces_demo=True)  # fmt: skip
    import_files(engine, sources(), thresholds=THRESHOLDS, replace_sample=True, admin=admin)
    assert counts(engine)["members"] == 3
    with engine.connect() as conn:
        assert fetch_meta(conn)["data_kind"] == "real"


def test_round_trip_export_then_import_gives_the_same_report(db_url, tmp_path):
    from cli import main

    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    assert main(["sample", "--db", source_url, "--seed", "5", "--until", "2026-11-22"]) == 0
    assert main(["export", str(tmp_path / "ledgers"), "--db", source_url]) == 0
    files = sorted((tmp_path / "ledgers").glob("*.csv"))
    assert len(files) == 7  # the sample's demands, if it has none, as a header row
    target = get_engine(db_url)
    reports = import_files(target, [(p.name, p) for p in files], thresholds=THRESHOLDS)
    assert all(r.rejected == 0 for r in reports), [r.rejections[:3] for r in reports]
    source = get_engine(source_url)
    for week in ("2026-W46", "2026-W27"):
        for area in ("", "江汉区/北湖街道/环保社区"):
            args = dict(week=Week.parse(week), area=AreaPath.parse(area), thresholds=THRESHOLDS)
            assert weekly_report(target, scope=CITY_SCOPE, **args) == weekly_report(source, scope=CITY_SCOPE, **args), (
                week,
                area,
            )


# Text a spreadsheet would run as a formula (half- and full-width), and text that genuinely starts with an
# apostrophe, the mark that makes a spreadsheet show the rest as text.
SPREADSHEET_TEXT = ["=1+1", "+86 138 0000 0000", "-5", "@x", "\t制表", "\r回车", "＝1+1", "＋1", "＠x", "'引号", "''=2",
                    "'"]  # fmt: skip


def test_export_then_import_neutralises_formulas_and_gives_the_values_back(db_url, tmp_path):
    import csv

    import tiny_city
    from cli import main
    from data_access.loading import replace_all_data
    from data_access.schema import stations_table, volunteer_records_table

    tables = tiny_city.tables()
    members = len(tables["members"])  # 9: every value is someone's name or employer
    tables["members"] = tables["members"].assign(name=SPREADSHEET_TEXT[:members], employer=SPREADSHEET_TEXT[-members:])
    tables["stations"] = tables["stations"].assign(name=['=HYPERLINK("http://evil.example")', "'站"])
    tables["volunteer_records"] = tables["volunteer_records"].assign(activity=["-活动", "@活动", "'活动"])
    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    replace_all_data(get_engine(source_url), tables, meta={"data_kind": "real"})
    assert main(["export", str(tmp_path / "ledgers"), "--db", source_url]) == 0
    files = sorted((tmp_path / "ledgers").glob("*.csv"))
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if cell[:1] in set("=+-@\t\r＝＋－＠")], path.name
    reports = import_files(get_engine(db_url), [(p.name, p) for p in files], thresholds=THRESHOLDS)
    assert all(r.rejected == 0 for r in reports), [r.rejections[:3] for r in reports]

    def text_of(url):
        with get_engine(url).connect() as conn:
            return (
                sorted(conn.execute(select(members_table.c.phone, members_table.c.name, members_table.c.employer))),
                sorted(conn.execute(select(stations_table.c.name)).scalars()),
                sorted(conn.execute(select(volunteer_records_table.c.activity)).scalars()),
            )

    assert text_of(db_url) == text_of(source_url)


def test_demands_export_then_import_give_the_same_records(db_url, tmp_path):
    from cli import main
    from data_access.exporting import iter_ledger_rows

    tricky = ["SQ-9", "微心愿", "2026-11-03", "江汉区/北湖街道/世彩社区", "已撤销", "", "=1+1", "信箱", "不存在的驿站",
              "13999999999", "不满意"]  # fmt: skip
    ledgers = {**lf.ALL, "诉求台账.csv": [*lf.DEMANDS, tricky]}
    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    source = get_engine(source_url)
    import_files(source, [(name, lf.csv_bytes(rows)) for name, rows in ledgers.items()], thresholds=THRESHOLDS)
    assert main(["export", str(tmp_path / "ledgers"), "--db", source_url]) == 0
    exported = tmp_path / "ledgers" / f"{f.DEMANDS.title}.csv"
    assert "'=1+1" in exported.read_text(encoding="utf-8-sig")
    files = sorted((tmp_path / "ledgers").glob("*.csv"))
    reports = import_files(get_engine(db_url), [(p.name, p) for p in files], thresholds=THRESHOLDS)
    assert all(r.rejected == 0 for r in reports), [r.rejections[:3] for r in reports]
    assert next(r for r in reports if r.ledger == "demands").new == 4

    def demand_rows(url):
        with get_engine(url).connect() as conn:
            return pd.concat(iter_ledger_rows(conn, "demands")).to_dict("records")

    rows = demand_rows(db_url)
    assert rows == demand_rows(source_url)
    assert {row["number"]: row["content"] for row in rows}["SQ-9"] == "=1+1"
    assert [row["status"] for row in rows] == ["resolved", "in_progress", "accepted", "withdrawn"]
