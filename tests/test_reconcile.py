"""Reconciling with an outside list (外部名单) on both engines: matching by phone, the list never touching members,
resolutions audited and held to the scope, 核实日期 set, supersession, and the registration funnel's count."""

from __future__ import annotations

from datetime import date, datetime

import ledger_files as lf
import pandas as pd
import pytest
from sqlalchemy import select

import tiny_city
from data_access.accounts import fetch_audit
from data_access.areas import CITY_SCOPE, AreaPath, OutOfScopeError, Scope
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.reconcile import count_found_registered, fetch_external_lists
from data_access.schema import members_table
from metrics import funnel as fn
from metrics import reconcile as rc
from metrics.funnel import Month
from metrics.thresholds import Thresholds
from services.accounts import Account
from services.funnel import registration_funnel
from services.importing import import_files
from services.reconcile import fetch_queue, registration_rows, resolve
from services.refresh import refresh_from_tables

THRESHOLDS = Thresholds()
STREET = AreaPath.parse("江汉区/北湖街道")
HUANBAO = AreaPath.parse("江汉区/北湖街道/环保社区")
SHICAI = AreaPath.parse("江汉区/北湖街道/世彩社区")
RESOLVED_AT = datetime(2026, 11, 24, 15, 30)  # local time; its day is the 核实日期
HEADER = ["姓名", "手机号", "所在社区", "来源"]
# The tiny city: members 1-7 live in 环保社区 (6 has returned), 8 and 9 in 世彩社区; phones 1380000000{id}.
POLICE = [
    HEADER,
    ["测试1", "13800000001", "环保社区", "公安流动人口"],  # agreed
    ["别人", "13800000002", "环保社区", "公安流动人口"],  # differs: the name
    ["测试3", "13800000003", "世彩社区", "公安流动人口"],  # differs: the community
    ["新人", "13900000001", "环保社区", "公安流动人口"],  # only theirs
    ["新人又一次", "13900000001", "环保社区", "公安流动人口"],  # a repeated phone: rejected
    ["无处", "13900000002", "", "公安流动人口"],  # no community and no member of ours: rejected
    ["测试8", "13800000008", "", "公安流动人口"],  # agreed; covers 世彩社区 through our member
]


def street_account(area: AreaPath = STREET, role: str = "street") -> Account:
    return Account(f"{role}-{area}", role, area)


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=THRESHOLDS, until=date(2026, 11, 22))
    return engine


def load(engine, rows, name="公安名单.csv"):
    return import_files(engine, [(name, lf.csv_bytes(rows))], thresholds=THRESHOLDS, at=datetime(2026, 11, 25, 9),
                        account="录入员")  # fmt: skip


def members(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(members_table).order_by(members_table.c.id))]


def by_phone(engine, area=STREET) -> dict[str, pd.Series]:
    queue = fetch_queue(engine, scope=Scope("street", STREET), area=area)
    queue = queue.astype(object).where(queue.notna(), None)
    return {row.phone: row for row in queue.itertuples()}


def test_matching_by_phone_gives_the_four_states_and_a_repeat_is_rejected(engine):
    before = members(engine)
    (report,) = load(engine, POLICE)
    assert (report.ledger, report.rows, report.accepted, report.rejected, report.new) == ("external_items", 7, 5, 2, 5)
    reasons = {r.row: r.reason for r in report.rejections}
    assert "第 5 行已出现" in reasons[6] and "无法分到社区" in reasons[7]  # rows as Excel numbers them
    assert members(engine) == before  # loading a list never changes members
    items = by_phone(engine)
    assert {phone: (row.state, row.difference) for phone, row in items.items()} == {
        "13800000001": ("agreed", None),
        "13800000002": ("differs", "name"),
        "13800000003": ("differs", "community"),  # in our member's queue (环保社区), where the record is
        "13900000001": ("theirs_only", None),
        "13800000008": ("agreed", None),
        # only ours: the active members of the covered communities (6 has returned and is not counted)
        "13800000004": ("ours_only", None),
        "13800000005": ("ours_only", None),
        "13800000007": ("ours_only", None),
        "13800000009": ("ours_only", None),
    }
    assert items["13800000003"].community == "环保社区"
    assert items["13800000002"].name == "别人" and items["13800000002"].member_name == "测试2"
    with engine.connect() as conn:
        lists = fetch_external_lists(conn)
    assert lists[["source", "rows", "communities", "account"]].values.tolist() == [["公安流动人口", 5, 2, "录入员"]]


def test_a_member_who_is_no_longer_active_differs_by_status(engine):
    load(engine, [HEADER, ["测试6", "13800000006", "环保社区", "民政"]])
    assert by_phone(engine)["13800000006"].difference == "status"


def test_a_community_account_sees_and_resolves_only_its_own_community(engine):
    load(engine, POLICE)
    items = by_phone(engine)
    shicai = street_account(SHICAI, "community")
    assert set(fetch_queue(engine, scope=shicai.scope, area=SHICAI).phone) == {"13800000008", "13800000009"}
    with pytest.raises(OutOfScopeError):
        fetch_queue(engine, scope=shicai.scope, area=HUANBAO)
    with pytest.raises(OutOfScopeError):  # an item of 环保社区
        resolve(engine, shicai, item_id=int(items["13800000002"].item_id), resolution="confirmed", note="",
                now=RESOLVED_AT)  # fmt: skip
    with pytest.raises(OutOfScopeError):  # a district account works no queue
        resolve(engine, street_account(AreaPath.parse("江汉区"), "district"), item_id=int(items["13800000002"].item_id),
                resolution="confirmed", note="", now=RESOLVED_AT)  # fmt: skip
    assert by_phone(engine)["13800000002"].resolution is None
    with engine.connect() as conn:
        assert fetch_audit(conn).empty


def test_a_resolution_is_audited_and_confirming_sets_the_members_verified_on(engine):
    load(engine, POLICE)
    items = by_phone(engine)
    account = street_account(HUANBAO, "community")
    resolve(engine, account, item_id=int(items["13800000002"].item_id), resolution="confirmed", note="台账姓名正确",
            now=RESOLVED_AT)  # fmt: skip
    resolve(engine, account, item_id=int(items["13800000004"].item_id), resolution="pending", note="电话未接通",
            now=RESOLVED_AT)  # fmt: skip
    after = by_phone(engine)
    assert (after["13800000002"].resolution, after["13800000002"].note) == ("confirmed", "台账姓名正确")
    assert after["13800000002"].resolved_by == account.name
    with engine.connect() as conn:
        verified = dict(conn.execute(select(members_table.c.id, members_table.c.verified_on)).all())
    assert verified[2] == date(2026, 11, 24)  # the resolution's local day
    assert verified[4] is None  # 待查 verifies nothing
    with engine.connect() as conn:
        audit = fetch_audit(conn)
    assert audit[["action", "area", "rows"]].values.tolist() == [["reconcile_resolve", str(HUANBAO), 1]] * 2
    assert f"item {int(items['13800000002'].item_id)}:confirmed" in set(audit["detail"])
    with pytest.raises(ValueError):  # an agreed item is not in the queue
        resolve(engine, account, item_id=int(items["13800000001"].item_id), resolution="confirmed", note="",
                now=RESOLVED_AT)  # fmt: skip


def test_the_same_list_again_changes_nothing_and_a_new_one_supersedes_open_items_only(engine):
    load(engine, POLICE)
    first = by_phone(engine)
    account = street_account()
    resolve(engine, account, item_id=int(first["13800000005"].item_id), resolution="not_mobile", note="",
            now=RESOLVED_AT)  # fmt: skip
    (again,) = load(engine, POLICE)
    assert (again.new, again.updated) == (0, 0)
    assert {p: r.item_id for p, r in by_phone(engine).items()} == {p: r.item_id for p, r in first.items()}
    # A later list of the same source for 环保社区 now has 测试2 right and 测试4 and 测试5 in it
    later = [HEADER] + [[f"测试{i}", f"1380000000{i}", "环保社区", "公安流动人口"] for i in (1, 2, 3, 4, 5, 7)]
    (report,) = load(engine, later, "公安名单12月.csv")
    after = by_phone(engine)
    assert after["13800000002"].state == "agreed"  # the name mismatch was open: superseded
    queue = fetch_queue(engine, scope=Scope("street", STREET), area=STREET)
    five = queue[queue["phone"] == "13800000005"].set_index("state")
    assert five.loc["ours_only", "resolution"] == "not_mobile"  # resolved: kept beside what the new list found
    assert five.loc["ours_only", "item_id"] == first["13800000005"].item_id and "agreed" in five.index
    assert "13800000004" not in after or after["13800000004"].state == "agreed"
    assert "13900000001" not in after  # 新人's open item went with the list that had them
    assert after["13800000009"].item_id == first["13800000009"].item_id  # 世彩社区 is not covered by the new list
    # 测试1 as before; 测试2 and 测试3 now agree (they differed); 测试4, 5, 7 are in the list now (were only ours)
    assert (report.accepted, report.new, report.updated) == (6, 0, 5)
    # Another source keeps its own items
    load(engine, [HEADER, ["新人", "13900000001", "环保社区", "网格排查"]], "网格.csv")
    assert by_phone(engine)["13900000001"].source == "网格排查"


def test_found_and_registered_for_the_funnel(engine):
    load(engine, POLICE)
    items = by_phone(engine)
    account = street_account()
    resolve(engine, account, item_id=int(items["13900000001"].item_id), resolution="confirmed", note="入户核实",
            now=RESOLVED_AT)  # fmt: skip
    with engine.connect() as conn:
        assert count_found_registered(conn, STREET, date(2026, 11, 23), date(2026, 11, 29)) == (1, 0)
        assert count_found_registered(conn, STREET, date(2026, 11, 25), date(2026, 11, 29)) == (0, 0)
        assert count_found_registered(conn, AreaPath.parse("武昌区"), date(2026, 11, 23), date(2026, 11, 29)) == (0, 0)
    rows = registration_rows(engine, account, area=STREET, now=RESOLVED_AT)
    assert rows[["name", "phone", "community_id"]].values.tolist() == [["新人", "13900000001", str(HUANBAO)]]
    with engine.connect() as conn:
        assert fetch_audit(conn).iloc[0][["action", "rows"]].tolist() == ["export_registration", 1]
    header = ["姓名", "手机号", "流动类型", "所在社区", "报到日期"]
    registered = [header, ["新人", "13900000001", "流入", "环保社区", "2026-11-24"]]
    (report,) = import_files(engine, [("登记.csv", lf.csv_bytes(registered))], thresholds=THRESHOLDS,
                             at=datetime(2026, 11, 25, 9))  # fmt: skip
    assert report.new == 1, report.rejections
    with engine.connect() as conn:
        assert count_found_registered(conn, STREET, date(2026, 11, 23), date(2026, 11, 29)) == (1, 1)
    assert registration_rows(engine, account, area=STREET, now=RESOLVED_AT).empty
    with pytest.raises(OutOfScopeError):
        registration_rows(engine, street_account(AreaPath.parse("江汉区"), "district"), area=STREET, now=RESOLVED_AT)


def test_the_registration_funnel_starts_with_those_an_outside_list_found(engine):
    month, as_of = Month.parse("2026-11"), date(2026, 11, 29)
    funnel = registration_funnel(engine, scope=CITY_SCOPE, area=STREET, month=month, as_of=as_of, thresholds=THRESHOLDS)
    assert fn.FOUND not in set(funnel[fn.STEP])  # nobody found yet: no outside steps
    load(engine, POLICE)
    resolve(engine, street_account(), item_id=int(by_phone(engine)["13900000001"].item_id), resolution="confirmed",
            note="", now=RESOLVED_AT)  # fmt: skip
    header = ["姓名", "手机号", "流动类型", "所在社区", "报到日期"]
    registered = [header, ["新人", "13900000001", "流入", "环保社区", "2026-11-24"]]
    import_files(engine, [("登记.csv", lf.csv_bytes(registered))], thresholds=THRESHOLDS, at=datetime(2026, 11, 25, 9))
    funnel = registration_funnel(engine, scope=CITY_SCOPE, area=STREET, month=month, as_of=as_of, thresholds=THRESHOLDS)
    steps = dict(zip(funnel[fn.STEP], funnel[fn.COUNT], strict=True))
    assert list(steps)[:3] == [fn.FOUND, fn.FOUND_REGISTERED, fn.REGISTERED]
    assert (steps[fn.FOUND], steps[fn.FOUND_REGISTERED]) == (1, 1) and steps[fn.REGISTERED] >= 1


def test_compute_reconcile_summary_counts_states_and_the_oldest_open_item():
    items = pd.DataFrame(
        {
            "community": ["甲", "甲", "甲", "乙"],
            rc.STATE: ["agreed", "differs", "ours_only", "theirs_only"],
            rc.RESOLUTION: [None, None, "pending", "confirmed"],
            rc.CREATED_ON: [date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 3), date(2026, 11, 2)],
        }
    )
    summary = rc.compute_reconcile_summary(items, by="community", as_of=date(2026, 11, 25)).set_index("community")
    assert summary.loc["甲", [*rc.STATES, rc.OPEN, rc.OLDEST_OPEN_DAYS]].tolist() == [1, 1, 1, 0, 2, 22]
    assert summary.loc["乙", rc.OPEN] == 0 and summary.loc["乙", rc.OLDEST_OPEN_DAYS] is None
    assert rc.compute_reconcile_summary(items.iloc[:0], by="community", as_of=date(2026, 11, 25)).empty


def test_a_version_9_database_gets_the_outside_list_tables(db_url):
    from sqlalchemy import inspect, text

    from data_access.engine import dispose_engine
    from data_access.schema import SCHEMA_VERSION

    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE external_items"))
        conn.execute(text("DROP TABLE external_lists"))
        conn.execute(text("UPDATE meta SET value = '9' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert {"external_lists", "external_items"} <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == str(SCHEMA_VERSION)
    load(upgraded, POLICE)
    assert len(by_phone(upgraded)) == 9


def test_a_data_replacement_takes_the_outside_lists_with_it(engine):
    load(engine, POLICE)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.connect() as conn:
        assert fetch_external_lists(conn).empty
    assert fetch_queue(engine, scope=Scope("street", STREET), area=STREET).empty


def test_cli_import_loads_an_outside_list_with_its_summary_line(engine, tmp_path, capsys):
    import cli

    path = tmp_path / "公安名单.csv"
    path.write_bytes(lf.csv_bytes(POLICE))
    before = members(engine)
    assert cli.main(["import", str(path), "--db", str(engine.url)]) == 0
    out = capsys.readouterr().out
    assert "外部名单" in out and "读取 7 行" in out and "拒绝 2 行" in out
    assert members(engine) == before
    assert len(by_phone(engine)) == 9
