"""Member locations for the map, on both engines: active members registered by the day, with coordinates."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.maps import fetch_member_locations


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    replace_all_data(engine, tiny_city.tables(), meta={"data_kind": "real"})
    return engine


def locations(engine, area: AreaPath, end: date):
    with engine.connect() as conn:
        return fetch_member_locations(conn, scope=CITY_SCOPE, area=area, end=end)


def test_only_active_members_registered_by_the_day_with_coordinates(engine):
    frame = locations(engine, AreaPath(("江汉区", "北湖街道")), date(2026, 11, 15))
    assert list(frame.columns) == ["lon", "lat"]
    # Members 1, 3, 4, 5 (环保社区) and 8, 9 (世彩社区); not 2 (no coordinates), 6 (returned), 7 (registered 11-20).
    assert len(frame) == 6
    near_x = tiny_city.north_of(tiny_city.STATION_X, 500)
    at_near_x = np.isclose(frame["lon"], near_x[0], atol=1e-9) & np.isclose(frame["lat"], near_x[1], atol=1e-9)
    assert at_near_x.sum() == 1  # member 1; member 6 there has returned, member 7 registered later
    assert len(locations(engine, AreaPath(("江汉区", "北湖街道")), date(2026, 11, 22))) == 7


def test_area_filter(engine):
    assert len(locations(engine, AreaPath(("江汉区", "北湖街道", "世彩社区")), date(2026, 11, 22))) == 2
    empty = locations(engine, AreaPath(("武昌区",)), date(2026, 11, 22))
    assert empty.empty and list(empty.columns) == ["lon", "lat"]
