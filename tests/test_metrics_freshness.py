"""一人一档更新率 (record_freshness_rate): a record verified in the N days ending E, to the day, from the members
ledger's 核实日期 through the import to the report, on both engines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ledger_files as lf
import pandas as pd
import pytest
from sqlalchemy import select

from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.schema import members_table
from metrics import columns as c
from metrics.indicators import compute_community_week, compute_member_states, prepare_city
from metrics.periods import Week
from metrics.report import compute_indicators
from metrics.thresholds import Thresholds
from services.importing import import_files
from services.refresh import compute_area_totals
from services.report import weekly_report

E = date(2026, 11, 15)  # a Sunday: 2026-W46 ends
N = 90
EMPTY = {
    "contacts": pd.DataFrame(columns=[c.MEMBER_ID, c.CONTACTED_ON, c.SIDE]),
    "stations": pd.DataFrame(columns=[c.STATION_ID, c.COMMUNITY_ID, c.OPENED_ON, c.LON, c.LAT]),
    "visits": pd.DataFrame(columns=[c.STATION_ID, c.VISITED_AT]),
    "volunteer": pd.DataFrame(columns=[c.MEMBER_ID, c.ACTIVITY_ON, c.HOURS]),
}


def city(rows: list[tuple[str, date, date | None]], *, with_column: bool = True):
    """Members of community 1 as (status, registered_on, verified_on)."""
    members = pd.DataFrame(
        {
            c.MEMBER_ID: range(1, len(rows) + 1),
            c.COMMUNITY_ID: 1,
            c.STATUS: [status for status, _, _ in rows],
            c.REGISTERED_ON: [registered for _, registered, _ in rows],
            c.LIAISON: None,
            c.LON: float("nan"),
            c.LAT: float("nan"),
            c.VERIFIED_ON: [verified for _, _, verified in rows],
        }
    )
    if not with_column:
        members = members.drop(columns=c.VERIFIED_ON)
    return prepare_city(members, **EMPTY, station_radius_m=1000, community_ids=[1])


def fresh(rows, *, end: date = E, thresholds: Thresholds | None = None) -> list[bool]:
    states = compute_member_states(city(rows), end=end, thresholds=thresholds or Thresholds())
    return states["verified_in_window"].tolist()


OLD = date(2025, 1, 1)


def test_verified_at_the_window_s_edge():
    # The 90 days ending E are E - 89 .. E: verified on E - 89 counts, on E - 90 it does not
    rows = [("active", OLD, E - timedelta(days=N - 1)), ("active", OLD, E - timedelta(days=N)), ("active", OLD, E)]
    assert fresh(rows) == [True, False, True]
    states = compute_member_states(city(rows), end=E, thresholds=Thresholds())
    assert states["days_since_verified"].tolist() == [N - 1, N, 0]


def test_never_verified_counts_from_registration():
    rows = [("active", E - timedelta(days=N - 1), None), ("active", E - timedelta(days=N), None)]
    assert fresh(rows) == [True, False]
    assert fresh(rows, end=E + timedelta(days=7)) == [False, False]


def test_a_verification_after_e_is_not_a_verification_by_e():
    # Only the latest 核实日期 is kept: for a week before it the record counts from its registration
    late = E + timedelta(days=3)
    rows = [("active", OLD, late), ("active", E - timedelta(days=10), late)]
    assert fresh(rows) == [False, True]
    assert fresh(rows, end=late) == [True, True]


def test_the_window_is_the_setting():
    rows = [("active", OLD, E - timedelta(days=29)), ("active", OLD, E - timedelta(days=30))]
    assert fresh(rows, thresholds=Thresholds(record_fresh_days=30)) == [True, False]


def test_the_rate_counts_active_members_only_and_is_null_without_them():
    rows = [
        ("active", OLD, E - timedelta(days=1)),
        ("active", OLD, None),
        ("returned", OLD, E),  # not active: in neither part
        ("active", E + timedelta(days=1), E + timedelta(days=1)),  # registered after E: not active
    ]
    week = compute_community_week(city(rows), end=E, thresholds=Thresholds())
    assert week[["active_members", "verified_in_window"]].iloc[0].tolist() == [2, 1]
    assert compute_indicators(week.iloc[0].to_dict())["record_freshness_rate"] == pytest.approx(0.5)
    nobody = compute_community_week(city([("returned", OLD, E)]), end=E, thresholds=Thresholds())
    assert compute_indicators(nobody.iloc[0].to_dict())["record_freshness_rate"] is None


def test_a_member_frame_without_the_column_has_no_record_verified():
    rows = [("active", OLD, E), ("active", E - timedelta(days=3), E)]
    states = compute_member_states(city(rows, with_column=False), end=E, thresholds=Thresholds())
    assert states["verified_in_window"].tolist() == [False, True]


MEMBERS = [
    ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "核实日期"],
    ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "2026-08-18"],  # E - 89: fresh
    ["李四", "13800000002", "流出", "江汉区/北湖街道/世彩社区", "2026-01-05", "2026年8月17日"],  # E - 90: 待更新
    ["王五", "13800000003", "流入", "环保社区", "2026-09-01", ""],  # never verified, registered E - 75: fresh
    ["赵六", "13800000004", "流入", "环保社区", "2026-01-05", "2026-11-20"],  # verified after E
    ["钱七", "13800000005", "流入", "环保社区", "2026-03-05", "2026-03-04"],  # before 报到日期: rejected
    ["孙八", "13800000006", "流入", "环保社区", "2026-01-05", "2026-11-26"],  # after the import's day: rejected
]


def _import(engine, rows) -> list:
    sources = [("区划.csv", lf.csv_bytes(lf.AREAS)), ("台账.csv", lf.csv_bytes(rows))]
    return import_files(engine, sources, thresholds=Thresholds(), at=datetime(2026, 11, 25, 9))


def _verified(engine) -> dict[str, date | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(members_table.c.phone, members_table.c.verified_on)).all()
    return {phone: pd.Timestamp(day).date() if day is not None else None for phone, day in rows}


def test_the_ledger_s_verification_date_reaches_the_report(db_url):
    engine = get_engine(db_url)
    members = _import(engine, MEMBERS)[-1]
    assert members.accepted == 4
    reasons = {(r.row, r.column, r.reason) for r in members.rejections}
    assert (6, "核实日期", "核实日期早于报到日期") in reasons
    assert any(row == 7 and column == "核实日期" and "晚于今天" in reason for row, column, reason in reasons)
    assert _verified(engine)["13800000001"] == date(2026, 8, 18)

    week = Week.parse("2026-W46")
    report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    # W46 (E = 11-15, window after 08-17): 张三 and 王五 of the four (赵六's 11-20 is after E: from 01-05);
    # W45 (E = 11-08, window after 08-10): 李四 too
    assert report["record_freshness_rate"]["value"] == pytest.approx(2 / 4)
    assert report["record_freshness_rate"]["previous"] == pytest.approx(3 / 4)
    raw = compute_area_totals(engine, scope=CITY_SCOPE, area=AreaPath(), weeks=[week], thresholds=Thresholds())
    assert (raw[week.start]["verified_in_window"], raw[week.start]["active_members"]) == (2, 4)
    later = weekly_report(
        engine, scope=CITY_SCOPE, week=Week.parse("2026-W47"), area=AreaPath(), thresholds=Thresholds()
    )
    assert later["record_freshness_rate"]["value"] == pytest.approx(2 / 4)  # E = 11-22: 王五 and 赵六


def test_a_verification_date_only_moves_forward(db_url):
    engine = get_engine(db_url)
    _import(engine, MEMBERS)
    without = [list(row[:5]) for row in MEMBERS]
    without[1][0] = "张三丰"  # a change in another column: the member is updated, the date kept
    assert _import(engine, without)[-1].updated == 1
    assert _verified(engine)["13800000001"] == date(2026, 8, 18)
    blank_and_older = [MEMBERS[0], [*without[1], ""], [*MEMBERS[2][:5], "2026-02-01"]]
    assert _import(engine, blank_and_older)[-1].updated == 0
    assert _verified(engine)["13800000002"] == date(2026, 8, 17)
    newer = [MEMBERS[0], [*without[1], "2026-11-24"], [*MEMBERS[3][:5], "2026-10-01"]]  # and a first one
    assert _import(engine, newer)[-1].updated == 2
    assert _verified(engine)["13800000001"] == date(2026, 11, 24)
    assert _verified(engine)["13800000003"] == date(2026, 10, 1)


def test_the_street_s_stale_list_counts_what_the_rate_leaves_out(db_url):
    from data_access.areas import Scope
    from data_access.members import fetch_member_list
    from metrics.member_lists import compute_member_list, select_member_list

    engine = get_engine(db_url)
    _import(engine, MEMBERS)
    street = AreaPath.parse("江汉区/北湖街道")
    with engine.connect() as conn:
        fetched = fetch_member_list(conn, scope=Scope("street", street), area=street, end=E)
    members = compute_member_list(fetched, end=E, overdue_days=30, lost_contact_days=90, record_fresh_days=N)
    stale = select_member_list(members, "stale_record")
    assert stale["phone"].tolist() == ["13800000004", "13800000002"]  # from 01-05 (verified after E), then 08-17
    assert stale["days_since_verified"].tolist() == [(E - date(2026, 1, 5)).days, N]


def test_the_members_export_carries_the_verification_date(db_url, tmp_path):
    import cli

    engine = get_engine(db_url)
    _import(engine, MEMBERS)
    assert cli.main(["export", str(tmp_path / "out"), "--db", db_url]) == 0
    exported = pd.read_csv(tmp_path / "out" / "流动党员台账.csv", encoding="utf-8-sig", dtype=str)
    verified = dict(zip(exported["手机号"], exported["核实日期"], strict=True))
    assert verified["13800000001"] == "2026-08-18" and pd.isna(verified["13800000003"])


def test_a_version_10_database_gains_the_part_and_reads_raw_records_until_a_refresh(db_url):
    from sqlalchemy import inspect, text

    from data_access.engine import dispose_engine
    from data_access.lookups import fetch_meta
    from services.refresh import refresh_from_database
    from services.report import figures_fresh

    engine = get_engine(db_url)
    _import(engine, MEMBERS)
    week = Week.parse("2026-W46")
    expected = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    with engine.begin() as conn:  # as schema 10 left it
        conn.execute(text("ALTER TABLE weekly_stats DROP COLUMN verified_in_window"))
        conn.execute(text("UPDATE meta SET value = '10' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    engine = get_engine(db_url)
    with engine.connect() as conn:
        meta = fetch_meta(conn)
        assert meta["schema_version"] == "11" and not figures_fresh(meta)
        assert "verified_in_window" in {column["name"] for column in inspect(conn).get_columns("weekly_stats")}
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds()) == expected
    refresh_from_database(engine, thresholds=Thresholds())
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds()) == expected
