"""A hand-built city small enough to work every indicator out by hand (see test_report_edges.py)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from metrics.indicators import EARTH_RADIUS_M

STATION_X = (114.27, 30.59)
STATION_Y = (114.30, 30.62)


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    """A point `metres` due north: along a meridian the great-circle distance is exact."""
    return point[0], point[1] + math.degrees(metres / EARTH_RADIUS_M)


def _area(i, level, district, street=None, community=None, parent=None):
    path = "/".join(p for p in (district, street, community) if p)
    return dict(
        id=i,
        level=level,
        path=path,
        district=district,
        street=street,
        community=community,
        parent_id=parent,
        lon=None,
        lat=None,
        boundary=None,
    )


def tables() -> dict[str, pd.DataFrame]:
    areas = pd.DataFrame(
        [
            _area(1, "district", "江汉区"),
            _area(2, "street", "江汉区", "北湖街道", parent=1),
            _area(3, "community", "江汉区", "北湖街道", "环保社区", parent=2),
            _area(4, "community", "江汉区", "北湖街道", "世彩社区", parent=2),
            _area(5, "district", "武昌区"),
            _area(6, "street", "武昌区", "南湖街道", parent=5),
            _area(7, "community", "武昌区", "南湖街道", "华锦社区", parent=6),
        ]
    )
    near_x = north_of(STATION_X, 500)
    far_x = north_of(STATION_X, 1500)
    edge_in = north_of(STATION_X, 999)
    edge_out = north_of(STATION_X, 1001)
    near_y = north_of(STATION_Y, 100)
    across = north_of(STATION_X, -200)
    rows = [  # id, community, status, registered, liaison, point
        (1, 3, "active", date(2026, 1, 1), "网格员甲", near_x),
        (2, 3, "active", date(2026, 1, 1), "网格员甲", None),
        (3, 3, "active", date(2026, 1, 1), "网格员甲", far_x),
        (4, 3, "active", date(2026, 8, 7), None, edge_in),
        (5, 3, "active", date(2026, 11, 5), "网格员乙", edge_out),
        (6, 3, "returned", date(2026, 11, 10), "网格员乙", near_x),
        (7, 3, "active", date(2026, 11, 20), "网格员乙", near_x),
        (8, 4, "active", date(2026, 1, 1), "楼栋长丙", near_y),
        (9, 4, "active", date(2026, 1, 1), "楼栋长丙", across),
    ]
    members = pd.DataFrame(
        [
            dict(
                id=i,
                name=f"测试{i}",
                phone=f"1380000000{i}",
                flow_type="inflow",
                community_id=community,
                registered_on=registered,
                gender="M",
                birth_date=None,
                home_org=None,
                employer=None,
                occupation="rider",
                channel="qr_scan",
                liaison=liaison,
                status=status,
                lon=point[0] if point else None,
                lat=point[1] if point else None,
            )
            for i, community, status, registered, liaison, point in rows
        ]
    )
    contact_rows = [  # member, day, side
        (1, date(2026, 10, 17), "inflow_org"),
        (2, date(2026, 10, 16), "inflow_org"),
        (3, date(2026, 10, 15), "inflow_org"),
        (8, date(2026, 9, 1), "outflow_org"),
        (8, date(2026, 10, 1), "inflow_org"),
        (8, date(2026, 11, 15), "member"),
        (9, date(2026, 11, 1), "inflow_org"),
    ]
    contacts = pd.DataFrame(
        [
            dict(id=i + 1, member_id=m, contacted_on=d, side=s, method="phone", liaison=None)
            for i, (m, d, s) in enumerate(contact_rows)
        ]
    )
    stations = pd.DataFrame(
        [
            dict(
                id=1,
                name="环保社区党群服务中心",
                community_id=3,
                lon=STATION_X[0],
                lat=STATION_X[1],
                kind="service_center",
                opened_on=date(2025, 1, 1),
                services="rest,water",
            ),
            dict(
                id=2,
                name="世彩社区红色驿站",
                community_id=4,
                lon=STATION_Y[0],
                lat=STATION_Y[1],
                kind="red_post",
                opened_on=date(2026, 11, 16),
                services="rest",
            ),
        ]
    )
    visit_times = [
        datetime(2026, 11, 9, 0, 0, 0),
        datetime(2026, 11, 15, 23, 59, 59),
        datetime(2026, 11, 16, 0, 0, 0),
        datetime(2026, 11, 8, 12, 0, 0),
    ]
    visits = pd.DataFrame(
        [dict(id=i + 1, station_id=1, visited_at=t, service="rest", member_id=None) for i, t in enumerate(visit_times)]
    )
    volunteer = pd.DataFrame(
        [
            dict(
                id=1,
                activity="环保社区文明创建",
                activity_on=date(2026, 11, 9),
                member_id=1,
                hours=2.5,
                category="civility",
                community_id=3,
            ),
            dict(
                id=2,
                activity="环保社区文明创建",
                activity_on=date(2026, 11, 12),
                member_id=6,
                hours=1.0,
                category="civility",
                community_id=3,
            ),
            dict(
                id=3,
                activity="环保社区扫雪",
                activity_on=date(2026, 11, 8),
                member_id=3,
                hours=2.0,
                category="other",
                community_id=3,
            ),
        ]
    )
    demand_rows = [  # number, community, kind, raised, status, resolved, satisfaction (see test_report_edges.py)
        ("SQ1", 3, "demand", date(2026, 11, 10), "resolved", date(2026, 11, 12), "satisfied"),
        ("SQ2", 3, "demand", date(2026, 11, 3), "resolved", date(2026, 11, 14), "dissatisfied"),
        ("SQ3", 3, "demand", date(2026, 10, 1), "in_progress", None, None),
        ("SQ4", 4, "demand", date(2026, 11, 12), "accepted", None, None),
        ("SQ5", 4, "wish", date(2026, 11, 1), "resolved", date(2026, 11, 13), None),
        ("SQ6", 4, "demand", date(2026, 11, 11), "withdrawn", None, None),
        ("SQ7", 4, "demand", date(2026, 11, 5), "resolved", date(2026, 11, 6), "mostly_satisfied"),
    ]
    demands = pd.DataFrame(
        [
            dict(
                id=i + 1,
                number=number,
                kind=kind,
                raised_on=raised,
                community_id=community,
                status=status,
                resolved_on=resolved,
                content="楼道照明",
                source=None,
                station_id=None,
                member_id=None,
                satisfaction=satisfaction,
            )
            for i, (number, community, kind, raised, status, resolved, satisfaction) in enumerate(demand_rows)
        ]
    )
    return {
        "areas": areas,
        "members": members,
        "contacts": contacts,
        "stations": stations,
        "station_visits": visits,
        "volunteer_records": volunteer,
        "demands": demands,
    }


# Names as a hostile ledger could write them: Markdown, a link, HTML tags and an emoji shortcode. Area names have
# no "/" (it separates an area path's parts); a station's or a member's name may.
HOSTILE_STREET = "**北湖**街道"
HOSTILE_COMMUNITY = "[环保](https:evil.example)社区:smile:"
HOSTILE_STATION = '<a href="https://evil.example">红色驿站</a><b>x</b>'
HOSTILE_MEMBER = "[x](http://evil.example) **粗体**"


def hostile_tables() -> dict[str, pd.DataFrame]:
    """tables() with 北湖街道, 环保社区, station 1 and member 1 named as above."""
    out = tables()
    renamed = {"北湖街道": HOSTILE_STREET, "环保社区": HOSTILE_COMMUNITY}
    areas = out["areas"]
    out["areas"] = areas.assign(
        street=areas["street"].replace(renamed),
        community=areas["community"].replace(renamed),
        path=areas["path"].map(lambda path: "/".join(renamed.get(part, part) for part in path.split("/"))),
    )
    out["stations"] = out["stations"].assign(name=lambda s: s["name"].mask(s["id"] == 1, HOSTILE_STATION))
    out["members"] = out["members"].assign(name=lambda m: m["name"].mask(m["id"] == 1, HOSTILE_MEMBER))
    return out
