"""Every indicator of PRODUCT.md, per member and per community, for a period ending on day E.

The raw frames are turned once into sorted arrays (`prepare_city`); each period is then a few
binary searches and bincounts, so the same code serves one week for one area and two years of
weeks for the whole city. Definitions, to the day:
- "the N days ending at E" are the days d with E - N < d <= E;
- active: status active and registered on or before E;
- last contact: the latest contact on or before E, else the registration day;
- overdue: E - last contact > overdue_days; lost contact: > lost_contact_days;
- records "in the period" are dated S..E inclusive;
- the demand indicators' parts are metrics.demands' (the 诉求台账 is prepared with the rest);
- a record's last verification by E: the latest of its verifications (its 核实日期, and the earlier ones the member
  changes kept) on or before E, else (never verified by E) its 报到日期; the later of the two when both are by E, so a
  later verification never changes an earlier week. It is fresh when that day is in the record_fresh_days ending at
  E, and 待更新 (stale) otherwise: the stale are exactly the active members record_freshness_rate does not count;
- left 在册 in a period: a kept status change from 在册 to another status dated in it, the member not 在册 at its end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics import columns as c
from metrics.changes import verification_days
from metrics.days import NO_DAY, day_number, from_day_number, require_columns, to_day_numbers
from metrics.demands import DEMAND_COLUMNS, DemandArrays, compute_demand_period, prepare_demands
from metrics.registry import FLOW_PARTS, FRACTIONAL_PARTS
from metrics.thresholds import Thresholds

EARTH_RADIUS_M = 6_371_008.8
_DAY_BASE = -25_567  # 1900-01-01 in days since 1970: keeps (position, day) keys positive
_DAY_SPAN = 1 << 20

MEMBER_COLUMNS = (c.MEMBER_ID, c.COMMUNITY_ID, c.STATUS, c.REGISTERED_ON, c.LIAISON, c.LON, c.LAT)
# and optionally c.VERIFIED_ON (absent: no record verified)
# The kept member changes the figures read (metrics.changes): earlier verifications, and leaving 在册
MEMBER_EVENT_COLUMNS = (c.MEMBER_ID, "field", "old", "new", "changed_on")
CONTACT_COLUMNS = (c.MEMBER_ID, c.CONTACTED_ON, c.SIDE)
STATION_COLUMNS = (c.STATION_ID, c.COMMUNITY_ID, c.OPENED_ON, c.LON, c.LAT)
VISIT_COLUMNS = (c.STATION_ID, c.VISITED_AT)
VOLUNTEER_COLUMNS = (c.MEMBER_ID, c.ACTIVITY_ON, c.HOURS)


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    return np.column_stack((np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)))


def chord_for_arc(metres: float) -> float:
    """The straight-line distance on the unit sphere matching a great-circle distance in metres."""
    return 2.0 * np.sin(metres / (2.0 * EARTH_RADIUS_M))


def haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres on a sphere of radius EARTH_RADIUS_M."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def compute_station_open_day_nearby(
    member_lon: np.ndarray,
    member_lat: np.ndarray,
    station_lon: np.ndarray,
    station_lat: np.ndarray,
    station_open_day: np.ndarray,
    *,
    radius_m: float,
) -> np.ndarray:
    """For each member, the earliest opening day of a station within `radius_m`.

    A member is covered at E when this day is <= E. Members without coordinates, or with no
    station in reach, get the largest int64 (never covered). Uses a k-d tree on unit vectors;
    the great-circle radius is converted to a chord, so no member x station loop is needed.
    """
    never = np.full(len(member_lon), np.iinfo(np.int64).max, dtype=np.int64)
    located = ~(np.isnan(member_lon) | np.isnan(member_lat))
    if not located.any() or len(station_lon) == 0:
        return never
    from scipy.spatial import cKDTree  # here, not at the top: it is a quarter-second import pages rarely need

    stations = cKDTree(unit_vectors(station_lon, station_lat))
    members = cKDTree(unit_vectors(member_lon[located], member_lat[located]))
    # Every (member, station) pair in reach, as arrays built in C (a list per member cost seconds at a province's
    # density). A hair of slack on the chord; exact haversine decides the pairs that close to the edge.
    chord = chord_for_arc(radius_m)
    pairs = members.sparse_distance_matrix(stations, chord * (1 + 1e-9), output_type="ndarray")
    if len(pairs) == 0:
        return never
    member_rows = np.flatnonzero(located)[pairs["i"]]
    station_rows = pairs["j"].astype(np.int64)
    within = pairs["v"] <= chord * (1 - 1e-9)
    edge = np.flatnonzero(~within)
    within[edge] = (
        haversine_m(
            member_lon[member_rows[edge]],
            member_lat[member_rows[edge]],
            station_lon[station_rows[edge]],
            station_lat[station_rows[edge]],
        )
        <= radius_m
    )
    member_rows, station_rows = member_rows[within], station_rows[within]
    np.minimum.at(never, member_rows, station_open_day[station_rows])
    return never


@dataclass(frozen=True)
class CityArrays:
    """The raw frames as sorted numpy arrays, ready for per-period questions."""

    community_ids: np.ndarray  # the communities figures are grouped by
    member_ids: np.ndarray
    member_community: np.ndarray  # position in community_ids
    member_active_status: np.ndarray  # bool: status is active
    member_registered: np.ndarray  # day numbers
    verification_keys: np.ndarray  # every verification kept, sorted position * _DAY_SPAN + day
    member_left_active: np.ndarray  # the day of the last change from 在册 to another status, NO_DAY when none
    member_has_liaison: np.ndarray
    member_located: np.ndarray
    member_station_day: np.ndarray  # earliest open day of a station in reach
    contact_keys: np.ndarray  # sorted position * _DAY_SPAN + day
    contact_side_keys: tuple[np.ndarray, ...]  # the same per side, in c.SIDES order
    station_ids: np.ndarray
    station_community: np.ndarray  # position in community_ids, -1 outside
    station_opened: np.ndarray  # day numbers, NO_DAY when unknown
    visit_station: np.ndarray  # position in station_ids, sorted by day
    visit_day: np.ndarray
    volunteer_member: np.ndarray  # position in member_ids, sorted by day
    volunteer_day: np.ndarray
    volunteer_hours: np.ndarray
    demands: DemandArrays  # the 诉求台账, grouped by the same communities


def prepare_city(
    members: pd.DataFrame,
    contacts: pd.DataFrame,
    stations: pd.DataFrame,
    visits: pd.DataFrame,
    volunteer: pd.DataFrame,
    *,
    station_radius_m: float,
    community_ids: Sequence[int] | None = None,
    demands: pd.DataFrame | None = None,
    member_events: pd.DataFrame | None = None,
) -> CityArrays:
    """Index the frames once. Records of members or stations not in the frames are ignored; so are demands of
    other communities (no ledger: none), and changes of members not given (`member_events`, MEMBER_EVENT_COLUMNS:
    none given, none kept)."""
    require_columns(members, MEMBER_COLUMNS, "members")
    require_columns(contacts, CONTACT_COLUMNS, "contacts")
    require_columns(stations, STATION_COLUMNS, "stations")
    require_columns(visits, VISIT_COLUMNS, "visits")
    require_columns(volunteer, VOLUNTEER_COLUMNS, "volunteer")

    if community_ids is None:
        community_ids = np.union1d(members[c.COMMUNITY_ID].to_numpy(), stations[c.COMMUNITY_ID].to_numpy())
    communities = pd.Index(np.asarray(community_ids, dtype=np.int64))
    member_index = pd.Index(members[c.MEMBER_ID].to_numpy(dtype=np.int64))
    station_index = pd.Index(stations[c.STATION_ID].to_numpy(dtype=np.int64))

    member_lon = members[c.LON].to_numpy(dtype=float, na_value=np.nan)
    member_lat = members[c.LAT].to_numpy(dtype=float, na_value=np.nan)
    station_opened = to_day_numbers(stations[c.OPENED_ON])
    liaison = members[c.LIAISON].astype("string").str.strip()

    contact_pos = member_index.get_indexer(contacts[c.MEMBER_ID].to_numpy(dtype=np.int64))
    contact_day = to_day_numbers(contacts[c.CONTACTED_ON])
    contact_side = contacts[c.SIDE]
    keep = contact_pos >= 0
    keys = contact_pos * _DAY_SPAN + (contact_day - _DAY_BASE)

    events = _member_events(member_events)

    visit_pos = station_index.get_indexer(visits[c.STATION_ID].to_numpy(dtype=np.int64))
    visit_day = to_day_numbers(visits[c.VISITED_AT])
    visit_order = np.argsort(visit_day, kind="stable")
    visit_order = visit_order[visit_pos[visit_order] >= 0]

    volunteer_pos = member_index.get_indexer(volunteer[c.MEMBER_ID].to_numpy(dtype=np.int64))
    volunteer_day = to_day_numbers(volunteer[c.ACTIVITY_ON])
    volunteer_order = np.argsort(volunteer_day, kind="stable")
    volunteer_order = volunteer_order[volunteer_pos[volunteer_order] >= 0]

    return CityArrays(
        community_ids=communities.to_numpy(),
        member_ids=member_index.to_numpy(),
        member_community=communities.get_indexer(members[c.COMMUNITY_ID].to_numpy(dtype=np.int64)),
        member_active_status=(members[c.STATUS] == c.STATUS_ACTIVE).to_numpy(dtype=bool),
        member_registered=to_day_numbers(members[c.REGISTERED_ON]),
        verification_keys=_verification_keys(members, events, member_index),
        member_left_active=_left_active_days(events, member_index),
        member_has_liaison=(liaison.fillna("") != "").to_numpy(dtype=bool),
        member_located=~(np.isnan(member_lon) | np.isnan(member_lat)),
        member_station_day=compute_station_open_day_nearby(
            member_lon,
            member_lat,
            stations[c.LON].to_numpy(dtype=float),
            stations[c.LAT].to_numpy(dtype=float),
            station_opened,
            radius_m=station_radius_m,
        ),
        contact_keys=np.sort(keys[keep]),
        contact_side_keys=tuple(np.sort(keys[keep & (contact_side == side).to_numpy(dtype=bool)]) for side in c.SIDES),
        station_ids=station_index.to_numpy(),
        station_community=communities.get_indexer(stations[c.COMMUNITY_ID].to_numpy(dtype=np.int64)),
        station_opened=station_opened,
        visit_station=visit_pos[visit_order],
        visit_day=visit_day[visit_order],
        volunteer_member=volunteer_pos[volunteer_order],
        volunteer_day=volunteer_day[volunteer_order],
        volunteer_hours=volunteer[c.HOURS].to_numpy(dtype=float)[volunteer_order],
        demands=prepare_demands(
            pd.DataFrame(columns=DEMAND_COLUMNS) if demands is None else demands, community_ids=communities
        ),
    )


def compute_date_span(city: CityArrays) -> tuple[date, date] | None:
    """(first activity day, last day of any record), or None without records.

    The first activity is the first contact, visit, volunteer record or demand raised or resolved (registrations
    when there is none).
    """
    contact_days = city.contact_keys % _DAY_SPAN + _DAY_BASE
    records = (np.sort(contact_days), city.visit_day, city.volunteer_day, city.demands.known_days())
    activity = [days[[0, -1]] for days in records if len(days)]
    registered = [np.sort(city.member_registered)[[0, -1]]] if len(city.member_registered) else []
    if not activity and not registered:
        return None
    first = min(int(days[0]) for days in activity or registered)
    last = max(int(days[-1]) for days in activity + registered)
    return from_day_number(first), from_day_number(last)


def _count_in(keys: np.ndarray, positions: np.ndarray, after_day: int, upto_day: int) -> np.ndarray:
    """How many keys each member has with after_day < day <= upto_day."""
    base = positions * _DAY_SPAN - _DAY_BASE
    return np.searchsorted(keys, base + upto_day, side="right") - np.searchsorted(keys, base + after_day, side="right")


def _last_day(keys: np.ndarray, positions: np.ndarray, upto_day: int) -> np.ndarray:
    """Each member's latest day <= upto_day, or NO_DAY."""
    index = np.searchsorted(keys, positions * _DAY_SPAN - _DAY_BASE + upto_day, side="right") - 1
    found = keys[np.maximum(index, 0)] if len(keys) else np.zeros(len(positions), dtype=np.int64)
    mine = (index >= 0) & (found // _DAY_SPAN == positions)
    return np.where(mine, found % _DAY_SPAN + _DAY_BASE, NO_DAY)


def _member_events(events: pd.DataFrame | None) -> pd.DataFrame:
    if events is None:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in MEMBER_EVENT_COLUMNS})
    require_columns(events, MEMBER_EVENT_COLUMNS, "member events")
    return events


def _verification_keys(members: pd.DataFrame, events: pd.DataFrame, member_index: pd.Index) -> np.ndarray:
    """Every verification day of every member, as sorted (position, day) keys: each 核实日期, the current and the
    ones a change replaced (a verification happened on each)."""
    days_of = verification_days(members, events)
    positions = member_index.get_indexer(days_of[c.MEMBER_ID].to_numpy(dtype=np.int64))
    days = to_day_numbers(days_of["day"])
    keep = (positions >= 0) & (days != NO_DAY)
    return np.unique(positions[keep] * _DAY_SPAN + (days[keep] - _DAY_BASE))


def _left_active_days(events: pd.DataFrame, member_index: pd.Index) -> np.ndarray:
    """Per member, the day of the latest kept change from 在册 to another status (NO_DAY: none)."""
    status = events[events["field"] == "status"]
    left = status[(status["old"] == c.STATUS_ACTIVE) & (status["new"] != c.STATUS_ACTIVE)]
    positions = member_index.get_indexer(left[c.MEMBER_ID].to_numpy(dtype=np.int64))
    days = to_day_numbers(left["changed_on"])
    latest = np.full(len(member_index), NO_DAY, dtype=np.int64)
    keep = positions >= 0
    np.maximum.at(latest, positions[keep], days[keep])
    return latest


def compute_last_verified(city: CityArrays, *, end_day: int) -> np.ndarray:
    """Each member's last verification day by `end_day` (module docstring): the latest by then, else 报到日期."""
    positions = np.arange(len(city.member_ids), dtype=np.int64)
    verified = _last_day(city.verification_keys, positions, end_day)
    return np.where(verified != NO_DAY, np.maximum(verified, city.member_registered), city.member_registered)


def compute_member_states(city: CityArrays, *, end: date, thresholds: Thresholds) -> pd.DataFrame:
    """One row per member: whether active at `end`, last contact, and each per-member flag."""
    end_day = day_number(end)
    positions = np.arange(len(city.member_ids), dtype=np.int64)
    active = city.member_active_status & (city.member_registered <= end_day)
    last_contact = _last_day(city.contact_keys, positions, end_day)
    last_or_registered = np.where(last_contact == NO_DAY, city.member_registered, last_contact)
    days_since = end_day - last_or_registered
    contacts_in_window = _count_in(city.contact_keys, positions, end_day - thresholds.contact_window_days, end_day)
    three_way = np.ones(len(positions), dtype=bool)
    for side_keys in city.contact_side_keys:  # a contact of each side in the window: its last one by E is in it
        three_way &= _last_day(side_keys, positions, end_day) > end_day - thresholds.three_way_window_days
    last_verified = compute_last_verified(city, end_day=end_day)
    return pd.DataFrame(
        {
            c.MEMBER_ID: city.member_ids,
            "active": active,
            "last_contact_day": last_or_registered,
            "days_since_contact": days_since,
            "contacts_in_window": contacts_in_window,
            "contacted_in_window": contacts_in_window > 0,
            "overdue": days_since > thresholds.overdue_days,
            "lost_contact": days_since > thresholds.lost_contact_days,
            "three_way_complete": three_way,
            "has_liaison": city.member_has_liaison,
            "located": city.member_located,
            "station_covered": city.member_located & (city.member_station_day <= end_day),
            "last_verified_day": last_verified,
            "days_since_verified": end_day - last_verified,
            "verified_in_window": last_verified > end_day - thresholds.record_fresh_days,
        }
    )


def compute_member_flows(
    city: CityArrays, states: pd.DataFrame, *, end: date, thresholds: Thresholds, days: int = 7
) -> dict[str, np.ndarray]:
    """Per member (as `states`, compute_member_states at `end`): the period's flows (metrics.registry.FLOWS), each
    a bool array: newly_registered, members of any status registered in the period; and of the members active at
    `end`, those who, comparing the period's end B = end - days with `end`,
    - newly_overdue: are overdue at `end` and were not at B;
    - recontacted: were overdue at B and have a contact dated B+1..end;
    - newly_lost_contact: are at risk of lost contact at `end` and were not at B;
    - newly_three_way_complete: have 三联齐全 at `end` and had not at B;
    and left_active, those not active at `end` whose status left 在册 on B+1..end (as the member changes kept it).
    A member registered after B was neither overdue nor at risk at B (nobody is overdue on joining). Status is as
    recorded (only its kept changes are dated), so "active at B" is not asked."""
    end_day = day_number(end)
    before_day = end_day - days
    positions = np.arange(len(city.member_ids), dtype=np.int64)
    last_before = _last_day(city.contact_keys, positions, before_day)
    since_before = before_day - np.where(last_before == NO_DAY, city.member_registered, last_before)
    # One binary search per side (its last contact by B), not two (a count in the window): this runs every week
    window_start = before_day - thresholds.three_way_window_days
    three_way_before = np.ones(len(positions), dtype=bool)
    for side_keys in city.contact_side_keys:
        three_way_before &= _last_day(side_keys, positions, before_day) > window_start
    overdue_before = since_before > thresholds.overdue_days
    lost_before = since_before > thresholds.lost_contact_days
    # Overdue at B means registered by B - overdue_days: a last day after B is then a contact, not the registration
    contacted_since = states["last_contact_day"].to_numpy() > before_day
    active = states["active"].to_numpy()
    return {
        "newly_registered": (city.member_registered > before_day) & (city.member_registered <= end_day),
        "newly_overdue": active & states["overdue"].to_numpy() & ~overdue_before,
        "recontacted": active & overdue_before & contacted_since,
        "newly_lost_contact": active & states["lost_contact"].to_numpy() & ~lost_before,
        "newly_three_way_complete": active & states["three_way_complete"].to_numpy() & ~three_way_before,
        "left_active": (city.member_left_active > before_day) & (city.member_left_active <= end_day) & ~active,
    }


def compute_community_week(city: CityArrays, *, end: date, thresholds: Thresholds, days: int = 7) -> pd.DataFrame:
    """The additive parts of every indicator per community, for the period of `days` ending at `end`."""
    end_day = day_number(end)
    start_day = end_day - days + 1
    n = len(city.community_ids)
    states = compute_member_states(city, end=end, thresholds=thresholds)
    active = states["active"].to_numpy()
    in_area = city.member_community >= 0
    group = city.member_community[in_area]

    def per_community(flags: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        values = flags[in_area] if weights is None else np.where(flags, weights, 0)[in_area]
        return np.bincount(group, weights=values.astype(float), minlength=n)

    flows = compute_member_flows(city, states, end=end, thresholds=thresholds, days=days)

    visit_lo = np.searchsorted(city.visit_day, start_day, side="left")
    visit_hi = np.searchsorted(city.visit_day, end_day, side="right")
    visits_per_station = np.bincount(city.visit_station[visit_lo:visit_hi], minlength=len(city.station_ids))
    station_in_area = city.station_community >= 0
    station_open = city.station_opened <= end_day
    idle = station_open & (visits_per_station == 0) & station_in_area
    station_group = city.station_community[station_in_area]

    vol_lo = np.searchsorted(city.volunteer_day, start_day, side="left")
    vol_hi = np.searchsorted(city.volunteer_day, end_day, side="right")
    hours_per_member = np.bincount(
        city.volunteer_member[vol_lo:vol_hi],
        weights=city.volunteer_hours[vol_lo:vol_hi],
        minlength=len(city.member_ids),
    )

    parts = {
        "active_members": per_community(active),
        "new_registrations": per_community(flows["newly_registered"]),
        "contacted_in_window": per_community(active & states["contacted_in_window"].to_numpy()),
        "overdue": per_community(active & states["overdue"].to_numpy()),
        "lost_contact": per_community(active & states["lost_contact"].to_numpy()),
        "three_way_complete": per_community(active & states["three_way_complete"].to_numpy()),
        "contacts_in_window": per_community(active, states["contacts_in_window"].to_numpy()),
        "with_liaison": per_community(active & city.member_has_liaison),
        "located_members": per_community(active & city.member_located),
        "station_covered": per_community(active & states["station_covered"].to_numpy()),
        "station_visits": np.bincount(station_group, weights=visits_per_station[station_in_area], minlength=n),
        "idle_stations": np.bincount(station_group, weights=idle[station_in_area].astype(float), minlength=n),
        "volunteer_hours": per_community(np.ones(len(active), dtype=bool), hours_per_member),
        "volunteer_participants": per_community(active & (hours_per_member > 0)),
        "verified_in_window": per_community(active & states["verified_in_window"].to_numpy()),
    }
    parts |= {name: per_community(flows[name]) for name in FLOW_PARTS}
    demand_parts = compute_demand_period(
        city.demands, start=end - timedelta(days=days - 1), end=end, thresholds=thresholds
    )  # the same communities in the same order
    parts |= {name: demand_parts[name].to_numpy() for name in demand_parts.columns if name != c.COMMUNITY_ID}
    # Typed as numpy arrays, before the frame: a DataFrame.astype per week cost more than the week's counting
    return pd.DataFrame(
        {c.COMMUNITY_ID: city.community_ids}
        | {name: values if name in FRACTIONAL_PARTS else values.astype(np.int64) for name, values in parts.items()}
    )


def compute_weekly_summary(
    city: CityArrays,
    *,
    week_ends: Sequence[date],
    thresholds: Thresholds,
    on_week: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """`compute_community_week` for each ISO week ending on the given Sundays, with a week_start column.

    `on_week(done, total)` is called after each week, for a progress bar.
    """
    if not week_ends:
        return pd.DataFrame(columns=[c.WEEK_START, c.COMMUNITY_ID, *c.SUMMARY_COUNTS])
    frames = []
    for done, end in enumerate(week_ends, start=1):
        week = compute_community_week(city, end=end, thresholds=thresholds)
        frames.append(week.assign(**{c.WEEK_START: end - timedelta(days=6)}))
        if on_week:
            on_week(done, len(week_ends))
    return pd.concat(frames, ignore_index=True)[[c.WEEK_START, c.COMMUNITY_ID, *c.SUMMARY_COUNTS]]
