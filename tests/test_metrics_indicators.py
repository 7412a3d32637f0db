"""Pure metric checks: periods, distances, and a property: the city's counts are the sum of its districts'."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tiny_city
from metrics import columns as c
from metrics.indicators import (
    EARTH_RADIUS_M,
    compute_community_week,
    compute_station_open_day_nearby,
    haversine_m,
    prepare_city,
)
from metrics.periods import Week, last_complete_week
from metrics.report import compute_indicators
from metrics.thresholds import Thresholds

COUNT_KEYS = (
    "active_members",
    "new_registrations",
    "overdue",
    "lost_contact",
    "station_visits",
    "idle_stations",
    "volunteer_participants",
)


def test_iso_weeks():
    week = Week.parse("2026-W46")
    assert (week.start, week.end) == (date(2026, 11, 9), date(2026, 11, 15))
    assert str(week.previous) == "2026-W45"
    assert str(Week.parse("2020-W53")) == "2020-W53"
    with pytest.raises(ValueError):
        Week.parse("2025-W53")  # 2025 has 52 ISO weeks
    assert last_complete_week(date(2026, 11, 22)) == Week.parse("2026-W46")  # a Sunday: its week is not over
    assert last_complete_week(date(2026, 11, 23)) == Week.parse("2026-W47")


def test_station_coverage_is_every_pair_s_haversine_distance_to_the_centimetre():
    """The k-d tree's pairs, and the chord that spares most of them the haversine, decide as the haversine of
    every member and station pair would: members 1 cm inside and outside the radius included."""
    rng = np.random.default_rng(18)
    station_lon, station_lat = 114.2 + rng.random(300) * 0.1, 30.5 + rng.random(300) * 0.1
    opened = rng.integers(19_000, 20_000, 300)
    near = rng.integers(0, 300, 200)
    offset = np.degrees(np.where(np.arange(200) % 2, 1000.01, 999.99) / EARTH_RADIUS_M)  # due north of a station
    member_lon = np.concatenate([114.2 + rng.random(2_000) * 0.1, station_lon[near], [np.nan]])
    member_lat = np.concatenate([30.5 + rng.random(2_000) * 0.1, station_lat[near] + offset, [30.55]])
    found = compute_station_open_day_nearby(member_lon, member_lat, station_lon, station_lat, opened, radius_m=1000)
    distance = haversine_m(member_lon[:, None], member_lat[:, None], station_lon[None, :], station_lat[None, :])
    never = np.iinfo(np.int64).max
    expected = np.where(distance <= 1000, opened[None, :], never).min(axis=1)
    assert (found == expected).all()
    assert (haversine_m(member_lon[2_000:2_200], member_lat[2_000:2_200], station_lon[near], station_lat[near])
            <= 1000).sum() == 100  # fmt: skip
    assert found[-1] == never  # no coordinates, never covered


def test_haversine_matches_a_known_distance():
    # One degree of latitude on a sphere of radius 6,371,008.8 m.
    assert haversine_m(114.0, 30.0, 114.0, 31.0) == pytest.approx(6_371_008.8 * np.pi / 180, rel=1e-12)


def test_missing_columns_are_named():
    tables = tiny_city.tables()
    with pytest.raises(ValueError, match="liaison"):
        prepare_city(
            tables["members"].rename(columns={"id": c.MEMBER_ID}).drop(columns=["liaison"]),
            tables["contacts"],
            tables["stations"].rename(columns={"id": c.STATION_ID}),
            tables["station_visits"],
            tables["volunteer_records"],
            station_radius_m=1000,
        )


END = date(2026, 11, 15)
DISTRICT_OF = {10: 1, 11: 1, 20: 2, 21: 2}  # community -> district

member_strategy = st.tuples(
    st.sampled_from(sorted(DISTRICT_OF)),
    st.sampled_from(c.STATUSES),
    st.integers(-400, 10),  # registration, days from END
    st.booleans(),  # liaison
    st.one_of(st.none(), st.tuples(st.floats(114.20, 114.30), st.floats(30.50, 30.60))),
)


@st.composite
def cities(draw):
    members = draw(st.lists(member_strategy, min_size=0, max_size=25))
    n = len(members)
    ids = st.integers(1, max(n, 1))
    contacts = draw(st.lists(st.tuples(ids, st.integers(-200, 5), st.sampled_from(c.SIDES)), max_size=60))
    stations = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(DISTRICT_OF)),
                st.integers(-400, 20),
                st.floats(114.20, 114.30),
                st.floats(30.50, 30.60),
            ),
            max_size=5,
        )
    )
    visits = draw(st.lists(st.tuples(st.integers(1, max(len(stations), 1)), st.integers(-20, 5)), max_size=30))
    volunteer = draw(st.lists(st.tuples(ids, st.integers(-20, 5), st.floats(0.5, 4)), max_size=30))
    day = lambda offset: END + timedelta(days=offset)  # noqa: E731
    return (
        pd.DataFrame(
            {
                c.MEMBER_ID: range(1, n + 1),
                c.COMMUNITY_ID: [m[0] for m in members],
                c.STATUS: [m[1] for m in members],
                c.REGISTERED_ON: [day(m[2]) for m in members],
                c.LIAISON: ["网格员" if m[3] else None for m in members],
                c.LON: [m[4][0] if m[4] else None for m in members],
                c.LAT: [m[4][1] if m[4] else None for m in members],
            }
        ),
        pd.DataFrame([(m, day(d), s) for m, d, s in contacts if m <= n], columns=[c.MEMBER_ID, c.CONTACTED_ON, c.SIDE]),
        pd.DataFrame(
            [(i + 1, comm, day(o), lon, lat) for i, (comm, o, lon, lat) in enumerate(stations)],
            columns=[c.STATION_ID, c.COMMUNITY_ID, c.OPENED_ON, c.LON, c.LAT],
        ),
        pd.DataFrame(
            [(s, pd.Timestamp(day(d)) + pd.Timedelta(hours=12)) for s, d in visits if s <= len(stations)],
            columns=[c.STATION_ID, c.VISITED_AT],
        ),
        pd.DataFrame(
            [(m, day(d), h) for m, d, h in volunteer if m <= n], columns=[c.MEMBER_ID, c.ACTIVITY_ON, c.HOURS]
        ),
    )


def area_totals(members, contacts, stations, visits, volunteer, communities) -> dict:
    """What the raw-record path does for one area: its members' records, its stations' visits, all stations."""
    mine = members[members[c.COMMUNITY_ID].isin(communities)]
    own_stations = stations.loc[stations[c.COMMUNITY_ID].isin(communities), c.STATION_ID]
    city = prepare_city(
        mine,
        contacts[contacts[c.MEMBER_ID].isin(mine[c.MEMBER_ID])],
        stations,
        visits[visits[c.STATION_ID].isin(own_stations)],
        volunteer[volunteer[c.MEMBER_ID].isin(mine[c.MEMBER_ID])],
        station_radius_m=1000,
        community_ids=communities,
    )
    return compute_community_week(city, end=END, thresholds=Thresholds()).sum(numeric_only=True).to_dict()


@settings(max_examples=60, deadline=None)
@given(cities())
def test_city_counts_are_the_sum_of_district_counts(city):
    whole = compute_indicators(area_totals(*city, communities=sorted(DISTRICT_OF)))
    parts = [
        compute_indicators(area_totals(*city, communities=[k for k, d in DISTRICT_OF.items() if d == district]))
        for district in (1, 2)
    ]
    for key in COUNT_KEYS:
        assert whole[key] == sum(part[key] for part in parts), key
    # Hours are rounded to 2 decimals per area, so the parts may differ from the whole by a rounding step each.
    assert whole["volunteer_hours"] == pytest.approx(sum(part["volunteer_hours"] for part in parts), abs=0.011)
