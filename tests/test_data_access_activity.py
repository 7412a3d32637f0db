"""The 联系情况 / 志愿服务 aggregates on the tiny city plus a few records, on SQLite and PostgreSQL.

Week 2026-W46 runs 2026-11-09..15 (E = 11-15); the 30-day contact window is 10-17..11-15.
Active at E: m1-m5, m8, m9 (江汉区) and m10 (武昌区, added here); m6 is returned, m7 registers 11-20.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import tiny_city
from data_access.activity import fetch_contact_count_distribution, fetch_daily_contacts, fetch_volunteer_by_category
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics.activity import compute_category_hours, compute_contact_histogram, compute_mean_contacts
from metrics.periods import Week
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from services.report import weekly_report

WEEK = Week.parse("2026-W46")
WINDOW_START = date(2026, 10, 17)
CITY, JIANGHAN, SHICAI, WUCHANG = (
    AreaPath(),
    AreaPath.parse("江汉区"),
    AreaPath.parse("江汉区/北湖街道/世彩社区"),
    AreaPath.parse("武昌区"),
)
EXTRA_CONTACTS = [  # member, day, side, method
    (1, date(2026, 11, 1), "member", "wechat"),
    (1, date(2026, 11, 10), "outflow_org", None),
    (6, date(2026, 11, 12), "inflow_org", "home_visit"),  # returned: counted as a contact, not in the histogram
    (7, date(2026, 11, 14), "member", "activity"),  # registers after E: not in the histogram
    (10, date(2026, 11, 13), "outflow_org", "phone"),  # 武昌区
    (1, date(2026, 11, 16), "member", "phone"),  # after E
    (2, date(2026, 11, 15), "member", "phone"),
]
EXTRA_VOLUNTEER = [  # member, day, hours, category
    (1, date(2026, 11, 10), 1.5, None),
    (8, date(2026, 11, 15), 3.0, "elder_care"),
    (10, date(2026, 11, 11), 4.0, "governance"),
    (8, date(2026, 11, 16), 5.0, "governance"),  # next week
    (2, date(2026, 11, 9), 0.5, "civility"),
]


def tables() -> dict[str, pd.DataFrame]:
    base = tiny_city.tables()
    member = base["members"].iloc[[0]].assign(id=10, phone="13900000010", community_id=7, name="测试10")
    contacts = pd.DataFrame(
        [
            dict(id=100 + i, member_id=m, contacted_on=d, side=s, method=method, liaison=None)
            for i, (m, d, s, method) in enumerate(EXTRA_CONTACTS)
        ]
    )
    volunteer = pd.DataFrame(
        [
            dict(id=100 + i, activity="活动", activity_on=d, member_id=m, hours=h, category=cat, community_id=3)
            for i, (m, d, h, cat) in enumerate(EXTRA_VOLUNTEER)
        ]
    )
    return {
        **base,
        "members": pd.concat([base["members"], member], ignore_index=True),
        "contacts": pd.concat([base["contacts"], contacts], ignore_index=True),
        "volunteer_records": pd.concat([base["volunteer_records"], volunteer], ignore_index=True),
    }


@pytest.fixture(scope="module")
def engine(module_db_url: str):
    engine = get_engine(module_db_url)
    data = tables()
    replace_all_data(engine, data, meta={"data_kind": "real"})
    refresh_from_tables(engine, data, thresholds=Thresholds(), until=date(2026, 11, 22))
    return engine


def distribution(engine, area: AreaPath, *, start: date = WINDOW_START, end: date = WEEK.end) -> dict[int, int]:
    with engine.connect() as conn:
        frame = fetch_contact_count_distribution(conn, scope=CITY_SCOPE, area=area, start=start, end=end)
    assert list(frame.columns) == ["contacts", "members"]
    return dict(zip(frame["contacts"], frame["members"], strict=True))


def test_distribution_counts_active_members_by_their_contacts_in_the_window(engine):
    # m1: 10-17, 11-01, 11-10 (11-16 is after E) = 3; m2, m8, m9, m10: one each. m6 and m7 are not active at E.
    assert distribution(engine, CITY) == {1: 4, 3: 1}
    assert distribution(engine, JIANGHAN) == {1: 3, 3: 1}
    assert distribution(engine, SHICAI) == {1: 2}
    assert distribution(engine, WUCHANG) == {1: 1}


def test_distribution_window_edges_are_inclusive(engine):
    # Starting a day later drops m1's 10-17 contact; ending 11-16 takes in m1's 11-16 one.
    assert distribution(engine, CITY, start=date(2026, 10, 18)) == {1: 4, 2: 1}
    assert distribution(engine, JIANGHAN, end=date(2026, 11, 16), start=date(2026, 10, 18)) == {1: 3, 3: 1}


@pytest.mark.parametrize("area", [CITY, JIANGHAN, SHICAI, WUCHANG], ids=str)
def test_histogram_mean_is_the_reports_contacts_per_member(engine, area):
    report = weekly_report(engine, scope=CITY_SCOPE, week=WEEK, area=area, thresholds=Thresholds())
    active = report["active_members"]["value"]
    with engine.connect() as conn:
        frame = fetch_contact_count_distribution(conn, scope=CITY_SCOPE, area=area, start=WINDOW_START, end=WEEK.end)
    histogram = compute_contact_histogram(frame, active_members=active)
    assert histogram["members"].sum() == active
    assert compute_mean_contacts(frame, active_members=active) == pytest.approx(
        report["contacts_per_member_30d"]["value"]
    )


def test_city_histogram_fills_the_never_contacted(engine):
    with engine.connect() as conn:
        frame = fetch_contact_count_distribution(conn, scope=CITY_SCOPE, area=CITY, start=WINDOW_START, end=WEEK.end)
    histogram = compute_contact_histogram(frame, active_members=8)
    assert histogram["members"].tolist() == [3, 4, 0, 1, 0, 0]  # m3, m4, m5 never contacted in the window


def test_daily_contacts_group_by_day_side_and_method(engine):
    with engine.connect() as conn:
        frame = fetch_daily_contacts(conn, scope=CITY_SCOPE, area=CITY, start=WEEK.start, end=WEEK.end)
        jianghan = fetch_daily_contacts(conn, scope=CITY_SCOPE, area=JIANGHAN, start=WEEK.start, end=WEEK.end)
    rows = sorted(
        (d, s, "" if pd.isna(m) else m, n)
        for d, s, m, n in frame[["contacted_on", "side", "method", "contacts"]].itertuples(index=False)
    )
    assert rows == [
        (date(2026, 11, 10), "outflow_org", "", 1),
        (date(2026, 11, 12), "inflow_org", "home_visit", 1),  # a returned member's contact still counts
        (date(2026, 11, 13), "outflow_org", "phone", 1),
        (date(2026, 11, 14), "member", "activity", 1),
        (date(2026, 11, 15), "member", "phone", 2),  # m2 and m8
    ]
    assert jianghan["contacts"].sum() == 5  # all but m10's (武昌区)
    assert frame["method"].isna().sum() == 1


def test_volunteer_by_category_sums_the_week(engine):
    with engine.connect() as conn:
        frame = fetch_volunteer_by_category(conn, scope=CITY_SCOPE, area=CITY, start=WEEK.start, end=WEEK.end)
    got = {
        (None if pd.isna(row.category) else row.category): (row.hours, row.records, row.members)
        for row in frame.itertuples(index=False)
    }
    assert got == {
        "civility": (4.0, 3, 3),  # m1 2.5, m6 1.0 (returned: hours still count), m2 0.5
        None: (1.5, 1, 1),
        "elder_care": (3.0, 1, 1),
        "governance": (4.0, 1, 1),  # m10 in 武昌区; m8's 11-16 record is next week
    }
    report = weekly_report(engine, scope=CITY_SCOPE, week=WEEK, area=CITY, thresholds=Thresholds())
    assert frame["hours"].sum() == pytest.approx(report["volunteer_hours"]["value"])


def test_volunteer_by_category_in_an_area_and_as_shown(engine):
    with engine.connect() as conn:
        frame = fetch_volunteer_by_category(conn, scope=CITY_SCOPE, area=JIANGHAN, start=WEEK.start, end=WEEK.end)
        city = fetch_volunteer_by_category(conn, scope=CITY_SCOPE, area=CITY, start=WEEK.start, end=WEEK.end)
    assert frame["hours"].sum() == pytest.approx(8.5)
    assert "governance" not in set(frame["category"])
    shown = compute_category_hours(city)
    assert shown["category"].tolist()[:4] == ["governance", "civility", "elder_care", "other"]  # ties in code order
    assert shown["hours"].tolist()[:4] == [4.0, 4.0, 3.0, 1.5]


def test_empty_window_gives_empty_frames_with_their_columns(engine):
    day = date(2020, 1, 1)
    with engine.connect() as conn:
        assert distribution(engine, CITY, start=day, end=day) == {}
        daily = fetch_daily_contacts(conn, scope=CITY_SCOPE, area=CITY, start=day, end=day)
        volunteer = fetch_volunteer_by_category(conn, scope=CITY_SCOPE, area=CITY, start=day, end=day)
    assert daily.empty and list(daily.columns) == ["contacted_on", "side", "method", "contacts"]
    assert volunteer.empty and list(volunteer.columns) == ["category", "hours", "records", "members"]
