"""fetch_member_list on both engines: who is listed, the exact last-contact days, and list lengths equal to the
report's overdue and lost-contact counts."""

from __future__ import annotations

from datetime import date

import pytest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.members import fetch_member_list
from metrics.member_lists import LIST_COLUMNS, compute_member_list
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from services.report import weekly_report

W45, W46, W47 = Week.parse("2026-W45"), Week.parse("2026-W46"), Week.parse("2026-W47")
STREET = AreaPath(("江汉区", "北湖街道"))


@pytest.fixture
def tiny_url(db_url: str) -> str:
    engine = get_engine(db_url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    return db_url


def fetch(url: str, area: AreaPath, end: date):
    # The query's logic for an area of any width; which accounts may ask is tested in test_data_access_scopes.py.
    with get_engine(url).connect() as conn:
        return fetch_member_list(conn, scope=Scope("street", area), area=area, end=end)


def test_street_list_has_the_active_members_and_their_last_contact(tiny_url):
    frame = fetch(tiny_url, STREET, W46.end)
    assert list(frame.columns) == list(LIST_COLUMNS)
    # 6 has returned; 7 registered after the week's end
    assert frame["member_id"].tolist() == [1, 2, 3, 4, 5, 8, 9]
    last = dict(zip(frame["member_id"], frame["last_contact_on"], strict=True))
    assert last == {
        1: date(2026, 10, 17),
        2: date(2026, 10, 16),
        3: date(2026, 10, 15),
        4: None,
        5: None,
        8: date(2026, 11, 15),  # a contact on E itself counts
        9: date(2026, 11, 1),
    }
    row = frame.set_index("member_id").loc[8]
    assert (row["name"], row["phone"], row["flow_type"]) == ("测试8", "13800000008", "inflow")
    assert (row["community"], row["community_path"], row["liaison"]) == (
        "世彩社区",
        "江汉区/北湖街道/世彩社区",
        "楼栋长丙",
    )
    assert row["registered_on"] == date(2026, 1, 1)


def test_contacts_after_the_end_are_ignored(tiny_url):
    frame = fetch(tiny_url, STREET, W45.end)
    last = dict(zip(frame["member_id"], frame["last_contact_on"], strict=True))
    assert last[8] == date(2026, 10, 1)  # the 2026-11-15 contact is after 2026-11-08
    assert 5 in last and 7 not in last  # 5 registered 2026-11-05


def test_area_filter_and_empty_area(tiny_url):
    community = fetch(tiny_url, STREET.child("世彩社区"), W46.end)
    assert community["member_id"].tolist() == [8, 9]
    empty = fetch(tiny_url, AreaPath(("武昌区",)), W46.end)
    assert empty.empty and list(empty.columns) == list(LIST_COLUMNS)
    assert fetch(tiny_url, AreaPath(), W46.end)["member_id"].tolist() == [1, 2, 3, 4, 5, 8, 9]


@pytest.mark.parametrize(
    "area",
    [AreaPath(), STREET, STREET.child("环保社区"), STREET.child("世彩社区"), AreaPath(("武昌区", "南湖街道"))],
    ids=str,
)
def test_list_lengths_equal_the_report(tiny_url, area):
    thresholds = Thresholds()
    engine = get_engine(tiny_url)
    for week in (W45, W46, W47):
        members = compute_member_list(
            fetch(tiny_url, area, week.end),
            end=week.end,
            overdue_days=thresholds.overdue_days,
            lost_contact_days=thresholds.lost_contact_days,
        )
        report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=thresholds)
        assert len(members) == report["active_members"]["value"]
        assert int(members["overdue"].sum()) == report["overdue"]["value"]
        assert int(members["lost_contact"].sum()) == report["lost_contact"]["value"]


def test_street_counts_in_week_46_by_hand(tiny_url):
    members = compute_member_list(fetch(tiny_url, STREET, W46.end), end=W46.end, overdue_days=30, lost_contact_days=90)
    days = dict(zip(members["member_id"], members["days_since_contact"], strict=True))
    assert days == {1: 29, 2: 30, 3: 31, 4: 100, 5: 10, 8: 0, 9: 14}
    assert members.loc[members["overdue"], "member_id"].tolist() == [4, 3]
    assert members.loc[members["lost_contact"], "member_id"].tolist() == [4]
