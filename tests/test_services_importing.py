"""Replacing the sample city on both engines: never without an account, never without areas."""

from __future__ import annotations

from datetime import date, datetime

import ledger_files as lf
import pytest
from sqlalchemy import func, select

from data_access.accounts import fetch_accounts
from data_access.areas import AreaPath
from data_access.engine import get_engine
from data_access.lookups import fetch_meta
from data_access.schema import areas_table, members_table
from metrics.thresholds import Thresholds
from services import accounts
from services.accounts import AccountError, prepare_account
from services.importing import ImportRefusedError, import_files
from services.sample import build_sample

THRESHOLDS = Thresholds()
NOW = datetime(2026, 11, 23, 9, 0)
POLICY = {"max_failures": 3, "lock_minutes": 15}


def sources(*names: str) -> list[tuple[str, bytes]]:
    return [(name, lf.csv_bytes(lf.ALL[name])) for name in names]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def account_names(engine) -> dict[str, bool]:
    with engine.connect() as conn:
        return {row["name"]: row["demo"] for row in fetch_accounts(conn)}


@pytest.fixture
def sample_engine(db_url):
    engine = get_engine(db_url)
    build_sample(engine, seed=1, until=date(2026, 11, 22), size="demo", thresholds=THRESHOLDS)
    return engine


def admin(engine, name: str = "王管理员"):
    return prepare_account(engine, name=name, role="city", area=AreaPath(), password="first-admin-pw", now=NOW,
                           replaces_demo=True)  # fmt: skip


def test_replacing_the_sample_creates_the_first_administrator_as_the_demo_accounts_go(sample_engine):
    reports = import_files(sample_engine, sources("区划.csv", "台账.csv"), thresholds=THRESHOLDS,
                           replace_sample=True, admin=admin(sample_engine))  # fmt: skip
    assert all(r.rejected == 0 for r in reports), [r.rejections for r in reports]
    assert account_names(sample_engine) == {"王管理员": False}
    signed_in = accounts.sign_in(sample_engine, "王管理员", "first-admin-pw", now=NOW, **POLICY)
    assert signed_in.role == "city" and signed_in.area == AreaPath()
    assert count(sample_engine, members_table) == 3


def test_replacing_the_sample_without_an_administrator_changes_nothing(sample_engine):
    before = account_names(sample_engine)
    with pytest.raises(ImportRefusedError) as refused:
        import_files(sample_engine, sources("区划.csv", "台账.csv"), thresholds=THRESHOLDS, replace_sample=True)
    assert refused.value.code == "admin_needed"
    assert account_names(sample_engine) == before and len(before) == 5
    with sample_engine.connect() as conn:
        assert fetch_meta(conn)["data_kind"] == "synthetic"


def test_replacing_the_sample_with_a_batch_without_areas_is_refused_before_anything_is_deleted(sample_engine):
    areas, members = count(sample_engine, areas_table), count(sample_engine, members_table)
    unreadable = ("坏文件.csv", b"\xff\xfe\x00garbage")
    with pytest.raises(ImportRefusedError) as refused:
        import_files(sample_engine, [*sources("台账.csv", "联系记录.csv"), unreadable], thresholds=THRESHOLDS,
                     replace_sample=True, admin=admin(sample_engine))  # fmt: skip
    assert refused.value.code == "areas_needed"
    assert [r.file for r in refused.value.files] == ["坏文件.csv"]  # still told why that file was skipped
    assert count(sample_engine, areas_table) == areas and count(sample_engine, members_table) == members
    assert "王管理员" not in account_names(sample_engine) and len(account_names(sample_engine)) == 5


def test_an_empty_database_refuses_a_batch_without_areas_and_takes_one_with_them(db_url):
    engine = get_engine(db_url)
    with pytest.raises(ImportRefusedError) as refused:
        import_files(engine, sources("台账.csv"), thresholds=THRESHOLDS)
    assert refused.value.code == "areas_needed"
    assert count(engine, members_table) == 0
    import_files(engine, sources("区划.csv", "台账.csv"), thresholds=THRESHOLDS)
    import_files(engine, sources("联系记录.csv"), thresholds=THRESHOLDS)  # areas held now: no 区划 needed
    assert count(engine, members_table) == 3


def test_the_administrator_may_take_a_demo_name_but_not_a_real_accounts(sample_engine):
    accounts.create_account(sample_engine, name="李四", role="clerk", area=AreaPath(), password="password1", now=NOW)
    with pytest.raises(AccountError) as refused:
        admin(sample_engine, "李四")
    assert refused.value.code == "exists"
    import_files(sample_engine, sources("区划.csv"), thresholds=THRESHOLDS, replace_sample=True,
                 admin=admin(sample_engine, "demo-city"))  # fmt: skip
    assert account_names(sample_engine) == {"demo-city": False, "李四": False}
