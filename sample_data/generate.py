"""A seeded synthetic Wuhan: areas, members, contacts, stations, visits and volunteer records.

Everything random comes from one `np.random.default_rng(seed)`; the end date is passed in, so the
same seed and end date give the same city. Patterns that make the charts meaningful:
- station visits peak at lunch and in the evening, and dip when riders go home for Spring Festival;
- outflow members are visited at home around Spring Festival by their home organisation;
- volunteer hours peak in late June (党员义务奉献日), with snow clearing in winter;
- about one community in ten lags on contacts and liaisons; a few stations sit idle;
- demands are mostly raised at stations and on home visits and resolved in days to weeks, a few stay open for
  months, and about one community in eight is slow to close them; wishes are mostly fulfilled in a wave around
  党员义务奉献日 at the end of June.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics import columns as c
from sample_data import geometry, names

HISTORY_WEEKS = 104
SPREAD = 0.008  # degrees (~800 m): how far members live from their community's centre
SPRING_FESTIVALS = (date(2023, 1, 22), date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6))


@dataclass(frozen=True)
class SizeSpec:
    members: int
    streets_per_district: int
    communities_per_street: int
    stations: int
    visits_per_member: float = 20.0
    volunteer_records_per_member: float = 8.0
    contacts_per_30_days: float = 1.3
    demands_per_member: float = 1.5  # demands and wishes over the two years


SIZES = {
    "demo": SizeSpec(members=3_000, streets_per_district=3, communities_per_street=4, stations=60),
    "city": SizeSpec(members=200_000, streets_per_district=12, communities_per_street=10, stations=900),
    # For bench/bench_scale.py: how the costs grow with the members (a province is several such cities)
    "city-50k": SizeSpec(members=50_000, streets_per_district=6, communities_per_street=8, stations=250),
    "city-1m": SizeSpec(members=1_000_000, streets_per_district=12, communities_per_street=30, stations=4_500),
}


def data_end(until: date) -> date:
    """The Sunday that closes the last complete week on or before `until`."""
    return until - timedelta(days=(until.weekday() + 1) % 7)


def _days(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _pick(rng: np.random.Generator, options: tuple[str, ...], weights: list[float], size: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=np.asarray(weights) / sum(weights))]


def _person_names(rng: np.random.Generator, size: int) -> np.ndarray:
    surnames = np.asarray(names.SURNAMES)[rng.integers(len(names.SURNAMES), size=size)]
    first = np.asarray(names.GIVEN_CHARACTERS)[rng.integers(len(names.GIVEN_CHARACTERS), size=size)]
    second = np.asarray(names.GIVEN_CHARACTERS)[rng.integers(len(names.GIVEN_CHARACTERS), size=size)]
    two_characters = rng.random(size) < 0.6
    return np.where(
        two_characters, np.char.add(np.char.add(surnames, first), second), np.char.add(surnames, first)
    ).astype(object)


def _build_areas(spec: SizeSpec, rng: np.random.Generator) -> tuple[pd.DataFrame, list]:
    """Districts (real boundaries), streets and communities (Voronoi splits); also the community polygons."""
    boundaries = geometry.load_district_boundaries()
    rows: list[dict] = []
    community_polygons = []

    def add(level: str, district: str, street: str | None, community: str | None, parent: int | None, shape) -> int:
        lon, lat = geometry.centroid_lonlat(shape)
        path = "/".join(part for part in (district, street, community) if part)
        rows.append(
            dict(
                id=len(rows) + 1,
                level=level,
                path=path,
                district=district,
                street=street,
                community=community,
                parent_id=parent,
                lon=lon,
                lat=lat,
                boundary=geometry.to_geojson_text(shape),
            )
        )
        return len(rows)

    for district, (streets, _weight) in names.DISTRICTS.items():
        district_id = add("district", district, None, None, None, boundaries[district])
        street_names = streets[: spec.streets_per_district]
        for street, street_shape in zip(
            street_names, geometry.split_polygon(boundaries[district], len(street_names), rng), strict=True
        ):
            street_id = add("street", district, street, None, district_id, street_shape)
            seeded = names.SEED_COMMUNITIES.get((district, street), ())
            stems = [s for s in names.COMMUNITY_STEMS if s + "社区" not in seeded]
            drawn = [
                stems[i] + "社区" for i in rng.permutation(len(stems))[: spec.communities_per_street - len(seeded)]
            ]
            community_names = [*seeded, *drawn]
            for community, shape in zip(
                community_names, geometry.split_polygon(street_shape, len(community_names), rng), strict=True
            ):
                add("community", district, street, community, street_id, shape)
                community_polygons.append(shape)
    return pd.DataFrame(rows), community_polygons


def _build_members(spec, rng, areas, polygons, start, end) -> tuple[pd.DataFrame, np.ndarray]:
    """Members, and a per-community flag of the communities that lag on contacts."""
    communities = areas[areas["level"] == "community"].reset_index(drop=True)
    district_weight = communities["district"].map({d: w for d, (_, w) in names.DISTRICTS.items()}).to_numpy()
    weights = district_weight * rng.lognormal(0.0, 0.5, len(communities))
    per_community = rng.multinomial(spec.members, weights / weights.sum())
    lagging = rng.random(len(communities)) < 0.1
    n = int(per_community.sum())
    community_pos = np.repeat(np.arange(len(communities)), per_community)

    centres = communities[["lon", "lat"]].to_numpy()
    coords = np.vstack(
        [
            geometry.random_points_around(polygons[i], centres[i], SPREAD, k, rng)
            for i, k in enumerate(per_community)
            if k
        ]
    )
    coords[rng.random(n) < 0.05] = np.nan  # some ledgers lack coordinates

    flow = _pick(rng, c.FLOW_TYPES, [0.7, 0.3], n)
    occupation = _pick(rng, c.OCCUPATIONS, [20, 12, 8, 5, 30, 10, 8, 7], n)
    before_window = rng.random(n) < 0.55
    registered = np.where(
        before_window,
        _days(start) - rng.integers(1, 3 * 365, n),
        _days(start) + rng.integers(0, (end - start).days + 1, n),
    ).astype("datetime64[D]")
    liaison_rate = np.where(lagging[community_pos], 0.55, 0.92)
    liaison = np.char.add(
        np.asarray(names.LIAISON_ROLES)[rng.integers(len(names.LIAISON_ROLES), size=n)].astype(str),
        _person_names(rng, n).astype(str),
    ).astype(object)
    employer = np.array([rng.choice(names.EMPLOYERS[o]) for o in names.EMPLOYERS], dtype=object)
    employer_by_occupation = dict(zip(names.EMPLOYERS, employer, strict=True))
    home_org = np.char.add(
        np.asarray(names.HOME_PLACES)[rng.integers(len(names.HOME_PLACES), size=n)],
        np.asarray(names.HOME_ORG_SUFFIXES)[rng.integers(len(names.HOME_ORG_SUFFIXES), size=n)],
    ).astype(object)
    phone_prefixes = np.array(
        [130, 131, 132, 135, 136, 137, 138, 139, 150, 151, 155, 158, 166, 177, 180, 186, 188, 189, 199]
    )
    phones = phone_prefixes[rng.integers(len(phone_prefixes), size=n)] * 10**8 + rng.choice(
        10**8, size=n, replace=False
    )
    members = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "name": _person_names(rng, n),
            "phone": phones.astype(str).astype(object),
            "flow_type": flow,
            "community_id": communities["id"].to_numpy()[community_pos],
            "registered_on": registered,
            "gender": np.where(rng.random(n) < 0.65, "M", "F").astype(object),
            "birth_date": (_days(end) - rng.integers(22 * 365, 75 * 365, n)).astype("datetime64[D]"),
            "home_org": np.where(flow == "outflow", None, home_org),
            "employer": pd.Series(occupation).map(employer_by_occupation).replace("", None).to_numpy(dtype=object),
            "occupation": occupation,
            "channel": _pick(rng, c.CHANNELS, [45, 25, 15, 12, 3], n),
            "liaison": np.where(rng.random(n) < liaison_rate, liaison, None),
            "status": _pick(rng, c.STATUSES, [86, 6, 5, 3], n),
            "lon": coords[:, 0].round(6),
            "lat": coords[:, 1].round(6),
        }
    )
    return members, lagging[community_pos]


def _build_contacts(spec, rng, members, member_lags, start, end) -> pd.DataFrame:
    n = len(members)
    first_day = np.maximum(members["registered_on"].to_numpy(dtype="datetime64[D]"), _days(start))
    span = (_days(end) - first_day).astype(np.int64) + 1
    rate = rng.gamma(4.0, spec.contacts_per_30_days / 4.0, n) * np.where(member_lags, 0.3, 1.0)
    rate *= np.where(members["status"].to_numpy() == "lost", 0.2, 1.0)
    counts = rng.poisson(rate * span / 30.0)
    who = np.repeat(np.arange(n), counts)
    day = first_day[who] + (rng.random(len(who)) * span[who]).astype(np.int64)
    inflow = members["flow_type"].to_numpy()[who] == "inflow"
    u = rng.random(len(who))
    side = np.where(
        inflow, np.where(u < 0.5, 1, np.where(u < 0.7, 0, 2)), np.where(u < 0.55, 0, np.where(u < 0.7, 1, 2))
    )
    method = rng.choice(len(c.METHODS), size=len(who), p=[0.4, 0.35, 0.15, 0.1])

    # Outflow members come home for Spring Festival; their home organisation visits them there.
    outflow = np.flatnonzero(members["flow_type"].to_numpy() == "outflow")
    festivals = [_days(f) for f in SPRING_FESTIVALS if start <= f <= end]
    extra_who, extra_day = [], []
    for festival in festivals:
        visited = outflow[rng.random(len(outflow)) < 0.6]
        extra_who.append(visited)
        extra_day.append(festival + rng.integers(-10, 11, len(visited)))
    if festivals:
        who = np.concatenate([who, *extra_who])
        day = np.concatenate([day, *extra_day]).astype("datetime64[D]")
        side = np.concatenate([side, np.zeros(sum(map(len, extra_who)), dtype=side.dtype)])
        method = np.concatenate([method, np.full(sum(map(len, extra_who)), c.METHODS.index("home_visit"))])
    frame = pd.DataFrame(
        {
            "member_id": members["id"].to_numpy()[who],
            "contacted_on": day,
            "side": pd.Categorical.from_codes(side, categories=c.SIDES),
            "method": pd.Categorical.from_codes(method, categories=c.METHODS),
        }
    )
    frame = frame[frame["contacted_on"] >= members["registered_on"].to_numpy()[who]]
    frame = frame.drop_duplicates(["member_id", "contacted_on", "side", "method"]).sort_values(
        ["contacted_on", "member_id"]
    )
    return frame.assign(id=np.arange(1, len(frame) + 1), liaison=None)[
        ["id", "member_id", "contacted_on", "side", "method", "liaison"]
    ]


def _build_stations(spec, rng, areas, polygons, members, start) -> pd.DataFrame:
    communities = areas[areas["level"] == "community"].reset_index(drop=True)
    member_counts = members["community_id"].value_counts().reindex(communities["id"], fill_value=0).to_numpy() + 1.0
    pos = rng.choice(len(communities), size=spec.stations, p=member_counts / member_counts.sum())
    kind_code = rng.choice(len(c.STATION_KINDS), size=spec.stations, p=[0.2, 0.35, 0.25, 0.15, 0.05])
    centres = communities[["lon", "lat"]].to_numpy()
    coords = np.vstack([geometry.random_points_around(polygons[p], centres[p], SPREAD / 2, 1, rng) for p in pos])
    taken: set[str] = set()
    station_names = []
    for p, k in zip(pos, kind_code, strict=True):
        base, suffix, number = communities.loc[p, "community"], names.STATION_SUFFIXES[c.STATION_KINDS[k]], 1
        name = base + suffix
        while name in taken:
            number += 1
            name = f"{base}{number}号{suffix}"
        taken.add(name)
        station_names.append(name)
    u = rng.random(spec.stations)
    opened = np.where(
        u < 0.65,
        _days(start) - rng.integers(30, 3 * 365, spec.stations),
        _days(start) + rng.integers(0, HISTORY_WEEKS * 7 - 14, spec.stations),
    ).astype("datetime64[D]")
    services = [
        ",".join(sorted(rng.choice(c.SERVICES[:7], size=rng.integers(3, 7), replace=False), key=c.SERVICES.index))
        for _ in range(spec.stations)
    ]
    return pd.DataFrame(
        {
            "id": np.arange(1, spec.stations + 1),
            "name": station_names,
            "community_id": communities["id"].to_numpy()[pos],
            "lon": coords[:, 0].round(6),
            "lat": coords[:, 1].round(6),
            "kind": np.asarray(c.STATION_KINDS, dtype=object)[kind_code],
            "opened_on": pd.Series(opened).mask(u > 0.95),  # a few ledgers lack the opening date
            "services": services,
        }
    )


def _build_visits(spec, rng, stations, members, start, end) -> pd.DataFrame:
    opened = stations["opened_on"].fillna(pd.Timestamp(start)).to_numpy(dtype="datetime64[D]")
    first_day = np.maximum(opened, _days(start))
    span = np.maximum((_days(end) - first_day).astype(np.int64) + 1, 0)
    busy = rng.lognormal(0.0, 0.8, len(stations)) * (rng.random(len(stations)) > 0.08)  # ~8% idle
    expected = busy * span
    counts = rng.multinomial(int(spec.visits_per_member * len(members)), expected / expected.sum())
    at = np.repeat(np.arange(len(stations)), counts)
    day = first_day[at] + (rng.random(len(at)) * span[at]).astype(np.int64)
    # Riders go home for Spring Festival: most visits in those two weeks do not happen.
    for festival in SPRING_FESTIVALS:
        away = (np.abs((day - _days(festival)).astype(np.int64)) <= 7) & (rng.random(len(at)) < 0.7)
        day = day[~away]
        at = at[~away]
    mixture = rng.random(len(at))
    hour = np.where(
        mixture < 0.38,
        rng.normal(12.3, 0.8, len(at)),
        np.where(mixture < 0.75, rng.normal(18.7, 1.1, len(at)), rng.uniform(7.0, 22.0, len(at))),
    )
    round_the_clock = stations["kind"].to_numpy()[at] == "post_24h"
    hour = np.where(round_the_clock, hour, np.clip(hour, 7.0, 21.99))
    seconds = (np.mod(hour, 24.0) * 3600).astype(np.int64)
    visited_at = day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")

    # About half the visitors are members, drawn from the station's community.
    by_community = members.sort_values("community_id")
    community_of = by_community["community_id"].to_numpy()
    station_community = stations["community_id"].to_numpy()[at]
    lo = np.searchsorted(community_of, station_community, side="left")
    hi = np.searchsorted(community_of, station_community, side="right")
    pick = lo + (rng.random(len(at)) * (hi - lo)).astype(np.int64)
    is_member = (rng.random(len(at)) < 0.55) & (hi > lo)
    chosen = by_community["id"].to_numpy()[np.minimum(pick, len(community_of) - 1)]
    service = rng.choice(len(c.SERVICES), size=len(at), p=[0.24, 0.2, 0.25, 0.08, 0.07, 0.05, 0.08, 0.03])
    frame = pd.DataFrame(
        {
            "station_id": stations["id"].to_numpy()[at],
            "visited_at": visited_at,
            "service": pd.Categorical.from_codes(service, categories=c.SERVICES),
            "member_id": pd.Series(chosen).astype("Int64").mask(~is_member),
        }
    )
    frame = frame.drop_duplicates(["station_id", "visited_at", "service", "member_id"]).sort_values(
        ["visited_at", "station_id"]
    )
    return frame.assign(id=np.arange(1, len(frame) + 1))[["id", "station_id", "visited_at", "service", "member_id"]]


def _build_volunteer(spec, rng, members, areas, start, end) -> pd.DataFrame:
    n_records = int(spec.volunteer_records_per_member * len(members))
    propensity = np.where(rng.random(len(members)) < 0.4, rng.lognormal(0.0, 0.7, len(members)), 0.05)
    propensity *= np.where(members["status"].to_numpy() == "active", 1.0, 0.2)
    who = rng.choice(len(members), size=n_records, p=propensity / propensity.sum())
    days = np.zeros(n_records, dtype="datetime64[D]")
    category = np.zeros(n_records, dtype=np.int64)
    kind = rng.choice(4, size=n_records, p=[0.7, 0.2, 0.05, 0.05])
    years = [y for y in range(start.year, end.year + 1)]
    everyday = [c.VOLUNTEER_CATEGORIES.index(k) for k in ("governance", "mediation", "civility", "elder_care", "other")]
    seasons = {  # kind: (category, month-day from, month-day to)
        1: ("dedication_day", (6, 16), (6, 30)),
        2: ("snow_clearing", (1, 5), (2, 10)),
        3: ("drowning_prevention", (7, 1), (8, 31)),
    }
    mask = kind == 0
    days[mask] = _days(start) + rng.integers(0, (end - start).days + 1, mask.sum())
    category[mask] = np.asarray(everyday)[rng.integers(len(everyday), size=mask.sum())]
    for k, (name, (m1, d1), (m2, d2)) in seasons.items():
        mask = kind == k
        year = np.asarray(years)[rng.integers(len(years), size=mask.sum())]
        first = np.array([date(y, m1, d1) for y in year], dtype="datetime64[D]")
        last_offset = (date(2001, m2, d2) - date(2001, m1, d1)).days
        days[mask] = first + rng.integers(0, last_offset + 1, mask.sum())
        category[mask] = c.VOLUNTEER_CATEGORIES.index(name)
    inside = (days >= _days(start)) & (days <= _days(end))
    who, days, category = who[inside], days[inside], category[inside]
    hours = np.where(
        category == c.VOLUNTEER_CATEGORIES.index("dedication_day"),
        rng.choice([2.0, 3.0, 4.0], size=len(who)),
        rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], size=len(who)),
    )
    community_id = members["community_id"].to_numpy()[who]
    community_name = areas.set_index("id")["community"]
    labels = np.asarray([names.VOLUNTEER_ACTIVITIES[k] for k in c.VOLUNTEER_CATEGORIES], dtype=object)
    frame = pd.DataFrame(
        {
            "activity": community_name.reindex(community_id).to_numpy(dtype=object) + labels[category],
            "activity_on": days,
            "member_id": members["id"].to_numpy()[who],
            "hours": hours,
            "category": pd.Categorical.from_codes(category, categories=c.VOLUNTEER_CATEGORIES),
            "community_id": community_id,
        }
    )
    frame = frame.drop_duplicates(["activity", "activity_on", "member_id"]).sort_values(["activity_on", "member_id"])
    return frame.assign(id=np.arange(1, len(frame) + 1))[
        ["id", "activity", "activity_on", "member_id", "hours", "category", "community_id"]
    ]


DEDICATION_DAY = (6, 30)  # 党员义务奉献日 falls in the last days of June; the wave of wishes ends on it


def _build_demands(spec, rng, members, stations, start, end) -> pd.DataFrame:
    """The 诉求台账: demands raised by members and wishes members claimed, with their progress at `end`."""
    n = int(spec.demands_per_member * len(members))
    member = rng.integers(len(members), size=n)
    community_id = members["community_id"].to_numpy()[member]
    communities = np.unique(members["community_id"].to_numpy())
    slow = pd.Index(communities[rng.random(len(communities)) < 0.125])  # communities slow to close
    is_slow = slow.get_indexer(community_id) >= 0
    is_wish = rng.random(n) < 0.35
    span = (end - start).days + 1

    raised = _days(start) + rng.integers(0, span, n)
    days_open = np.ceil(rng.lognormal(np.log(6.0), 0.9, n) * np.where(is_slow, 4.0, 1.0)).astype(np.int64)
    days_open[rng.random(n) < 0.25] = 0  # settled on the spot
    long_open = rng.random(n) < np.where(is_slow, 0.15, 0.03)
    days_open[long_open] = rng.integers(45, 300, long_open.sum())  # left open for months
    # Most wishes are collected in June and fulfilled in the last ten days before 党员义务奉献日.
    in_wave = is_wish & (rng.random(n) < 0.6)
    years = np.arange(start.year, end.year + 1)
    wave_year = years[rng.integers(len(years), size=n)]
    month, day = DEDICATION_DAY
    wave_end = np.array([date(int(y), month, day) for y in wave_year], dtype="datetime64[D]")
    wave_raised = wave_end - rng.integers(7, 30, n)
    wave_resolved = wave_end - rng.integers(0, 10, n)
    raised = np.where(in_wave, wave_raised, raised)
    resolved = np.where(in_wave, np.maximum(wave_resolved, wave_raised), raised + days_open)
    inside = (raised >= _days(start)) & (raised <= _days(end))

    withdrawn = rng.random(n) < 0.03
    done = (resolved <= _days(end)) & ~withdrawn
    fresh = (_days(end) - raised).astype(np.int64) <= 3
    status = np.where(withdrawn, c.DEMAND_WITHDRAWN, np.where(done, c.DEMAND_RESOLVED, "in_progress"))
    status = np.where(~done & ~withdrawn & fresh, "accepted", status)

    source = np.where(
        is_wish,
        _pick(rng, c.DEMAND_SOURCES, [30, 15, 5, 10, 38, 2], n),
        _pick(rng, c.DEMAND_SOURCES, [40, 30, 12, 10, 5, 3], n),
    )
    # A demand raised at a station names one of its community's stations.
    by_community = stations.sort_values("community_id")
    station_community = by_community["community_id"].to_numpy()
    lo = np.searchsorted(station_community, community_id, side="left")
    hi = np.searchsorted(station_community, community_id, side="right")
    at = np.minimum(lo + (rng.random(n) * (hi - lo)).astype(np.int64), len(by_community) - 1)
    source = np.where((source == "station") & (hi == lo), "visit", source)  # no station: heard on a home visit
    station_id = pd.Series(by_community["id"].to_numpy()[at]).astype("Int64").mask(source != "station")

    asked = done & ~is_wish & (rng.random(n) < 0.7)
    satisfaction = _pick(rng, c.SATISFACTIONS, [75, 18, 7], n)
    satisfaction = np.where(is_slow & (rng.random(n) < 0.25), "dissatisfied", satisfaction)
    topics = np.where(
        is_wish,
        np.asarray(names.WISH_TOPICS, dtype=object)[rng.integers(len(names.WISH_TOPICS), size=n)],
        np.asarray(names.DEMAND_TOPICS, dtype=object)[rng.integers(len(names.DEMAND_TOPICS), size=n)],
    )
    claimed = ~is_wish | done  # a wish names its member once someone claimed it
    frame = pd.DataFrame(
        {
            "kind": np.where(is_wish, c.KIND_WISH, c.KIND_DEMAND).astype(object),
            "raised_on": raised,
            "community_id": community_id,
            "status": status.astype(object),
            "resolved_on": pd.Series(resolved).where(done),
            "content": topics,
            "source": source,
            "station_id": station_id,
            "member_id": pd.Series(members["id"].to_numpy()[member]).astype("Int64").where(claimed),
            "satisfaction": pd.Series(satisfaction.astype(object)).where(asked),
        }
    )[inside].sort_values(["raised_on", "community_id"], kind="stable")
    prefix = np.where(frame["kind"].to_numpy() == c.KIND_WISH, "XY", "SQ").astype(object)
    year = pd.to_datetime(frame["raised_on"]).dt.year.astype(str).to_numpy(dtype=object)
    sequence = pd.Series(np.arange(1, len(frame) + 1)).astype(str).str.zfill(6).to_numpy(dtype=object)
    frame.insert(0, "number", prefix + year + "-" + sequence)
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def _verification_days(rng, members, member_lags, end) -> np.ndarray:
    """Each member's 核实日期: most records checked in the last 90 days, some stale, some never (NaT); more of both
    in the communities that lag on contacts. Never before registration nor after `end`."""
    n = len(members)
    registered = members["registered_on"].to_numpy(dtype="datetime64[D]")
    since = (_days(end) - registered).astype(np.int64)  # days from registration to the data's end
    draw = rng.random(n)
    never = draw < np.where(member_lags, 0.25, 0.08)
    stale = ~never & (draw < np.where(member_lags, 0.55, 0.2)) & (since > 90)
    fresh_age = np.minimum(rng.integers(0, 90, n), since)
    stale_age = 91 + (rng.random(n) * np.maximum(since - 91, 0)).astype(np.int64)
    verified = _days(end) - np.where(stale, stale_age, fresh_age).astype("timedelta64[D]")
    return np.where(never, np.datetime64("NaT"), verified).astype("datetime64[D]")


def generate(seed: int, *, until: date, size: str = "demo") -> dict[str, pd.DataFrame]:
    """The synthetic city's tables, keyed by table name, with data up to the Sunday on or before `until`."""
    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    end = data_end(until)
    start = end - timedelta(days=HISTORY_WEEKS * 7 - 1)
    areas, polygons = _build_areas(spec, rng)
    members, member_lags = _build_members(spec, rng, areas, polygons, start, end)
    stations = _build_stations(spec, rng, areas, polygons, members, start)
    tables = {
        "areas": areas,
        "members": members,
        "contacts": _build_contacts(spec, rng, members, member_lags, start, end),
        "stations": stations,
        "station_visits": _build_visits(spec, rng, stations, members, start, end),
        "volunteer_records": _build_volunteer(spec, rng, members, areas, start, end),
        "demands": _build_demands(spec, rng, members, stations, start, end),
    }
    # Drawn last, so that the records above are those of the seed before there were 核实日期
    return tables | {"members": members.assign(verified_on=_verification_days(rng, members, member_lags, end))}
