"""The only place that caches: the engine per URL, and small results keyed by small values.

Every loader takes the week and area as text, the database's data_version (an import bumps it, so
what was cached before goes stale) and the viewer's scope: caches are shared by all users, so the
scope is part of every key of scoped data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data_access.accounts import fetch_audit
from data_access.activity import fetch_contact_count_distribution, fetch_daily_contacts, fetch_volunteer_by_category
from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.demands import fetch_demand_records, fetch_overdue_demands
from data_access.engine import Engine, get_engine
from data_access.figures import fetch_areas, fetch_boundaries, fetch_registrations_by_channel
from data_access.history import fetch_community_paths, fetch_imports, fetch_member_history
from data_access.lookups import fetch_meta
from data_access.maps import fetch_member_locations
from data_access.members import fetch_member_list, fetch_member_record
from data_access.records import fetch_stations
from data_access.stations import fetch_station_visit_counts, fetch_visit_times
from ledgers.errors import LedgerFileError
from ledgers.sandbox import Vetted, vet
from metrics import columns as c
from metrics.density import MEMBERS, compute_density_grid, compute_open_station_points
from metrics.follow_up import WINDOWS, Closure, compute_closure, compute_follow_up_members
from metrics.funnel import Month
from metrics.member_lists import compute_member_list
from metrics.ordering import sort_by_pinyin
from metrics.periods import Week
from metrics.privacy import mask_member_frame, mask_name
from metrics.reconcile import MEMBER_NAME
from metrics.report import Figure
from metrics.stations import VisitPatterns, compute_visit_patterns
from services.figures import area_table, trend_table
from services.follow_up import fetch_follow_up
from services.funnel import registration_funnel
from services.movers import WhatMoved, member_flows, what_moved
from services.reconcile import fetch_queue
from services.report import weekly_report
from services.review import TREND_WEEKS
from settings import Settings
from ui import labels

SETTINGS = Settings.from_env()
YEAR_WEEKS = 52
_cached = st.cache_data(ttl=SETTINGS.cache_ttl_seconds, max_entries=256, show_spinner=False)


# Streamlit's own spinner would say "Running `load_engine(...)`." while a slow database answers.
@st.cache_resource(show_spinner=labels.DATABASE_CONNECTING)
def load_engine(url: str) -> Engine:
    return get_engine(url)


@st.cache_resource(show_spinner=False)
def refresh_lock() -> threading.Lock:
    """Held while this server recomputes stale weekly figures, so sessions starting together do it once."""
    return threading.Lock()


def engine() -> Engine:
    """The engine for DATABASE_URL as it is now (read each run, so a test or a restart can point elsewhere)."""
    return load_engine(Settings.from_env().resolved_database_url)


def load_meta() -> dict[str, str]:
    """Read on every run (one tiny query): its data_version keys the cached results below."""
    with engine().connect() as conn:
        return fetch_meta(conn)


def _fetch_week(fetch: Callable[..., pd.DataFrame], week: str, area: str, scope: str) -> pd.DataFrame:
    """A data_access query for the week's Monday to Sunday, the area and the viewer's scope."""
    current = Week.parse(week)
    with engine().connect() as conn:
        return fetch(conn, scope=Scope.parse(scope), area=AreaPath.parse(area), start=current.start, end=current.end)


@_cached
def load_areas(data_version: str) -> pd.DataFrame:
    """Every area (district, street, community) with its path and names, for pickers and breadcrumbs; in
    pinyin order of path, as a Chinese reader looks a name up."""
    with engine().connect() as conn:
        return sort_by_pinyin(fetch_areas(conn), c.PATH)


@_cached
def load_report(week: str, area: str, data_version: str, scope: str) -> dict[str, dict[str, Figure]]:
    """Every indicator for a week and area, exactly as `cli.py report` gives them."""
    return weekly_report(
        engine(),
        scope=Scope.parse(scope),
        week=Week.parse(week),
        area=AreaPath.parse(area),
        thresholds=SETTINGS.thresholds,
    )


@_cached
def load_trend(week: str, area: str, data_version: str, scope: str, weeks: int = TREND_WEEKS) -> pd.DataFrame:
    """Every indicator for each of the `weeks` weeks ending with `week`, indexed by the week's name (2026-W46)."""
    return trend_table(
        engine(), scope=Scope.parse(scope), area=AreaPath.parse(area), week=Week.parse(week), weeks=weeks,
        thresholds=SETTINGS.thresholds,
    )  # fmt: skip


def year_weeks(week: Week, first_precomputed: str | None, *, wanted: int = YEAR_WEEKS) -> int:
    """How many weeks the year chart shows: `wanted`, cut back to the precomputed weeks (12 at least).

    Weeks before the first precomputed one would be computed from the raw records, which for a
    big city takes long; the year chart is not worth that wait.
    """
    if not first_precomputed:
        return wanted
    available = (week.start - Week.containing(date.fromisoformat(first_precomputed)).start).days // 7 + 1
    return max(TREND_WEEKS, min(wanted, available))


def load_year_trend(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """`load_trend` over a year of weeks, or the precomputed part of it."""
    weeks = year_weeks(Week.parse(week), load_meta().get("summary_first_week"))
    return load_trend(week, area, data_version, scope, weeks=weeks)


@_cached
def load_children(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """One row per child area of `area` (districts of the city, and so on): path, name, every indicator
    for the week and, prefixed `previous_`, for the week before. Empty at community level."""
    parent = AreaPath.parse(area)
    if parent.child_level is None:
        return pd.DataFrame()
    return _area_table(week, parent, scope, parent.child_level)


@_cached
def load_area_table(week: str, area: str, data_version: str, scope: str, level: str) -> pd.DataFrame:
    """One row per area of `level` anywhere under `area` (every street of the city, not only its districts):
    path, name, every indicator for the week and, prefixed `previous_`, for the week before."""
    return _area_table(week, AreaPath.parse(area), scope, level)


def _area_table(week: str, area: AreaPath, scope: str, level: str) -> pd.DataFrame:
    """The areas of `level` under `area`, each with the week's indicators and last week's."""
    return area_table(
        engine(), scope=Scope.parse(scope), area=area, week=Week.parse(week), level=level,
        thresholds=SETTINGS.thresholds,
    )  # fmt: skip


@_cached
def load_registrations_by_channel(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """New registrations of the week per channel code. Columns: channel, registrations."""
    return _fetch_week(fetch_registrations_by_channel, week, area, scope)


@_cached
def load_funnel(week: str, area: str, data_version: str, scope: str, month: str) -> pd.DataFrame:
    """The registration funnel of `month`'s cohort in the area, with the contacts known by the week's end
    (services.funnel). Columns: step, count, share_of_previous, share_of_registered."""
    return registration_funnel(
        engine(),
        scope=Scope.parse(scope),
        area=AreaPath.parse(area),
        month=Month.parse(month),
        as_of=Week.parse(week).end,
        thresholds=SETTINGS.thresholds,
    )


# 联系情况 and 志愿服务
@_cached
def load_contact_distribution(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """Active members by number (>= 1) of contacts in the contact window ending at the week's end.
    Columns: contacts, members (metrics.activity.compute_contact_histogram fills in the zeros)."""
    end = Week.parse(week).end
    start = end - timedelta(days=SETTINGS.thresholds.contact_window_days - 1)
    with engine().connect() as conn:
        return fetch_contact_count_distribution(
            conn, scope=Scope.parse(scope), area=AreaPath.parse(area), start=start, end=end
        )


@_cached
def load_daily_contacts(week: str, area: str, data_version: str, scope: str, weeks: int = TREND_WEEKS) -> pd.DataFrame:
    """Contacts per day, side and method over the `weeks` weeks ending with `week`.
    Columns: contacted_on, side, method, contacts."""
    last = Week.parse(week)
    with engine().connect() as conn:
        return fetch_daily_contacts(
            conn,
            scope=Scope.parse(scope),
            area=AreaPath.parse(area),
            start=last.shifted(-(weeks - 1)).start,
            end=last.end,
        )


@_cached
def load_volunteer_by_category(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """Volunteer hours of the week per category code. Columns: category, hours, records, members."""
    return _fetch_week(fetch_volunteer_by_category, week, area, scope)


@_cached
def load_community_figures(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """One row per community under `area` (the community itself at community level): path, name, every
    indicator for the week and, prefixed `previous_`, for the week before."""
    return _area_table(week, AreaPath.parse(area), scope, "community")


# 驿站服务
@_cached
def load_station_visit_counts(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """Every station of the area with its visits in the week (0 for none).
    Columns: station_id, name, path, community, kind, opened_on, visits."""
    return _fetch_week(fetch_station_visit_counts, week, area, scope)


@_cached
def load_visit_patterns(week: str, area: str, data_version: str, scope: str) -> VisitPatterns:
    """The week's visits to the area's stations by weekday x hour and by service, and the demands collected."""
    times = _fetch_week(fetch_visit_times, week, area, scope)
    return compute_visit_patterns(times)


# 诉求办理
@_cached
def load_demand_records(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """The area's demands and wishes raised in the demand window ending with the week, or still open at its end
    (data_access.demands.fetch_demand_records; no personal data)."""
    end = Week.parse(week).end
    start = end - timedelta(days=SETTINGS.thresholds.demand_window_days - 1)
    with engine().connect() as conn:
        return fetch_demand_records(conn, scope=Scope.parse(scope), area=AreaPath.parse(area), start=start, end=end)


@_cached
def load_overdue_demands(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """The area's 诉求 open past demand_overdue_days at the week's end, with the member who raised each, name and
    phone masked before anything is cached. For street and community accounts."""
    with engine().connect() as conn:
        fetched = fetch_overdue_demands(
            conn,
            scope=Scope.parse(scope),
            area=AreaPath.parse(area),
            end=Week.parse(week).end,
            overdue_days=SETTINGS.thresholds.demand_overdue_days,
        )
    return mask_member_frame(fetched)


# 覆盖地图
# Side of a member-density grid cell in metres, by the level shown: a few pixels wide at any zoom, and at city
# level a payload the browser draws quickly (500 m cells over the whole city were 20,000 cells, 1.5 MB).
# A display choice, not a threshold.
DENSITY_CELL_M = {"city": 1500, "district": 800, "street": 400, "community": 250}
DENSITY_MIN_MEMBERS = 3  # a cell with fewer is not drawn: at 250 m one member's cell would all but locate them


@_cached
def load_community_boundaries(area: str, data_version: str, scope: str) -> pd.DataFrame:
    """The communities under `area` (the community itself at community level) that have a GeoJSON boundary
    (imported areas may have none). Columns: path, name, lon, lat, boundary (text, WGS-84)."""
    with engine().connect() as conn:
        frame = fetch_boundaries(conn, scope=Scope.parse(scope), area=AreaPath.parse(area), level="community")
    return frame[frame["boundary"].fillna("").str.strip() != ""].reset_index(drop=True)


@_cached
def load_district_boundaries(data_version: str) -> pd.DataFrame:
    """Every district with its GeoJSON boundary (the map's base). Columns: path, name, lon, lat, boundary."""
    with engine().connect() as conn:
        # District outlines are public geography, drawn as the base of every viewer's map: read for the city.
        return fetch_boundaries(conn, scope=CITY_SCOPE, area=AreaPath(), level="district")


@_cached
def load_member_density(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """Active members of `area` at the week's end per grid cell of DENSITY_CELL_M[level] metres (never one row
    per member). Columns: lon, lat (cell centre), members."""
    shown = AreaPath.parse(area)
    with engine().connect() as conn:
        located = fetch_member_locations(conn, scope=Scope.parse(scope), area=shown, end=Week.parse(week).end)
    grid = compute_density_grid(located, cell_m=DENSITY_CELL_M[shown.level])
    return grid[grid[MEMBERS] >= DENSITY_MIN_MEMBERS].reset_index(drop=True)


@_cached
def load_open_stations(week: str, data_version: str, scope: str) -> pd.DataFrame:
    """Every station open by the week's end, wherever it is (a station across a boundary still serves).
    Columns: name, lon, lat."""
    with engine().connect() as conn:
        stations = fetch_stations(conn, scope=Scope.parse(scope))
    return compute_open_station_points(stations, end=Week.parse(week).end)


# 区域下钻
@_cached
def load_member_list(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """Every active member of `area` at the week's end, with last contact, days since and the overdue and
    lost-contact flags (metrics.member_lists). Name, phone and liaison are masked here, before anything is
    cached: the unmasked rows never leave this function. Meant for a street or a community."""
    end = Week.parse(week).end
    with engine().connect() as conn:
        fetched = fetch_member_list(conn, scope=Scope.parse(scope), area=AreaPath.parse(area), end=end)
    masked = mask_member_frame(fetched, liaison_roles=labels.LIAISON_ROLES)
    thresholds = SETTINGS.thresholds
    return compute_member_list(
        masked,
        end=end,
        overdue_days=thresholds.overdue_days,
        lost_contact_days=thresholds.lost_contact_days,
        record_fresh_days=thresholds.record_fresh_days,
    )


@_cached
def load_what_moved(week: str, area: str, data_version: str, scope: str) -> WhatMoved:
    """The week's change of every indicator split over the child areas, and the member flows (services.movers)."""
    view = {"scope": Scope.parse(scope), "area": AreaPath.parse(area), "week": Week.parse(week)}
    return what_moved(engine(), **view, thresholds=SETTINGS.thresholds)


@_cached
def load_flow_members(week: str, area: str, data_version: str, scope: str) -> pd.DataFrame:
    """The masked member list (load_member_list) of the members in one of the week's flows, one bool column per
    flow; those who are no longer active are not listed (a new registration may have left since)."""
    view = {"scope": Scope.parse(scope), "area": AreaPath.parse(area), "week": Week.parse(week)}
    flows = member_flows(engine(), **view, thresholds=SETTINGS.thresholds)
    return load_member_list(week, area, data_version, scope).merge(flows, on=c.MEMBER_ID, how="inner")


@st.cache_data(ttl=SETTINGS.cache_ttl_seconds, max_entries=32, show_spinner=False)
def load_vetted_upload(name: str, digest: str, _content: bytes) -> Vetted | LedgerFileError:
    """An upload read whole in a child process held to a memory limit (ledgers/sandbox.py): its preview, or
    why it was refused. Keyed by name and content digest, so a rerun of the import page reads nothing again,
    a refusal included (hence returned, not raised)."""
    try:
        return vet(_content, name)
    except LedgerFileError as exc:
        return exc


def read_member_record(member_id: int, scope: str) -> dict | None:
    """One member's full record for an explicit reveal: never cached, None outside the viewer's scope."""
    with engine().connect() as conn:
        return fetch_member_record(conn, scope=Scope.parse(scope), member_id=member_id)


def read_follow_up(week: str, area: str, scope: str) -> tuple[dict[int, Closure], pd.DataFrame]:
    """How far the overdue and lost-contact lists exported in the 7 and 14 days ending with the week's end got
    (metrics.follow_up.WINDOWS), and the fortnight's listed members, pending first, name, phone and liaison
    masked. Never cached: an export adds a list without changing the data version. For street and community
    accounts."""
    as_of = Week.parse(week).end
    longest = max(WINDOWS)
    rows = fetch_follow_up(engine(), scope=Scope.parse(scope), area=AreaPath.parse(area), as_of=as_of,
                           window_days=longest)  # fmt: skip
    masked = mask_member_frame(rows, liaison_roles=labels.LIAISON_ROLES)
    closures = {days: compute_closure(masked, as_of=as_of, window_days=days) for days in WINDOWS}
    return closures, compute_follow_up_members(masked, as_of=as_of, window_days=longest)


def read_audit() -> pd.DataFrame:
    """The latest audit rows, newest first (never cached: the trail must be current)."""
    with engine().connect() as conn:
        return fetch_audit(conn)


def read_community_paths() -> dict[str, str]:
    """Community id (as member changes store it) -> its path; never cached: an import may have just added one."""
    with engine().connect() as conn:
        return fetch_community_paths(conn)


def read_imports() -> pd.DataFrame:
    """The latest imports, newest first (never cached: the page shows the import it just ran)."""
    with engine().connect() as conn:
        return fetch_imports(conn)


def read_member_history(member_id: int, scope: str) -> pd.DataFrame:
    """One member's changes, oldest first, for the revealed record; empty outside the viewer's scope."""
    with engine().connect() as conn:
        return fetch_member_history(conn, scope=Scope.parse(scope), member_id=member_id)


def read_reconcile(area: str, scope: str) -> pd.DataFrame:
    """The current items of the outside lists under `area` (services.reconcile.fetch_queue), names and phones masked
    for street and community accounts (the others get none). Never cached: a resolution changes it without changing
    the data version."""
    items = fetch_queue(engine(), scope=Scope.parse(scope), area=AreaPath.parse(area))
    if c.NAME not in items.columns:
        return items
    masked = mask_member_frame(items)
    return masked.assign(**{MEMBER_NAME: [mask_name(name) for name in items[MEMBER_NAME]]})
