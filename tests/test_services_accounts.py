"""Accounts on both engines: argon2 hashes, sign-in with lockout, demo accounts only with the sample, audit rows."""

from __future__ import annotations

import functools
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import cli
import tiny_city
from data_access.accounts import fetch_account, fetch_audit
from data_access.areas import CITY_SCOPE, AreaPath, OutOfScopeError, Scope
from data_access.engine import dispose_engine, get_engine
from data_access.loading import clear_data, replace_all_data
from data_access.lookups import fetch_meta
from data_access.schema import SCHEMA_VERSION
from metrics.periods import Week
from metrics.registry import DEMAND_PARTS
from metrics.thresholds import Thresholds
from services import accounts, sessions
from services.accounts import Account, AccountError
from services.refresh import refresh_from_tables
from services.report import figures_fresh, weekly_report

NOW = datetime(2026, 11, 23, 9, 0)
LATEST = str(SCHEMA_VERSION)
POLICY = {"max_failures": 3, "lock_minutes": 15}


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    return engine


def test_password_is_stored_as_an_argon2_hash_and_signs_in(engine):
    accounts.create_account(engine, name="王书记", role="street", area=AreaPath(("江汉区", "北湖街道")),
                            password="correct horse", now=NOW)  # fmt: skip
    with engine.connect() as conn:
        stored = fetch_account(conn, "王书记")["password_hash"]
    assert stored.startswith("$argon2") and "correct horse" not in stored
    account = accounts.sign_in(engine, "王书记", "correct horse", now=NOW, **POLICY)
    assert account == Account("王书记", "street", AreaPath(("江汉区", "北湖街道")))


def test_wrong_password_and_unknown_name_get_the_same_answer(engine):
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    for name, password in (("a", "wrong-one"), ("nobody", "password1")):
        with pytest.raises(AccountError) as refused:
            accounts.sign_in(engine, name, password, now=NOW, **POLICY)
        assert refused.value.code == "denied"


def test_repeated_failures_lock_the_account_for_a_while(engine):
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    codes = []
    for _ in range(3):
        with pytest.raises(AccountError) as refused:
            accounts.sign_in(engine, "a", "wrong-one", now=NOW, **POLICY)
        codes.append(refused.value.code)
    assert codes == ["denied", "denied", "locked"]
    with pytest.raises(AccountError) as refused:  # even the right password waits
        accounts.sign_in(engine, "a", "password1", now=NOW + timedelta(minutes=14), **POLICY)
    assert refused.value.code == "locked"
    assert accounts.sign_in(engine, "a", "password1", now=NOW + timedelta(minutes=16), **POLICY).name == "a"


def test_parallel_wrong_passwords_lock_the_account(engine):
    """Thirty wrong passwords at once (each spends its time in the hash check): the count is taken before
    the check, atomically, so they lock the account and the right password then waits too."""
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    start = threading.Barrier(30)

    def attempt(_: int) -> str:
        start.wait()
        try:
            accounts.sign_in(engine, "a", "wrong-one", now=NOW, source="10.0.0.9", **POLICY)
        except AccountError as refused:
            return refused.code
        return "signed in"

    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(attempt, range(30)))
    assert codes.count("denied") == POLICY["max_failures"] - 1 and codes.count("locked") == 31 - POLICY["max_failures"]
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(engine, "a", "password1", now=NOW + timedelta(minutes=1), source="10.0.0.9", **POLICY)
    assert refused.value.code == "locked"


def test_a_lock_holds_for_its_source_only_and_any_name_gets_the_same_answer(engine):
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    for name in ("a", "nobody"):
        codes = []
        for _ in range(POLICY["max_failures"]):
            with pytest.raises(AccountError) as refused:
                accounts.sign_in(engine, name, "wrong-one", now=NOW, source="203.0.113.7", **POLICY)
            codes.append(refused.value.code)
        assert codes == ["denied", "denied", "locked"], name  # an unknown name locks just as a real one
    # The stranger's address is locked out of "a"; its owner, elsewhere, is not.
    assert accounts.sign_in(engine, "a", "password1", now=NOW, source="10.1.2.3", **POLICY).name == "a"
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(engine, "a", "password1", now=NOW, source="203.0.113.7", **POLICY)
    assert refused.value.code == "locked"
    accounts.set_password(engine, "a", "password2")  # a new password unlocks it everywhere
    assert accounts.sign_in(engine, "a", "password2", now=NOW, source="203.0.113.7", **POLICY).name == "a"


def test_a_disabled_account_cannot_sign_in(engine):
    accounts.create_account(engine, name="a", role="clerk", area=AreaPath(), password="password1", now=NOW)
    accounts.disable_account(engine, "a")
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(engine, "a", "password1", now=NOW, **POLICY)
    assert refused.value.code == "disabled"


@pytest.mark.parametrize(
    ("role", "area", "code"),
    [("street", "江汉区", "area_for_role"), ("community", "江汉区/北湖街道/无此社区", "unknown_area"),
     ("mayor", "", "bad_role"), ("city", "江汉区", "area_for_role")],
)  # fmt: skip
def test_an_account_needs_an_area_that_fits_its_role(engine, role, area, code):
    with pytest.raises(AccountError) as refused:
        accounts.create_account(engine, name="x", role=role, area=AreaPath.parse(area), password="password1", now=NOW)
    assert refused.value.code == code


def test_demo_accounts_come_and_go_with_the_sample(sqlite_url):
    from metrics.thresholds import Thresholds
    from services.sample import build_sample

    engine = get_engine(sqlite_url)
    build_sample(engine, seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    names = {a["name"] for a in accounts.list_accounts(engine)}
    assert names == {name for name, _, _ in accounts.DEMO_ACCOUNTS}
    assert accounts.sign_in(engine, "demo-community", accounts.DEMO_PASSWORD, now=NOW, **POLICY).role == "community"
    accounts.create_account(engine, name="real", role="city", area=AreaPath(), password="password1", now=NOW)
    clear_data(engine)
    assert [a["name"] for a in accounts.list_accounts(engine)] == ["real"]


def test_scope_allows_its_own_area_and_below_only():
    street = Scope("street", AreaPath(("江汉区", "北湖街道")))
    assert street.allows(AreaPath(("江汉区", "北湖街道", "环保社区")))
    assert not street.allows(AreaPath(("江汉区",))) and not street.allows(AreaPath())
    assert not street.allows(AreaPath(("江汉区", "民权街")))
    with pytest.raises(OutOfScopeError):
        street.check(AreaPath(("武昌区",)))
    assert street.sees_personal_data and not Scope("district", AreaPath(("江汉区",))).sees_personal_data


def test_audit_rows_say_who_what_where_and_how_many(engine):
    account = Account("王书记", "street", AreaPath(("江汉区", "北湖街道")))
    accounts.record_audit(engine, account, action="export", area=account.area, rows=42, now=NOW, detail="overdue")
    with engine.connect() as conn:
        rows = fetch_audit(conn).to_dict("records")
    assert rows == [{"at": NOW, "account": "王书记", "action": "export", "area": "江汉区/北湖街道", "rows": 42,
                     "detail": "overdue"}]  # fmt: skip


def _version_2_indexes(conn) -> None:
    """The activity indexes as versions 1 and 2 had them: by member (or station) and day, not unique."""
    for table, index, columns in [
        ("contacts", "ix_contacts_member_date", "member_id, contacted_on"),
        ("station_visits", "ix_station_visits_station_time", "station_id, visited_at"),
        ("volunteer_records", "ix_volunteer_member_date", "member_id, activity_on"),
    ]:
        conn.execute(text(f"DROP INDEX ux_{table}_natural_key"))
        conn.execute(text(f"CREATE INDEX {index} ON {table} ({columns})"))
    conn.execute(text("ALTER TABLE station_visits DROP COLUMN visitor_phone"))


def _version_3_keys(conn) -> None:
    """The natural keys as version 3 had them: contacts without liaison, visits by member, no visitor_phone."""
    conn.execute(text("DROP INDEX ux_contacts_natural_key"))
    conn.execute(text("DROP INDEX ux_station_visits_natural_key"))
    conn.execute(text("ALTER TABLE station_visits DROP COLUMN visitor_phone"))
    conn.execute(text("CREATE UNIQUE INDEX ux_contacts_natural_key ON contacts "
                      "(member_id, contacted_on, side, coalesce(method, ''))"))  # fmt: skip
    conn.execute(text("CREATE UNIQUE INDEX ux_station_visits_natural_key ON station_visits "
                      "(station_id, visited_at, coalesce(service, ''), coalesce(member_id, 0))"))  # fmt: skip


def test_a_version_1_database_is_upgraded_in_place(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
        conn.execute(text("DROP TABLE accounts"))
        _version_2_indexes(conn)
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert {"accounts", "audit_log"} <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == LATEST
        assert conn.execute(text("SELECT count(*) FROM members")).scalar() == 9  # data kept


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_a_version_2_database_gets_unique_natural_keys_and_keeps_the_first_of_a_repeat(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.begin() as conn:
        _version_2_indexes(conn)
        original = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
        conn.execute(text("INSERT INTO contacts (member_id, contacted_on, side, method) "
                          "SELECT member_id, contacted_on, side, method FROM contacts"))  # fmt: skip
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    with get_engine(db_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contacts")).scalar() == original
        assert conn.execute(text("SELECT max(id) FROM contacts")).scalar() == original  # the first of each kept
        assert "ix_contacts_member_date" not in {index["name"] for index in inspect(conn).get_indexes("contacts")}
        with pytest.raises(IntegrityError):  # the natural key is unique now
            conn.execute(text("INSERT INTO contacts (member_id, contacted_on, side, method) "
                              "SELECT member_id, contacted_on, side, method FROM contacts WHERE id = 1"))  # fmt: skip


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_a_version_3_database_keys_contacts_by_liaison_and_visits_by_the_visitors_phone(db_url):
    engine = get_engine(db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    with engine.begin() as conn:
        _version_3_keys(conn)
        visits = conn.execute(text("SELECT count(*) FROM station_visits")).scalar()
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    with get_engine(db_url).begin() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == LATEST
        assert conn.execute(text("SELECT count(*) FROM station_visits")).scalar() == visits
        phones = conn.execute(text("SELECT v.visitor_phone, m.phone FROM station_visits v "
                                   "LEFT JOIN members m ON m.id = v.member_id")).all()  # fmt: skip
        assert phones and all(visitor == member for visitor, member in phones)
        conn.execute(text("INSERT INTO contacts (member_id, contacted_on, side, method, liaison) "
                          "SELECT member_id, contacted_on, side, method, 'another liaison' FROM contacts "
                          "WHERE id = 1"))  # fmt: skip
        # (version 3's key refused that one: the liaison is part of the key now)
        with pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO contacts (member_id, contacted_on, side, method, liaison) "
                              "SELECT member_id, contacted_on, side, method, liaison "
                              "FROM contacts WHERE id = 1"))  # fmt: skip


def test_a_version_4_database_gets_sessions_and_failures_per_source(db_url):
    engine = get_engine(db_url)
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE sessions"))
        conn.execute(text("DROP TABLE sign_in_failures"))
        conn.execute(text("ALTER TABLE accounts ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 2"))
        conn.execute(text("ALTER TABLE accounts ADD COLUMN locked_until TIMESTAMP"))
        conn.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert {"sessions", "sign_in_failures"} <= set(inspect(conn).get_table_names())
        assert not {"failed_attempts", "locked_until"} & {c["name"] for c in inspect(conn).get_columns("accounts")}
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == LATEST
    assert accounts.sign_in(upgraded, "a", "password1", now=NOW, **POLICY).name == "a"  # the account kept


def test_cli_user_commands_read_the_password_from_stdin(engine, db_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert cli.main(["user", "add", "李四", "--role", "community", "--area", "江汉区/北湖街道/环保社区",
                     "--db", db_url]) == 0  # fmt: skip
    assert accounts.sign_in(engine, "李四", "s3cret-pass", now=NOW, **POLICY).area.parts[-1] == "环保社区"
    assert cli.main(["user", "list", "--db", db_url]) == 0
    assert "李四  社区  江汉区/北湖街道/环保社区" in capsys.readouterr().out
    assert cli.main(["user", "add", "王五", "--role", "street", "--area", "江汉区", "--db", db_url]) == 2
    assert "层级不对" in capsys.readouterr().err
    assert cli.main(["user", "disable", "李四", "--db", db_url]) == 0
    assert cli.main(["user", "disable", "nobody", "--db", db_url]) == 2


def test_a_disabled_account_with_a_wrong_password_looks_like_any_wrong_password(engine):
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    accounts.disable_account(engine, "a")
    with pytest.raises(AccountError) as refused:
        accounts.sign_in(engine, "a", "wrong-one", now=NOW, **POLICY)
    assert refused.value.code == "denied"


def test_a_clerk_reads_no_records():
    with pytest.raises(OutOfScopeError):
        Scope("clerk").check(AreaPath())


def test_a_session_ends_when_idle_past_its_lifetime_or_by_a_new_password(engine):
    account = Account("a", "city", AreaPath())
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    start = functools.partial(sessions.start_session, engine, account, lifetime_hours=12, user_agent="test")
    resolve = functools.partial(sessions.resolve_session, engine, idle_minutes=30)
    token = start(now=NOW)
    for minutes in (29, 58, 87):  # each request resets the idle clock
        assert resolve(token, now=NOW + timedelta(minutes=minutes)).account == account
    assert resolve(token, now=NOW + timedelta(minutes=118)) == sessions.Resolved(None, "expired")
    assert resolve(token, now=NOW + timedelta(minutes=119)) == sessions.Resolved(None, "ended")  # and gone
    busy = start(now=NOW)
    for minutes in range(20, 12 * 60, 20):  # active all day: still ends at its lifetime
        assert resolve(busy, now=NOW + timedelta(minutes=minutes)).account == account
    assert resolve(busy, now=NOW + timedelta(hours=12)).reason == "expired"
    other = start(now=NOW)
    accounts.set_password(engine, "a", "password2")
    assert resolve(other, now=NOW).reason == "ended"
    assert resolve("forged-secret", now=NOW).reason == "ended"


def test_cli_user_sessions_lists_and_ends_them(engine, db_url, capsys):
    account = Account("a", "city", AreaPath())
    accounts.create_account(engine, name="a", role="city", area=AreaPath(), password="password1", now=NOW)
    tokens = [sessions.start_session(engine, account, now=NOW, lifetime_hours=12, user_agent=f"browser {n}")
              for n in range(2)]  # fmt: skip
    assert cli.main(["user", "sessions", "a", "--db", db_url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and all("登录于 2026-11-23 09:00" in line and "到期 2026-11-23 21:00" in line
                                    for line in listed)  # fmt: skip
    assert cli.main(["user", "sessions", "a", "--end", "--db", db_url]) == 0
    assert "已结束 a 的 2 个登录会话" in capsys.readouterr().out
    assert all(sessions.resolve_session(engine, t, now=NOW, idle_minutes=30).account is None for t in tokens)
    assert cli.main(["user", "sessions", "a", "--db", db_url]) == 0
    assert "a 当前没有登录会话" in capsys.readouterr().out


def test_a_version_5_database_gets_the_demands_table_in_place(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE demands"))
        conn.execute(text("UPDATE meta SET value = '5' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    with get_engine(db_url).begin() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == LATEST
        assert conn.execute(text("SELECT count(*) FROM members")).scalar() == 9  # data kept
        indexes = {index["name"]: index for index in inspect(conn).get_indexes("demands")}
        assert indexes["ux_demands_natural_key"]["unique"]
        assert {"ix_demands_community_raised", "ix_demands_community_resolved"} <= set(indexes)
        community = "(SELECT min(id) FROM areas WHERE level = 'community')"
        insert = text("INSERT INTO demands (number, kind, raised_on, community_id, status) "
                      f"VALUES ('SQ001', 'demand', '2026-11-02', {community}, 'accepted')")  # fmt: skip
        conn.execute(insert)
        with pytest.raises(IntegrityError):  # one demand per community and number
            conn.execute(insert)


def test_a_version_6_database_gets_the_demand_parts(db_url):
    """Version 6 to 7 adds the demand indicators' weekly_stats columns (0 in the rows there) and marks the weekly
    figures stale: the report computes from the raw records, demands included, until the next refresh."""
    engine = get_engine(db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    week = Week.parse("2026-W46")
    expected = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds())
    assert expected["demands_raised"]["value"] == 2
    with engine.begin() as conn:
        for name in DEMAND_PARTS:
            conn.execute(text(f"ALTER TABLE weekly_stats DROP COLUMN {name}"))
        conn.execute(text("UPDATE meta SET value = '6' WHERE key = 'schema_version'"))
    dispose_engine(db_url)
    upgraded = get_engine(db_url)
    with upgraded.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == LATEST
        assert set(DEMAND_PARTS) <= {column["name"] for column in inspect(conn).get_columns("weekly_stats")}
        assert conn.execute(text("SELECT max(demands_raised) FROM weekly_stats")).scalar() == 0
        assert not figures_fresh(fetch_meta(conn))
    assert weekly_report(upgraded, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=Thresholds()) == expected
