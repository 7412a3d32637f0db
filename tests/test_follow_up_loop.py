"""The grid worker's loop, on both engines: a street account exports the overdue list with full phone numbers for a
purpose (audited with it, kept as a follow-up list), two rows are filled in, the clerk imports the same file back
through services.importing.import_files, and the closure rises by exactly those two; the rows nobody filled are
rejected with the one reason that says so, apart from mistakes. A city or district account is refused."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook

import tiny_city
from data_access.accounts import fetch_audit
from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import get_engine
from data_access.follow_up import fetch_follow_up_lists
from data_access.loading import replace_all_data
from ledgers import formats
from metrics.member_lists import compute_member_list
from metrics.periods import Week
from metrics.privacy import mask_member_frame
from metrics.thresholds import Thresholds
from services.accounts import Account
from services.follow_up import follow_up_closure
from services.importing import import_files
from services.refresh import refresh_from_tables
from ui import labels
from ui.widgets import View

STREET = AreaPath(("江汉区", "北湖街道"))
W47 = Week.parse("2026-W47")  # ends 2026-11-22; the clock is frozen on 2026-11-25 (tests/clock.py)
TODAY = date(2026, 11, 25)
LOADED_AT = datetime.combine(TODAY, time(9))  # the files are loaded that morning
ACCOUNT = Account("街道书记", "street", STREET)
HEADERS = ("手机号", "联系日期", "联系方", "联系方式", "联系人", "姓名", "所在社区", "专属联系人", "未联系天数")

pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture
def engine(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = get_engine(db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return engine


def view_for(account: Account) -> View:
    return View(week=W47, area=STREET, data_version="1", synthetic=False, scope=account.scope)


def closure(engine):
    return follow_up_closure(engine, scope=ACCOUNT.scope, area=STREET, as_of=TODAY)


def test_export_fill_two_rows_import_and_the_closure_rises_by_two(engine):
    from ui.follow_up import audited_full_workbook

    data = audited_full_workbook(view_for(ACCOUNT), "overdue", "phone_call", ACCOUNT)
    sheet = load_workbook(io.BytesIO(data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = values.index(list(HEADERS))
    assert header_at < 10  # the import looks for the header among the first ten rows
    assert values[header_at - 1] == [None] * len(HEADERS)  # a blank row under the heading lines
    rows = values[header_at + 1 :]
    # overdue at 11-22: 4 (registered 08-07, never contacted), then 3, 2, 1 (last contacts 10-15, 10-16, 10-17)
    assert [row[0] for row in rows] == ["13800000004", "13800000003", "13800000002", "13800000001"]  # full phones
    assert rows[1] == ["13800000003", None, None, "电话", "网格员甲", "测试3", "环保社区", "网格员甲", 38]
    assert labels.FOLLOW_UP_PURPOSES["phone_call"] in values[3][0] and "2026-11-25" in values[3][0]

    with engine.connect() as conn:
        audit = fetch_audit(conn).iloc[0]
        kept = fetch_follow_up_lists(conn).iloc[0]
    assert audit[["account", "action", "area", "rows", "detail"]].tolist() == [
        "街道书记", "export_full", str(STREET), 4, "overdue:phone_call"
    ]  # fmt: skip
    assert kept[["area", "kind", "account", "purpose", "members"]].tolist() == [
        str(STREET), "overdue", "街道书记", "phone_call", 4
    ]  # fmt: skip
    before = closure(engine)
    assert (before.members, before.contacted, before.pending, before.share) == (4, 0, 4, 0.0)

    for number, day, side in ((header_at + 2, "2026-11-25", "流入地党组织"), (header_at + 4, "2026/11/25", "党员主动")):
        sheet.cell(row=number, column=2, value=day)  # what a grid worker types
        sheet.cell(row=number, column=3, value=side)
    filled = io.BytesIO()
    sheet.parent.save(filled)
    reports = import_files(engine, [("北湖街道_超期未联系_网格员填写.xlsx", filled.getvalue())],
                           thresholds=Thresholds(), at=LOADED_AT)  # fmt: skip
    (report,) = reports
    assert report.error is None and report.ledger == "contacts"
    assert (report.rows, report.accepted, report.new, report.rejected, report.unfilled) == (4, 2, 2, 2, 2)
    assert {r.reason for r in report.rejections} == {formats.UNFILLED}  # one reason per unfilled row, no 必填项为空
    assert [r.row for r in report.rejections] == [header_at + 3, header_at + 5]  # rows as Excel numbers them
    assert report.as_json()["unfilled"] == 2
    assert report.ignored == ["姓名", "所在社区", "专属联系人", "未联系天数"]  # tolerated, and said to be
    assert report.as_json()["columns_ignored"] == report.ignored

    after = closure(engine)
    assert (after.members, after.contacted, after.pending) == (4, 2, 2)
    assert after.contacted - before.contacted == 2 and after.share == 0.5

    again = import_files(engine, [("again.xlsx", filled.getvalue())], thresholds=Thresholds(), at=LOADED_AT)
    assert (again[0].accepted, again[0].new, again[0].unfilled) == (2, 0, 2)  # the same file twice changes nothing
    assert closure(engine) == after


def test_a_filled_row_with_a_mistake_is_a_mistake_not_unfilled(engine):
    from ui.follow_up import audited_full_workbook

    sheet = load_workbook(io.BytesIO(audited_full_workbook(view_for(ACCOUNT), "overdue", "home_visit", ACCOUNT))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    first = values.index(list(HEADERS)) + 2
    assert values[first - 1][3] == "上门走访"  # 入户走访 prefills the method
    sheet.cell(row=first, column=2, value="2026-11-24")  # 联系方 left blank: a real omission
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    (report,) = import_files(engine, [("x.xlsx", buffer.getvalue())], thresholds=Thresholds(), at=LOADED_AT)
    assert (report.rejected, report.unfilled) == (4, 3)
    assert [(r.row, r.column, r.reason) for r in report.rejections if r.reason != formats.UNFILLED] == [
        (first, "联系方", formats.MISSING)
    ]


@pytest.mark.parametrize("role, area", [("city", AreaPath()), ("district", AreaPath(("江汉区",)))])
def test_a_city_or_district_account_is_refused_the_full_list(engine, role, area):
    from ui.follow_up import audited_full_workbook

    account = Account(f"x-{role}", role, area)
    with pytest.raises(OutOfScopeError):
        audited_full_workbook(view_for(account), "overdue", "phone_call", account)
    with engine.connect() as conn:
        assert fetch_audit(conn).empty and fetch_follow_up_lists(conn).empty  # nothing read, nothing recorded


def test_the_masked_export_keeps_overdue_and_lost_contact_lists_but_not_everyone(engine):
    from data_access.members import fetch_member_list
    from ui.areas import _audited_workbook

    with engine.connect() as conn:
        fetched = fetch_member_list(conn, scope=ACCOUNT.scope, area=STREET, end=W47.end)
    members = compute_member_list(mask_member_frame(fetched), end=W47.end, overdue_days=30, lost_contact_days=90)
    overdue = members[members["overdue"]]
    _audited_workbook(view_for(ACCOUNT), "overdue", overdue, ACCOUNT)
    _audited_workbook(view_for(ACCOUNT), "all", members, ACCOUNT)
    with engine.connect() as conn:
        kept = fetch_follow_up_lists(conn)
        assert fetch_audit(conn)["action"].tolist() == ["export", "export"]
    assert kept[["kind", "members"]].values.tolist() == [["overdue", 4]] and kept["purpose"].isna().all()
    assert closure(engine).members == 4
    assert follow_up_closure(engine, scope=Scope("community", STREET.child("世彩社区")), area=STREET.child("世彩社区"),
                             as_of=TODAY).lists == 0  # fmt: skip
