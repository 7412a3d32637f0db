"""The command line: exit codes, Chinese messages, the JSON object, never a traceback."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

import cli
import tiny_city
from data_access.accounts import fetch_accounts
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.lookups import fetch_meta
from metrics.registry import REPORT_KEYS
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables


@pytest.fixture
def tiny_url(sqlite_url: str) -> str:
    engine = get_engine(sqlite_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return sqlite_url


def test_report_json_prints_every_indicator(tiny_url, capsys):
    assert cli.main(["report", "--db", tiny_url, "--week", "2026-W46", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == [*REPORT_KEYS, "funnel"]  # the indicators, then the registration funnel
    assert report["active_members"] == {"value": 7, "previous": 7}
    # October, the latest month over by 11-15: nobody of the tiny city registered then
    assert report["funnel"]["month"] == "2026-10"
    assert report["funnel"]["steps"] == {"registered": 0, "contacted": 0, "three_way": 0}


def test_report_table_is_chinese(tiny_url, capsys):
    assert cli.main(["report", "--db", tiny_url, "--week", "2026-W46", "--area", "江汉区/北湖街道"]) == 0
    out = capsys.readouterr().out
    assert "联系覆盖率" in out and "江汉区/北湖街道" in out and "42.9%" in out


@pytest.mark.parametrize("week", ["2026-46", "W46", "2026-W54", "2025-W53", "next week"])
def test_malformed_week_exits_2_naming_the_form(tiny_url, capsys, week):
    assert cli.main(["report", "--db", tiny_url, "--week", week]) == 2
    err = capsys.readouterr().err
    assert "2026-W46" in err and "Traceback" not in err


def test_unknown_area_exits_2_with_nearest_names(tiny_url, capsys):
    assert cli.main(["report", "--db", tiny_url, "--area", "江汉区/北湖街/环保社区"]) == 2
    err = capsys.readouterr().err
    assert "找不到区域" in err and "江汉区/北湖街道/环保社区" in err


def test_area_with_too_many_parts_exits_2(tiny_url, capsys):
    assert cli.main(["report", "--db", tiny_url, "--area", "a/b/c/d"]) == 2
    assert "区/街道/社区" in capsys.readouterr().err


def test_empty_database_reports_zeros_and_says_how_to_fill_it(sqlite_url, capsys):
    assert cli.main(["report", "--db", sqlite_url, "--week", "2026-W46", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["active_members"] == {"value": 0, "previous": 0}
    assert report["contact_coverage"] == {"value": None, "previous": None}
    assert "cli.py sample" in captured.err


def test_unreachable_database_exits_1_in_chinese(capsys):
    assert cli.main(["report", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]) == 1
    assert "无法连接数据库" in capsys.readouterr().err


def test_database_of_a_newer_version_is_refused(sqlite_url, capsys):
    engine = get_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    from data_access.engine import dispose_engine

    dispose_engine(sqlite_url)
    assert cli.main(["report", "--db", sqlite_url]) == 1
    assert "更新版本" in capsys.readouterr().err


def test_foreign_database_is_refused_not_misread(tmp_path, capsys):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE members (id INTEGER, whatever TEXT)")
    assert cli.main(["report", "--db", f"sqlite:///{path}"]) == 1
    assert "不是本程序的数据库" in capsys.readouterr().err


def write_ledgers(folder, names=None):
    import ledger_files as lf

    paths = []
    for name, rows in lf.ALL.items():
        if names is None or name in names:
            path = folder / name
            path.write_bytes(lf.csv_bytes(rows))
            paths.append(str(path))
    return paths


def test_import_json_reports_every_file(sqlite_url, tmp_path, capsys):
    bad = tmp_path / "坏台账.csv"
    bad.write_bytes("姓名,手机号,流动类型,所在社区,报到日期\n张三,123,流入,环保社区,2026-11-05\n".encode("gbk"))
    paths = write_ledgers(tmp_path, ["区划.csv", "台账.csv"]) + [str(bad)]
    assert cli.main(["import", *paths, "--db", sqlite_url, "--json"]) == 0
    files = {f["file"]: f for f in json.loads(capsys.readouterr().out)["files"]}
    assert set(files) == {"区划.csv", "台账.csv", "坏台账.csv"}
    bad = files["坏台账.csv"]
    assert {k: bad[k] for k in ("ledger", "rows", "accepted", "new", "rejected", "repeated", "error")} == {
        "ledger": "members",
        "rows": 1,
        "accepted": 0,
        "new": 0,
        "rejected": 1,
        "repeated": 0,
        "error": None,
    }
    assert bad["rejections"] == [{"row": 2, "column": "手机号", "reason": "手机号格式不对，应为11位大陆手机号"}]
    assert files["台账.csv"]["new"] == files["台账.csv"]["accepted"] == 3


def test_import_of_an_unknown_file_exits_2_naming_the_expected_headers(sqlite_url, tmp_path, capsys):
    odd = tmp_path / "odd.csv"
    odd.write_text("甲,乙\n1,2\n", encoding="utf-8")
    assert cli.main(["import", str(odd), "--db", sqlite_url]) == 2
    err = capsys.readouterr().err
    assert "无法识别台账类型" in err and "姓名、手机号、流动类型、所在社区、报到日期" in err


def test_import_into_the_sample_is_refused_with_directions(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'sample.sqlite'}"
    assert cli.main(["sample", "--db", url, "--until", "2026-11-22"]) == 0
    assert cli.main(["import", *write_ledgers(tmp_path, ["区划.csv"]), "--db", url]) == 2
    assert "--replace-sample" in capsys.readouterr().err
    replace = ["--db", url, "--replace-sample", "--admin", "王管理员"]
    assert cli.main(["import", *write_ledgers(tmp_path, ["区划.csv"]), *replace]) == 2
    assert "未确认" in capsys.readouterr().err  # no terminal to ask, no --yes: nothing changes
    monkeypatch.setattr("sys.stdin", io.StringIO("first-admin-pw\n"))
    assert cli.main(["import", *write_ledgers(tmp_path, ["区划.csv"]), *replace, "--yes"]) == 0
    assert "王管理员" in capsys.readouterr().err
    with get_engine(url).connect() as conn:
        assert [(a["name"], a["role"]) for a in fetch_accounts(conn)] == [("王管理员", "city")]


def test_replacing_the_sample_needs_an_administrator_and_an_areas_ledger(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'sample.sqlite'}"
    assert cli.main(["sample", "--db", url, "--until", "2026-11-22"]) == 0
    files = write_ledgers(tmp_path, ["台账.csv"])
    assert cli.main(["import", *files, "--db", url, "--replace-sample", "--yes"]) == 2
    assert "--admin" in capsys.readouterr().err  # else nobody could sign in afterwards
    monkeypatch.setattr("sys.stdin", io.StringIO("first-admin-pw\n"))
    assert cli.main(["import", *files, "--db", url, "--replace-sample", "--yes", "--admin", "王管理员"]) == 2
    assert "没有区划台账" in capsys.readouterr().err
    with get_engine(url).connect() as conn:
        assert fetch_meta(conn)["data_kind"] == "synthetic"
        assert "王管理员" not in {a["name"] for a in fetch_accounts(conn)}
    assert cli.main(["import", *files, "--db", url, "--admin", "王管理员"]) == 2
    assert "--replace-sample" in capsys.readouterr().err
