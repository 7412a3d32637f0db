"""The import contract (PRODUCT.md "Ledger formats"), on SQLite and PostgreSQL: every row read is accepted,
rejected with its row, column and reason, or reported as a repeat of an earlier row; nothing is merged that
the contract keeps apart; an optional column never costs a row; the rejected rows load again once fixed."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import ledger_files as lf
import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.engine import get_engine
from data_access.schema import (
    contacts_table,
    demands_table,
    members_table,
    station_visits_table,
    volunteer_records_table,
)
from ledgers import formats as f
from ledgers.reading import LedgerFileError, open_ledgers
from ledgers.writing import to_xlsx_bytes
from metrics.thresholds import Thresholds
from services.importing import FileReport, import_files

TODAY = date(2026, 11, 25)
LOADED_AT = datetime.combine(TODAY, time(9))  # the files are loaded that morning
PARENTS = ["区划.csv", "服务站点.csv", "台账.csv"]


def run(engine, files: dict[str, bytes]) -> dict[str, FileReport]:
    reports = import_files(engine, list(files.items()), thresholds=Thresholds(), at=LOADED_AT)
    for report in reports:
        if report.ledger is not None and report.error is None:
            assert report.rows == report.accepted + report.rejected + report.repeated, report.file
            assert 0 <= report.updated <= report.accepted and report.unchanged >= 0
    return {report.file: report for report in reports}


def parents(engine) -> None:
    run(engine, {name: lf.csv_bytes(lf.ALL[name]) for name in PARENTS})


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def reasons(report: FileReport) -> list[tuple[int, str, str]]:
    return [(r.row, r.column, r.reason) for r in report.rejections]


CONTACTS = [
    ["手机号", "联系日期", "联系方", "联系方式", "联系人"],
    ["13800000001", "2026-11-10", "流入地党组织", "电话", "网格员甲"],
    ["13800000001", "2026-11-10", "流入地党组织", "电话", "楼栋长乙"],  # another liaison: another contact
    ["13800000001", "2026-11-10", "流入地党组织", "电话", "网格员甲"],  # row 2 again
    ["13800000002", "2026-11-12", "党员主动", "", ""],
]


def test_contacts_are_keyed_by_every_column_and_a_repeat_counts_once(db_url):
    engine = get_engine(db_url)
    parents(engine)
    report = run(engine, {"联系记录.csv": lf.csv_bytes(CONTACTS)})["联系记录.csv"]
    assert (report.rows, report.accepted, report.new, report.repeated, report.rejected) == (4, 3, 3, 1, 0)
    assert [(r.row, r.same_as) for r in report.repeats] == [(4, 2)]
    assert count(engine, contacts_table) == 3
    again = run(engine, {"联系记录.csv": lf.csv_bytes(CONTACTS)})["联系记录.csv"]  # the staging path this time
    assert (again.accepted, again.new, again.updated, again.unchanged, again.repeated) == (3, 0, 0, 3, 1)
    assert count(engine, contacts_table) == 3
    more = [*CONTACTS, ["13800000002", "2026-11-13", "党员主动", "微信", ""]]
    added = run(engine, {"联系记录.csv": lf.csv_bytes(more)})["联系记录.csv"]
    assert (added.new, added.unchanged) == (1, 3)


def test_two_visitors_at_the_same_minute_are_two_visits(db_url):
    engine = get_engine(db_url)
    parents(engine)
    visits = [
        ["站点名称", "服务时间", "服务项目", "手机号"],
        ["环保社区党群服务中心", "2026-11-10 12:30", "充电", "13999999991"],  # two riders who are not members
        ["环保社区党群服务中心", "2026-11-10 12:30", "充电", "13999999992"],
        ["环保社区党群服务中心", "2026-11-10 12:30", "充电", "13800000001"],  # a member
        ["环保社区党群服务中心", "2026-11-10 12:30", "充电", "13999999991"],  # row 2 again
    ]
    report = run(engine, {"驿站服务记录.csv": lf.csv_bytes(visits)})["驿站服务记录.csv"]
    assert (report.accepted, report.repeated) == (3, 1)
    assert [w.row for w in report.warnings] == [2, 3]  # not members: kept as visits of non-members
    with engine.connect() as conn:
        rows = conn.execute(select(station_visits_table.c.visitor_phone, station_visits_table.c.member_id)).all()
    assert sorted(phone for phone, _ in rows) == ["13800000001", "13999999991", "13999999992"]
    assert sum(member is not None for _, member in rows) == 1


def test_a_volunteer_record_imported_again_is_updated(db_url):
    engine = get_engine(db_url)
    parents(engine)
    records = [
        ["活动名称", "活动日期", "手机号", "时长", "活动类别", "所在社区"],
        ["敬老院探访", "2026-11-12", "13800000001", 2, "敬老助老", "环保社区"],  # a category of the clerk's own
        ["敬老院探访", "2026-11-12", "13800000002", 2, "敬老助老", "环保社区"],
    ]
    first = run(engine, {"志愿服务记录.csv": lf.csv_bytes(records)})["志愿服务记录.csv"]
    assert (first.accepted, first.new, first.rejected) == (2, 2, 0)
    records[1][3] = 3.5
    records.append(["敬老院探访", "2026-11-12", "13800000001", 1, "其他", ""])  # its key repeats row 2
    again = run(engine, {"志愿服务记录.csv": lf.csv_bytes(records)})["志愿服务记录.csv"]
    assert (again.accepted, again.new, again.updated, again.unchanged, again.repeated) == (2, 0, 1, 1, 1)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(members_table.c.phone, volunteer_records_table.c.hours).join(
                    members_table, members_table.c.id == volunteer_records_table.c.member_id
                )
            ).all()
        )
        categories = set(conn.execute(select(volunteer_records_table.c.category)).scalars())
    assert stored == {"13800000001": 3.5, "13800000002": 2.0}
    assert categories == {"敬老助老"}


DEMAND_HEADERS = lf.DEMANDS[0]


def demand(number, status, resolved="", *, community="环保社区", raised="2026-11-02", station="", phone=""):
    return [number, "诉求", raised, community, status, resolved, "楼道灯不亮", "驿站", station, phone, ""]


def demands(engine) -> dict[tuple[str, str], tuple]:
    """(community, number) -> (status, resolved_on, station_id, member_id) as stored."""
    d = demands_table.c
    with engine.connect() as conn:
        rows = conn.execute(select(d.community_id, d.number, d.status, d.resolved_on, d.station_id, d.member_id)).all()
    return {(row.community_id, row.number): tuple(row[2:]) for row in rows}


def test_demands_are_keyed_by_community_and_number_and_a_repeat_counts_once(db_url):
    engine = get_engine(db_url)
    parents(engine)
    rows = [
        DEMAND_HEADERS,
        demand("SQ001", "已受理"),
        demand("SQ001", "已受理", community="华锦社区"),  # the same number in another community: another demand
        demand("SQ001", "办理中"),  # row 2's key again: counts once, as the first
        ["XY001", "微心愿", "2026年11月10日", "世彩社区", "已撤销", "", "", "", "", "", ""],  # 世彩社区 is ambiguous
    ]
    report = run(engine, {"诉求台账.csv": lf.csv_bytes(rows)})["诉求台账.csv"]
    assert (report.rows, report.accepted, report.new, report.repeated, report.rejected) == (4, 2, 2, 1, 1)
    assert [(r.row, r.same_as) for r in report.repeats] == [(4, 2)]
    assert [(r.row, r.column) for r in report.rejections] == [(5, "所在社区")]
    assert sorted(status for status, *_ in demands(engine).values()) == ["accepted", "accepted"]
    again = run(engine, {"诉求台账.csv": lf.csv_bytes(rows)})["诉求台账.csv"]  # the staging path this time
    assert (again.accepted, again.new, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert count(engine, demands_table) == 2


def test_a_demand_imported_again_moves_on_and_is_reported_as_updated(db_url):
    engine = get_engine(db_url)
    parents(engine)
    # SQ001 moves on 已受理 → 办理中 → 已办结; SQ002 stays as it was
    steps = [("已受理", "", 2, 0), ("办理中", "", 0, 1), ("已办结", "2026-11-09", 0, 1), ("已办结", "2026-11-09", 0, 0)]
    for status, resolved, new, updated in steps:
        rows = [DEMAND_HEADERS, demand("SQ001", status, resolved), demand("SQ002", "已受理")]
        report = run(engine, {"诉求台账.csv": lf.csv_bytes(rows)})["诉求台账.csv"]
        assert (report.new, report.updated, report.rejected) == (new, updated, 0), status
    assert count(engine, demands_table) == 2
    stored = sorted(demands(engine).values(), key=str)
    assert [(status, resolved) for status, resolved, *_ in stored] == [
        ("accepted", None),
        ("resolved", date(2026, 11, 9)),
    ]


def test_a_resolution_date_goes_with_the_resolved_status_and_not_before_the_demand(db_url):
    engine = get_engine(db_url)
    parents(engine)
    rows = [
        DEMAND_HEADERS,
        demand("SQ001", "已办结", "2026-11-06"),
        demand("SQ002", "已办结"),  # resolved without a date
        demand("SQ003", "办理中", "2026-11-06"),  # a date but not resolved
        demand("SQ004", "已撤销", "2026-11-06"),
        demand("SQ005", "已办结", "2026-11-01"),  # before it was raised
        demand("SQ006", "已办结", "2026-11-02"),  # the same day: fine
        demand("SQ007", "已办结", "2026-02-30"),  # no such day: that reason only
        demand("SQ008", "已结束", "2026-11-06"),  # not a status: that reason only
    ]
    report = run(engine, {"诉求台账.csv": lf.csv_bytes(rows)})["诉求台账.csv"]
    assert reasons(report) == [
        (3, "办结日期", f.RESOLVED_WITHOUT_DATE),
        (4, "办结日期", f.DATE_WITHOUT_RESOLVED),
        (5, "办结日期", f.DATE_WITHOUT_RESOLVED),
        (6, "办结日期", f.RESOLVED_BEFORE_RAISED),
        (8, "办结日期", f.BAD_DATE),
        (9, "状态", f.NOT_ALLOWED.format(choices="已受理、办理中、已办结、已撤销")),
    ]
    assert (report.accepted, report.rejected) == (2, 6)
    assert count(engine, demands_table) == 2


def test_an_unknown_station_or_phone_keeps_the_demand_with_a_warning(db_url):
    engine = get_engine(db_url)
    parents(engine)
    rows = [
        DEMAND_HEADERS,
        demand("SQ001", "已受理", station="环保社区党群服务中心", phone="13800000001"),
        demand("SQ002", "已受理", station="不存在的驿站"),
        demand("SQ003", "已受理", phone="13999999999"),
        demand("SQ004", "已受理", phone="123"),  # not a phone at all: refused, as everywhere
    ]
    report = run(engine, {"诉求台账.csv": lf.csv_bytes(rows)})["诉求台账.csv"]
    assert (report.accepted, report.new, report.rejected) == (3, 3, 1)
    assert [(w.row, w.column, w.reason) for w in report.warnings] == [
        (3, "站点名称", f.UNKNOWN_STATION_KEPT.format(value="不存在的驿站")),
        (4, "手机号", f.UNKNOWN_MEMBER_KEPT),
    ]
    assert reasons(report) == [(5, "手机号", f.BAD_PHONE)]
    links = {number: (station, member) for (_, number), (*_, station, member) in demands(engine).items()}
    assert links["SQ002"] == (None, None) and links["SQ003"] == (None, None)
    assert None not in links["SQ001"]


def test_members_repeat_is_rejected_and_a_known_member_is_updated_only_where_the_file_says(db_url):
    engine = get_engine(db_url)
    run(engine, {"区划.csv": lf.csv_bytes(lf.AREAS)})
    members = [
        ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "联系人", "状态", "性别"],
        ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "网格员甲", "", "男"],
        ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "网格员甲", "", "男"],
        ["李四", "13800000002", "流出", "华锦社区", "2026-01-05", "", "", "女"],
    ]
    first = run(engine, {"台账.csv": lf.csv_bytes(members)})["台账.csv"]
    assert (first.accepted, first.new, first.rejected) == (2, 2, 1)
    assert reasons(first) == [(3, "手机号", f.DUPLICATE_PHONE.format(first=2))]
    partial = [
        ["姓名", "手机号", "流动类型", "所在社区", "报到日期"],
        ["张三丰", "13800000001", "流入", "环保社区", "2026-01-05"],
        ["李四", "13800000002", "流出", "华锦社区", "2026-01-05"],
    ]
    again = run(engine, {"台账.csv": lf.csv_bytes(partial)})["台账.csv"]
    assert (again.accepted, again.new, again.updated, again.unchanged) == (2, 0, 1, 1)
    with engine.connect() as conn:
        row = conn.execute(select(members_table).where(members_table.c.phone == "13800000001")).one()
    assert (row.name, row.gender, row.liaison, row.status) == ("张三丰", "M", "网格员甲", "active")


def test_areas_repeated_in_a_file_count_once(db_url):
    engine = get_engine(db_url)
    areas = [*lf.AREAS, ["江汉区", "北湖街道", "环保社区", 114.27, 30.59]]
    report = run(engine, {"区划.csv": lf.csv_bytes(areas)})["区划.csv"]
    assert (report.rows, report.accepted, report.new, report.repeated) == (5, 4, 4, 1)
    moved = [lf.AREAS[0], ["江汉区", "北湖街道", "环保社区", 114.3, 30.6], lf.AREAS[2]]
    again = run(engine, {"区划.csv": lf.csv_bytes(moved)})["区划.csv"]
    assert (again.new, again.updated, again.unchanged) == (0, 1, 1)


def test_an_optional_list_keeps_the_row_as_other_and_a_required_one_rejects(db_url):
    engine = get_engine(db_url)
    parents(engine)
    contacts = [
        ["手机号", "联系日期", "联系方", "联系方式"],
        ["13800000001", "2026-11-10", "流入地党组织", "短信"],
        ["13800000001", "2026-11-11", "社区", "电话"],
    ]
    report = run(engine, {"联系记录.csv": lf.csv_bytes(contacts)})["联系记录.csv"]
    assert report.accepted == 1
    assert [(w.row, w.column) for w in report.warnings] == [(2, "联系方式")]
    assert "“短信”" in report.warnings[0].reason and "其他" in report.warnings[0].reason
    assert reasons(report) == [(3, "联系方", f.NOT_ALLOWED.format(choices="流出地党组织、流入地党组织、党员主动"))]
    with engine.connect() as conn:
        assert conn.execute(select(contacts_table.c.method)).scalars().all() == ["other"]


def test_reasons_tell_the_truth(db_url):
    engine = get_engine(db_url)
    run(engine, {"区划.csv": lf.csv_bytes(lf.AREAS)})
    members = [
        ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "出生日期"],
        ["甲", "123", "流入", "环保社区", "2026-01-05", ""],
        ["乙", "123", "流入", "环保社区", "2026-01-05", ""],  # a bad phone is no repeat of another bad phone
        ["丙", "", "流入", "环保社区", "2026-01-05", ""],
        ["丁", "12345678901", "流入", "环保社区", "2026-01-05", ""],
        ["戊", "13800000005", "流入", "环保社区", "2026-11-26", ""],  # after today
        ["己", "13800000006", "流入", "环保社区", "1999-12-31", "1899-12-31"],
        ["庚", "13800000007", "流入", "环保社区", "2026-01-05", "1950-01-01"],
    ]
    report = run(engine, {"台账.csv": lf.csv_bytes(members)})["台账.csv"]
    assert reasons(report) == [
        (2, "手机号", f.BAD_PHONE),
        (3, "手机号", f.BAD_PHONE),
        (4, "手机号", f.MISSING),
        (5, "手机号", f.BAD_PHONE_PREFIX),
        (6, "报到日期", f.DATE_IN_FUTURE.format(today="2026-11-25")),
        (7, "报到日期", f.DATE_TOO_EARLY.format(earliest="2000-01-01")),
        (7, "出生日期", f.DATE_TOO_EARLY.format(earliest="1900-01-01")),
    ]
    assert report.accepted == 1


def test_a_row_that_does_not_decode_says_so(db_url):
    engine = get_engine(db_url)
    run(engine, {"区划.csv": lf.csv_bytes(lf.AREAS)})
    good = "姓名,手机号,流动类型,所在社区,报到日期\n张三,13800000001,流入,环保社区,2026-01-05\n".encode()
    garbled = "李四,13800000002,流入,环保社区,2026-01-05\n".encode("gbk")  # a GBK line in a UTF-8 file
    report = run(engine, {"台账.csv": good + garbled})["台账.csv"]
    assert report.accepted == 1
    assert reasons(report) == [(3, column, f.BAD_ENCODING) for column in ("姓名", "流动类型", "所在社区")]


def test_the_rejected_rows_workbook_loads_again_once_fixed(db_url):
    engine = get_engine(db_url)
    run(engine, {"区划.csv": lf.csv_bytes(lf.AREAS)})
    members = [
        ["姓名", "手机号", "流动类型", "所在社区", "报到日期"],
        ["张三", "13800000001", "流入", "环保社区", "2026-01-05"],
        ["李四", "1380000000", "流出", "环保社区", "2026-01-05"],
        ["王五", "13800000003", "流入", "不存在社区", "2026-01-05"],
    ]
    first = run(engine, {"台账.csv": lf.csv_bytes(members)})["台账.csv"]
    download = to_xlsx_bytes({"被拒绝的行": first.rejected_rows})  # as the page offers it
    rejected = pd.read_excel(io.BytesIO(download), dtype=str, engine="openpyxl")
    assert list(rejected.columns[:2]) == [f.ROW_HEADER, "姓名"] and f.REASON_HEADER in rejected.columns
    rejected.loc[rejected["姓名"] == "李四", "手机号"] = "13800000002"  # the clerk fixes one row
    fixed = to_xlsx_bytes({"被拒绝的行": rejected})
    again = run(engine, {"台账_被拒绝的行.xlsx": fixed})["台账_被拒绝的行.xlsx"]
    assert (again.accepted, again.new, again.rejected) == (1, 1, 1)
    assert [r.reason for r in again.rejections] == [r.reason for r in first.rejections if r.row == 4]
    assert count(engine, members_table) == 2


def test_every_ledger_sheet_of_a_workbook_is_imported_and_others_are_said_to_be_skipped(db_url):
    engine = get_engine(db_url)
    titled = [["江汉区北湖街道流动党员台账（2026年11月）"], [], *lf.MEMBERS]  # a title and a blank row above
    content = lf.workbook_bytes({"说明": [["填写说明"], ["手机号须为11位"]], "区划": lf.AREAS, "台账": titled})
    reports = run(engine, {"北湖.xlsx": content})
    assert reports["北湖.xlsx › 说明"].skipped
    assert (reports["北湖.xlsx › 区划"].ledger, reports["北湖.xlsx › 区划"].accepted) == ("areas", 4)
    members = reports["北湖.xlsx › 台账"]
    assert (members.ledger, members.accepted, members.rejected) == ("members", 3, 0)
    assert count(engine, members_table) == 3


def test_headers_as_clerks_write_them():
    rows = [
        ["流动党员台账"],
        ["姓 名*", "手机号码", "流动类型（流入/流出）", "所在社区（村）", "报到时间"],
        ["张三", "13800000001", "流入", "环保社区", "2026-01-05"],
    ]
    rows[1][2] = "流动类型"
    opened = open_ledgers(lf.xlsx_bytes(rows), "x.xlsx").ledgers[0]
    assert opened.ledger.kind == "members"
    assert opened.renamed == {"手机号码": "手机号", "所在社区（村）": "所在社区", "报到时间": "报到日期"}
    chunk = next(opened.chunks)
    assert list(chunk.index) == [3] and chunk.loc[3, "手机号"] == "13800000001"


@pytest.mark.parametrize(
    ("header", "code", "detail"),
    [
        (["姓名", "手机号", "手机", "流动类型", "所在社区", "报到日期", "备注"], "duplicate_header", "手机号"),
        (["姓名", "手机号", "流动类型", "所在社区", "报到日期", "备注", None], "blank_header", "7"),
        (["姓名", "手机号", "流动类型", "所在社区", "报到日期", "=A1"], "formula_header", "=A1"),
    ],
)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_bad_header_is_a_clear_refusal(header, code, detail, kind):
    rows = [header, ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "多出来的", "数据"][: len(header)]]
    if kind == "csv":
        content = "\n".join(",".join(cell or "" for cell in row) for row in rows).encode()
    elif code == "formula_header":  # openpyxl writes it as a formula without a value: read as a blank header
        content, code, detail = lf.xlsx_bytes(rows), "blank_header", "6"
    else:
        content = lf.xlsx_bytes(rows)
    with pytest.raises(LedgerFileError) as refused:
        open_ledgers(content, f"x.{kind}")
    assert (refused.value.code, refused.value.detail) == (code, detail)


def test_an_empty_file_and_a_header_one_character_off():
    with pytest.raises(LedgerFileError) as empty:
        open_ledgers(b"", "x.csv")
    assert empty.value.code == "empty"
    with pytest.raises(LedgerFileError) as off:
        open_ledgers(
            "姓名,手机好,流动类型,所在社区,报到日期\n张三,13800000001,流入,环保社区,2026-01-05\n".encode(), "x.csv"
        )
    assert off.value.code == "unknown_kind" and "手机好 → 手机号" in off.value.detail


def test_an_area_name_with_a_slash_is_rejected(db_url):
    engine = get_engine(db_url)
    areas = [lf.AREAS[0], ["江汉区", "北湖/街道", "环保社区", "", ""], lf.AREAS[1]]
    report = run(engine, {"区划.csv": lf.csv_bytes(areas)})["区划.csv"]
    assert reasons(report) == [(2, "街道", f.SLASH_IN_NAME)]
    assert report.accepted == 1


def test_an_import_in_progress_never_blocks_the_pages(db_url, monkeypatch):
    """The member list (members and contacts) reads while a contacts import holds its transaction open."""
    import threading
    from contextlib import contextmanager

    import services.importing as services_importing
    from data_access.areas import AreaPath, Scope
    from data_access.members import fetch_member_list

    engine = get_engine(db_url)
    parents(engine)
    inside, release = threading.Event(), threading.Event()
    real_writer = services_importing.activity_writer

    @contextmanager
    def held_open(engine, kind, written):
        with real_writer(engine, kind, written) as write:

            def write_then_wait(frame):
                write(frame)
                inside.set()
                release.wait(60)

            yield write_then_wait

    monkeypatch.setattr(services_importing, "activity_writer", held_open)
    importing = threading.Thread(target=run, args=(engine, {"联系记录.csv": lf.csv_bytes(CONTACTS)}))
    importing.start()
    try:
        assert inside.wait(60)
        import time

        time.sleep(1)  # the rows are in the import's transaction
        read = {}

        def page_read():
            with engine.connect() as conn:
                scope = Scope("street", AreaPath(("江汉区", "北湖街道")))
                read["members"] = fetch_member_list(conn, scope=scope, area=scope.area, end=TODAY)

        reader = threading.Thread(target=page_read)
        reader.start()
        reader.join(10)
        blocked = reader.is_alive()
    finally:
        release.set()
        importing.join(60)
    assert not blocked, "a page read waited for the import's locks"
    assert len(read["members"]) == 2  # 张三 and 李四 of 北湖街道, without the contacts not yet committed
    assert count(engine, contacts_table) == 3
