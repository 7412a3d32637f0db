"""The import history (issue 17 §1), on SQLite and PostgreSQL: every file an import reads is recorded with its
counts; each change of a member's 状态, 所在社区, 联系人 or 流动类型 is kept with the import that made it; a
complete roster lists exactly the members it leaves out, and marks them only after confirmation."""

from __future__ import annotations

from datetime import date, datetime, time

import ledger_files as lf
import pandas as pd
import pytest
from sqlalchemy import select, text

from data_access.areas import CITY_SCOPE, AreaPath, OutOfScopeError, Scope
from data_access.engine import dispose_engine, get_engine
from data_access.history import fetch_imports, fetch_member_history
from data_access.schema import SCHEMA_VERSION, members_table
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.importing import import_changes, import_files, mark_not_listed
from services.movers import member_flows, what_moved
from services.report import weekly_report

MONDAY = datetime.combine(date(2026, 11, 23), time(9))
TUESDAY = datetime.combine(date(2026, 11, 24), time(10, 30))
HEADER = ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "联系人", "状态"]
ZHANG = ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "网格员甲", ""]
LI = ["李四", "13800000002", "流出", "江汉区/北湖街道/世彩社区", "2026-01-05", "", "在册"]
WANG = ["王五", "13800000003", "流入", "华锦社区", "2026-01-05", "网格员乙", "已返回"]
ZHAO = ["赵六", "13800000004", "流入", "环保社区", "2026-02-01", "", ""]
STREET = Scope("street", AreaPath.parse("江汉区/北湖街道"))


def load(engine, files: dict[str, list[list[object]] | bytes], *, at=MONDAY, account="clerk", complete=False):
    sources = [(name, rows if isinstance(rows, bytes) else lf.csv_bytes(rows)) for name, rows in files.items()]
    return import_files(engine, sources, thresholds=Thresholds(), at=at, account=account, complete=complete)


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    load(engine, {"区划.csv": lf.AREAS, "台账.csv": [HEADER, ZHANG, LI, WANG, ZHAO]})
    return engine


def statuses(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(members_table.c.phone, members_table.c.status)).all())


def test_every_file_read_is_in_the_history_newest_first(engine):
    load(engine, {"台账.csv": [HEADER, ZHANG, ["坏行", "123", "流入", "环保社区", "2026-01-05", "", ""]]}, at=TUESDAY)
    load(engine, {"坏文件.csv": b"\xff\xfe\x00garbage"}, at=TUESDAY, account=None)
    with engine.connect() as conn:
        history = fetch_imports(conn)
    assert list(history["file"]) == ["坏文件.csv", "台账.csv", "台账.csv", "区划.csv"]
    unreadable, again, first, _areas = history.to_dict("records")
    assert pd.isna(unreadable["account"]) and unreadable["error"] and pd.isna(unreadable["ledger"])
    assert again["account"] == "clerk" and again["at"] == TUESDAY and again["ledger"] == "members"
    assert (again["rows"], again["accepted"], again["new"], again["updated"], again["rejected"]) == (2, 1, 0, 0, 1)
    assert (first["rows"], first["accepted"], first["new"], first["repeated"]) == (4, 4, 4, 0)
    assert not first["complete"]


def test_changes_are_kept_with_the_import_that_made_them(engine):
    moved = ["张三", "13800000001", "流出", "江汉区/北湖街道/世彩社区", "2026-01-05", "楼栋长丙", "失联"]
    (report,) = load(engine, {"台账更新.csv": [HEADER, moved]}, at=TUESDAY)
    changes = import_changes(engine, report.import_id)
    assert changes.new.empty
    assert list(changes.status_changed[["old", "new"]].itertuples(index=False, name=None)) == [("active", "lost")]
    assert list(changes.status_flows["members"]) == [1]
    assert len(changes.moved) == 1 and changes.moved.loc[0, "old"] != changes.moved.loc[0, "new"]
    with engine.connect() as conn:
        history = fetch_member_history(conn, scope=STREET, member_id=int(changes.moved.loc[0, "member_id"]))
    fields = list(history["field"])
    assert fields[0] == "created" and sorted(fields[1:]) == ["community_id", "flow_type", "liaison", "status"]
    assert set(history["file"]) == {"台账.csv", "台账更新.csv"}
    assert set(history["changed_on"].iloc[1:]) == {TUESDAY.date()}


def test_a_member_history_is_for_scopes_that_see_members(engine):
    with engine.connect() as conn:
        with pytest.raises(OutOfScopeError):
            fetch_member_history(conn, scope=Scope("city"), member_id=1)
        elsewhere = Scope("street", AreaPath.parse("武昌区/南湖街道"))
        wang = conn.execute(select(members_table.c.id).where(members_table.c.phone == "13800000001")).scalar_one()
        assert fetch_member_history(conn, scope=elsewhere, member_id=wang).empty  # 张三 lives in 江汉区


def test_importing_the_same_file_again_changes_nothing_and_keeps_no_change(engine):
    (report,) = load(engine, {"台账.csv": [HEADER, ZHANG, LI, WANG, ZHAO]}, at=TUESDAY)
    assert (report.new, report.updated) == (0, 0)
    assert not import_changes(engine, report.import_id).any


def test_without_the_flag_a_shorter_roster_touches_nobody(engine):
    (report,) = load(engine, {"台账.csv": [HEADER, ZHANG]}, at=TUESDAY)
    assert report.missing is None and not report.complete
    assert statuses(engine) == {"13800000001": "active", "13800000002": "active", "13800000003": "returned",
                                "13800000004": "active"}  # fmt: skip


def test_a_complete_roster_lists_exactly_the_active_members_it_leaves_out(engine):
    bad_date = ["赵六", "13800000004", "流入", "环保社区", "不是日期", "", ""]  # rejected, but on the roster
    (report,) = load(engine, {"台账.csv": [HEADER, ZHANG, bad_date]}, at=TUESDAY, complete=True)
    assert report.complete and report.rejected == 1
    # 环保社区 is the only community the roster names: 李四 (世彩社区) and 王五 (华锦社区, 已返回) are not its members
    assert list(report.missing["phone"]) == []
    qian = ["钱七", "13800000005", "流入", "环保社区", "2026-03-01", "", ""]
    (report,) = load(engine, {"台账.csv": [HEADER, LI, qian]}, at=TUESDAY, complete=True)
    assert sorted(report.missing["phone"]) == ["13800000001", "13800000004"]  # 张三 and 赵六 of 环保社区
    assert statuses(engine)["13800000001"] == "active"  # listed, not yet marked
    with engine.connect() as conn:
        assert bool(fetch_imports(conn).loc[0, "complete"])


def test_only_confirmed_members_of_the_list_are_marked(engine):
    (report,) = load(engine, {"台账.csv": [HEADER, ZHANG]}, at=TUESDAY, complete=True)
    assert list(report.missing["phone"]) == ["13800000004"]
    zhao = int(report.missing.loc[0, "member_id"])
    with engine.connect() as conn:
        li = conn.execute(select(members_table.c.id).where(members_table.c.phone == "13800000002")).scalar_one()
    # 李四 is active but not on this list (another community): a crafted id marks nobody
    assert mark_not_listed(engine, report, [zhao, li, 10_000], "transferred", thresholds=Thresholds(), at=TUESDAY) == 1
    assert statuses(engine)["13800000004"] == "transferred" and statuses(engine)["13800000002"] == "active"
    changes = import_changes(engine, report.import_id).status_changed
    assert list(changes[["old", "new"]].itertuples(index=False, name=None)) == [("active", "transferred")]
    assert mark_not_listed(engine, report, [zhao], "lost", thresholds=Thresholds(), at=TUESDAY) == 0  # no longer active
    with pytest.raises(ValueError):
        mark_not_listed(engine, report, [zhao], "active", thresholds=Thresholds(), at=TUESDAY)


def test_a_version_9_database_gets_the_history_tables(db_url):
    engine = get_engine(db_url)
    load(engine, {"区划.csv": lf.AREAS, "台账.csv": [HEADER, ZHANG]})
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE member_changes"))
        conn.execute(text("DROP TABLE imports"))
        conn.execute(text("ALTER TABLE members DROP COLUMN verified_on"))
        conn.execute(text("UPDATE meta SET value = '9' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == str(SCHEMA_VERSION)
        assert conn.execute(text("SELECT count(*) FROM members WHERE verified_on IS NULL")).scalar() == 1
        assert fetch_imports(conn).empty
    (report,) = load(upgraded, {"台账.csv": [HEADER, ZHANG, LI]}, at=TUESDAY)
    assert report.new == 1 and report.import_id is not None


def write_csv(tmp_path, name: str, rows: list[list[object]]) -> str:
    path = tmp_path / name
    path.write_bytes(lf.csv_bytes(rows))
    return str(path)


def test_the_command_line_lists_marks_on_confirmation_and_prints_the_history(engine, tmp_path, capsys):
    import cli

    url = engine.url.render_as_string(hide_password=False)
    roster = write_csv(tmp_path, "完整名单.csv", [HEADER, ZHANG])
    assert cli.main(["import", "--db", url, "--complete", roster]) == 0
    out = capsys.readouterr().out
    assert "不在本次台账 1 人" in out and "赵*  138****0004  江汉区/北湖街道/环保社区" in out
    assert "13800000004" not in out and statuses(engine)["13800000004"] == "active"  # listed, masked, not marked

    assert cli.main(["import", "--db", url, "--mark-missing", "失联", roster]) == 2  # needs --complete
    assert "--complete" in capsys.readouterr().err
    assert cli.main(["import", "--db", url, "--complete", "--mark-missing", "在册", roster]) == 2
    assert cli.main(["import", "--db", url, "--complete", "--mark-missing", "失联", roster]) == 2  # not confirmed
    assert statuses(engine)["13800000004"] == "active"
    capsys.readouterr()
    assert cli.main(["import", "--db", url, "--complete", "--mark-missing", "失联", "--yes", roster]) == 0
    assert "已将 1 人标记为“失联”" in capsys.readouterr().out
    assert statuses(engine)["13800000004"] == "lost"

    assert cli.main(["imports", "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("；完整名单") and "命令行  流动党员台账  完整名单.csv" in lines[0]
    assert len(lines) == 2 + 3  # the fixture's two files, and the roster read three times (twice refused unread)
    assert cli.main(["imports", "--db", url, "--json", "--limit", "1"]) == 0
    [latest] = __import__("json").loads(capsys.readouterr().out)["imports"]
    assert latest["complete"] and latest["file"] == "完整名单.csv" and latest["account"] is None


def test_a_later_verification_leaves_the_weeks_before_it_as_they_were(engine):
    header = [*HEADER, "核实日期"]
    load(engine, {"台账.csv": [header, [*ZHANG, "2026-10-01"]]}, at=TUESDAY)
    w46, w48 = Week.parse("2026-W46"), Week.parse("2026-W48")

    def freshness(week: Week) -> float:
        report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
        return report["record_freshness_rate"]["value"]

    # 张三, 李四 and 赵六 are active, registered in January and February; only 张三 was verified within 90 days
    assert freshness(w46) == pytest.approx(1 / 3)
    (report,) = load(engine, {"台账.csv": [header, [*ZHANG, "2026-11-24"]]}, at=TUESDAY)
    assert freshness(w46) == pytest.approx(1 / 3)  # the October verification still counts for W46
    assert freshness(w48) == pytest.approx(1 / 3)
    assert import_changes(engine, report.import_id).status_changed.empty  # a 核实日期 is no status change
    with engine.connect() as conn:
        zhang = conn.execute(select(members_table.c.id).where(members_table.c.phone == "13800000001")).scalar_one()
        history = fetch_member_history(conn, scope=STREET, member_id=zhang)
    verifications = history[history["field"] == "verified_on"]
    assert list(verifications["new"]) == ["2026-10-01", "2026-11-24"]


def test_a_member_who_leaves_the_roll_is_a_flow_of_that_week(engine):
    left = ["赵六", "13800000004", "流入", "环保社区", "2026-02-01", "", "已转出"]
    load(engine, {"台账.csv": [HEADER, left]}, at=TUESDAY)  # W48: 23-29 November

    def flows(week: str) -> dict[str, int]:
        moved = what_moved(engine, scope=CITY_SCOPE, week=Week.parse(week), area=AreaPath(), thresholds=Thresholds())
        return moved.flows

    assert flows("2026-W48")["left_active"] == 1 and flows("2026-W47")["left_active"] == 0
    listed = member_flows(engine, scope=STREET, area=AreaPath.parse("江汉区/北湖街道"), week=Week.parse("2026-W48"),
                          thresholds=Thresholds())  # fmt: skip
    with engine.connect() as conn:
        zhao = conn.execute(select(members_table.c.id).where(members_table.c.phone == "13800000004")).scalar_one()
    assert list(listed.loc[listed["left_active"], "member_id"]) == [zhao]
