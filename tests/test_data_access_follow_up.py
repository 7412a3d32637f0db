"""Follow-up lists on both engines, on the tiny city where every answer is worked out by hand: what is kept of an
export, who may keep and read lists, and the closure of 7 and 14 days."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import inspect, text

import tiny_city
from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import dispose_engine, get_engine
from data_access.follow_up import fetch_follow_up_lists, fetch_follow_up_members
from data_access.loading import replace_all_data
from data_access.schema import SCHEMA_VERSION
from metrics import follow_up as fu
from metrics.periods import Week
from services.accounts import Account
from services.follow_up import follow_up_closure, record_follow_up_list

STREET = AreaPath(("江汉区", "北湖街道"))
HUANBAO = STREET.child("环保社区")
SHICAI = STREET.child("世彩社区")
STREET_ACCOUNT = Account("街道书记", "street", STREET)
W45, W46 = Week.parse("2026-W45"), Week.parse("2026-W46")


@pytest.fixture
def engine(db_url: str):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    return engine


def keep(engine, account, ids, at, *, area=STREET, kind="overdue", purpose=None):
    return record_follow_up_list(engine, account, area=area, week=W45, kind=kind, member_ids=ids, now=at,
                                 purpose=purpose)  # fmt: skip


def two_lists(engine) -> None:
    """List A (11-10): members 1, 2, 3 (甲, 环保, never contacted since), 6 (乙, returned), 8 (丙, 世彩, contacted
    11-15) and 9 (丙, 世彩, last contact 11-01, before the export). List B (11-03): member 8 alone."""
    keep(engine, STREET_ACCOUNT, [1, 2, 3, 6, 8, 9], datetime(2026, 11, 10, 9, 30))
    keep(engine, STREET_ACCOUNT, [8], datetime(2026, 11, 3, 18, 0), kind="lost_contact")


def test_an_export_keeps_member_ids_area_week_account_and_time(engine):
    community = Account("社区书记", "community", HUANBAO)
    list_id = keep(engine, community, [1, 8, 8, 4], datetime(2026, 11, 10, 9, 30), area=HUANBAO, purpose="phone_call")
    with engine.connect() as conn:
        lists = fetch_follow_up_lists(conn)
        rows = fetch_follow_up_members(conn, scope=community.scope, area=HUANBAO, start=date(2026, 11, 1),
                                       end=date(2026, 11, 30))  # fmt: skip
    kept = lists.iloc[0]
    assert kept["id"] == list_id
    assert (kept["area"], kept["kind"], kept["account"], kept["purpose"]) == (str(HUANBAO), "overdue", "社区书记",
                                                                               "phone_call")  # fmt: skip
    assert str(kept["week_start"])[:10] == "2026-11-02" and str(kept["exported_on"])[:10] == "2026-11-10"
    assert kept["members"] == 2  # 8 lives in 世彩社区, outside the community's list; a repeat counts once
    assert rows["member_id"].tolist() == [1, 4]
    assert {"name", "phone", "liaison"} <= set(rows.columns)


def test_the_masked_lists_everyone_else_and_all_are_not_kept(engine):
    assert keep(engine, STREET_ACCOUNT, [1], datetime(2026, 11, 10, 9), kind="all") is None
    for role, area in (("city", AreaPath()), ("district", AreaPath(("江汉区",)))):
        with pytest.raises(OutOfScopeError):
            keep(engine, Account("x", role, area), [1], datetime(2026, 11, 10, 9), area=area)
    with pytest.raises(OutOfScopeError):  # a community account keeps no list of its street
        keep(engine, Account("x", "community", HUANBAO), [1], datetime(2026, 11, 10, 9))
    with engine.connect() as conn:
        assert fetch_follow_up_lists(conn).empty


def test_closure_of_last_week_and_of_the_fortnight(engine):
    two_lists(engine)
    week = follow_up_closure(engine, scope=STREET_ACCOUNT.scope, area=STREET, as_of=date(2026, 11, 16))
    # list A only: 8 contacted, 6 departed, 1, 2, 3, 9 pending
    assert week == fu.Closure(members=6, contacted=1, departed=1, pending=4, lists=1, closed_lists=0)
    assert week.share == pytest.approx(0.2)
    fortnight = follow_up_closure(engine, scope=STREET_ACCOUNT.scope, area=STREET, as_of=date(2026, 11, 16),
                                  window_days=14)  # fmt: skip
    assert fortnight == fu.Closure(members=6, contacted=1, departed=1, pending=4, lists=2, closed_lists=1)  # B closed
    before = follow_up_closure(engine, scope=STREET_ACCOUNT.scope, area=STREET, as_of=date(2026, 11, 14))
    assert (before.contacted, before.pending) == (0, 5)  # 8's contact on 11-15 is not known on 11-14
    assert follow_up_closure(engine, scope=STREET_ACCOUNT.scope, area=STREET, as_of=date(2026, 11, 2)).share is None


def test_closure_of_a_community_and_for_a_district_without_personal_data(engine):
    two_lists(engine)
    shicai = follow_up_closure(engine, scope=STREET_ACCOUNT.scope, area=SHICAI, as_of=date(2026, 11, 16))
    assert (shicai.members, shicai.contacted, shicai.pending, shicai.share) == (2, 1, 1, 0.5)
    district = Scope("district", AreaPath(("江汉区",)))
    assert follow_up_closure(engine, scope=district, area=STREET, as_of=date(2026, 11, 16)).share == pytest.approx(0.2)
    with engine.connect() as conn:
        rows = fetch_follow_up_members(
            conn, scope=district, area=STREET, start=date(2026, 11, 1), end=date(2026, 11, 30)
        )
        assert not {"name", "phone", "liaison"} & set(rows.columns)
        with pytest.raises(OutOfScopeError):
            fetch_follow_up_members(conn, scope=Scope("clerk"), area=STREET, start=date(2026, 11, 1),
                                    end=date(2026, 11, 30))  # fmt: skip
        with pytest.raises(OutOfScopeError):
            fetch_follow_up_members(conn, scope=Scope("community", HUANBAO), area=STREET, start=date(2026, 11, 1),
                                    end=date(2026, 11, 30))  # fmt: skip


def test_by_community_and_by_liaison_pending_first(engine):
    two_lists(engine)
    with engine.connect() as conn:
        rows = fetch_follow_up_members(conn, scope=STREET_ACCOUNT.scope, area=STREET, start=date(2026, 11, 10),
                                       end=date(2026, 11, 16))  # fmt: skip
    members = fu.compute_follow_up_members(rows, as_of=date(2026, 11, 16), window_days=7)
    assert members["member_id"].tolist() == [1, 2, 3, 9, 6, 8]  # pending, departed, contacted
    assert members.set_index("member_id").loc[8, fu.CONTACTED_ON] == date(2026, 11, 15)
    by_community = fu.compute_closure_by(members, "community").set_index("community")
    assert by_community.index.tolist() == ["环保社区", "世彩社区"]
    assert by_community.loc["环保社区", ["members", "contacted", "departed", "pending"]].tolist() == [4, 0, 1, 3]
    assert by_community.loc["环保社区", "share"] == 0 and by_community.loc["世彩社区", "share"] == 0.5
    by_liaison = fu.compute_closure_by(members, "liaison").set_index("liaison")
    assert by_liaison.index.tolist() == ["网格员甲", "楼栋长丙", "网格员乙"]
    assert by_liaison.loc["网格员乙", "share"] is None  # the only member has left 在册: nobody to contact


def test_a_data_replacement_takes_the_lists_with_it(engine):
    two_lists(engine)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.connect() as conn:
        assert fetch_follow_up_lists(conn).empty


def test_a_version_8_database_gets_the_follow_up_tables(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE follow_up_members"))
        conn.execute(text("DROP TABLE follow_up_lists"))
        conn.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert {"follow_up_lists", "follow_up_members"} <= set(inspect(conn).get_table_names())
        version = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        assert version == str(SCHEMA_VERSION)
        assert conn.execute(text("SELECT count(*) FROM members")).scalar() == 9  # data kept
    two_lists(upgraded)
