"""The command line: exit codes, Chinese messages, the JSON object, never a traceback."""

from __future__ import annotations

import json
from datetime import date

import pytest

import cli
import tiny_city
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables


@pytest.fixture
def tiny_url(sqlite_url: str) -> str:
    engine = get_engine(sqlite_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return sqlite_url


def test_report_json_prints_the_fourteen_indicators(tiny_url, capsys):
    assert cli.main(["report", "--db", tiny_url, "--week", "2026-W46", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report) == 14
    assert report["active_members"] == {"value": 7, "previous": 7}


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
