"""Every indicator on the hand-built tiny city, at its edges, on SQLite and PostgreSQL.

Week 2026-W46 runs 2026-11-09..15 (E = 11-15); the week before ends on 11-08. The expected
figures are worked out by hand in the comments from tests/tiny_city.py.
"""

from __future__ import annotations

import pytest

from data_access.areas import CITY_SCOPE, AreaPath
from metrics.periods import Week
from metrics.registry import REPORT_KEYS
from metrics.report import compute_report
from metrics.thresholds import Thresholds
from services.refresh import compute_area_totals
from services.report import UnknownAreaError, weekly_report

WEEK = Week.parse("2026-W46")
THRESHOLDS = Thresholds()


@pytest.fixture(params=["precomputed", "raw"])
def report_of(request, tiny_engine):
    """The report through the precomputed weekly figures, or computed from the raw records."""

    def report(area: str = "", week: Week = WEEK) -> dict:
        path = AreaPath.parse(area)
        if request.param == "precomputed":
            return weekly_report(tiny_engine, scope=CITY_SCOPE, week=week, area=path, thresholds=THRESHOLDS)
        totals = compute_area_totals(
            tiny_engine, scope=CITY_SCOPE, area=path, weeks=[week, week.previous], thresholds=THRESHOLDS
        )
        return compute_report(totals[week.start], totals[week.previous.start])

    return report


def values(report: dict, key: str) -> tuple:
    return report[key]["value"], report[key]["previous"]


def test_active_members_exclude_other_statuses_and_later_registrations(report_of):
    # Active at 11-15: m1-m5, m8, m9 (m6 returned, m7 registered 11-20 after E). At 11-08 also 7.
    assert values(report_of(), "active_members") == (7, 7)


def test_new_registrations_count_any_status(report_of):
    # W46: m6 (returned, registered 11-10). W45: m5 (11-05). m7 registers after both weeks.
    assert values(report_of(), "new_registrations") == (1, 1)


def test_contact_coverage_window_edges(report_of):
    # W46 window 10-16 < d <= 11-15: m1 (10-17, 29 days before E: in), m8 (11-15), m9 (11-01);
    # m2 (10-16, exactly 30 days before: out). W45 window 10-09 < d <= 11-08: m1, m2, m3, m9.
    assert values(report_of(), "contact_coverage") == pytest.approx((3 / 7, 4 / 7))
    assert values(report_of(), "contacts_per_member_30d") == pytest.approx((3 / 7, 4 / 7))


def test_overdue_and_lost_contact(report_of):
    # At 11-15: m3 last contact 31 days ago (overdue); m2 exactly 30 (not overdue); m4 never contacted,
    # registered 100 days ago (overdue and lost); m5 never contacted, registered 10 days ago (fine).
    # At 11-08: m4 (93 days, lost) and m8 (last contact 10-01, 38 days).
    assert values(report_of(), "overdue") == (2, 2)
    assert values(report_of(), "lost_contact") == (1, 1)


def test_three_way_complete_needs_all_three_sides_within_90_days(report_of):
    # m8: outflow 09-01, inflow 10-01, member 11-15 (on E). Before 11-15 the member side is missing.
    assert values(report_of(), "three_way_complete") == pytest.approx((1 / 7, 0.0))


def test_liaison_coverage(report_of):
    assert values(report_of(), "liaison_coverage") == pytest.approx((6 / 7, 6 / 7))


def test_station_coverage_to_the_metre(report_of):
    # Located active members: m1 (500 m), m3 (1,500 m), m4 (999 m), m5 (1,001 m), m8 (near station Y,
    # which opens 11-16, after E), m9 (200 m from X across the community boundary). m2 has no coordinates.
    assert values(report_of(), "station_coverage") == pytest.approx((3 / 6, 3 / 6))


def test_station_visits_and_idle_stations(report_of):
    # X: 11-09 00:00:00 and 11-15 23:59:59 in W46, 11-16 00:00 after, 11-08 12:00 in W45.
    # Y opens after E, so it is not idle yet.
    assert values(report_of(), "station_visits") == (2, 1)
    assert values(report_of(), "idle_stations") == (0, 0)


def test_idle_station_once_open(report_of):
    # W47: Y is open from 11-16 with no visit; X has its 11-16 visit.
    assert values(report_of(week=Week.parse("2026-W47")), "idle_stations") == (1, 0)


def test_volunteer_hours_count_every_status_but_participants_are_active(report_of):
    # W46: m1 2.5 h, m6 (returned) 1.0 h; only m1 is an active participant. W45: m3 2.0 h.
    report = report_of()
    assert values(report, "volunteer_hours") == (3.5, 2.0)
    assert values(report, "volunteer_participants") == (1, 1)
    assert values(report, "volunteer_participation_rate") == pytest.approx((1 / 7, 1 / 7))


def test_community_scope(report_of):
    # 世彩社区: m8 and m9. Stations anywhere serve: m9 is covered by X in the next community.
    report = report_of("江汉区/北湖街道/世彩社区")
    assert values(report, "active_members") == (2, 2)
    assert values(report, "contact_coverage") == pytest.approx((1.0, 0.5))
    assert values(report, "station_coverage") == pytest.approx((0.5, 0.5))
    assert values(report, "station_visits") == (0, 0)


def test_empty_area_gives_zero_counts_and_null_rates(report_of):
    report = report_of("武昌区")
    assert values(report, "active_members") == (0, 0)
    assert values(report, "volunteer_hours") == (0.0, 0.0)
    for key in (
        "contact_coverage",
        "three_way_complete",
        "liaison_coverage",
        "station_coverage",
        "contacts_per_member_30d",
        "volunteer_participation_rate",
        "demand_resolution_rate",
        "demand_mean_days",
        "demand_satisfaction_rate",
    ):
        assert values(report, key) == (None, None)
    assert values(report, "demands_raised") == (0, 0)


def test_demands_and_wishes(report_of):
    # W46 (E = 11-15; the 90-day window is after 08-17). 诉求 raised 11-09..15: SQ1, SQ4 (SQ6 withdrawn counts
    # nowhere); resolved 11-09..15: SQ1 (2 days), SQ2 (11 days). Raised in the window: SQ1, SQ2, SQ3, SQ4, SQ7,
    # resolved by E: SQ1, SQ2, SQ7 (1 day). SQ3 raised 10-01 is open 45 > 30 days. The wish SQ5 resolved 11-13.
    # Rated among the resolved in the window: satisfied, dissatisfied, mostly satisfied.
    # W45 (E = 11-08): raised SQ2, SQ7; resolved SQ7; in the window SQ2, SQ3, SQ7 of which SQ7 resolved; SQ3 open
    # 38 days; no wish; SQ7 mostly satisfied.
    report = report_of()
    assert values(report, "demands_raised") == (2, 2)
    assert values(report, "demands_resolved") == (2, 1)
    assert values(report, "demand_resolution_rate") == pytest.approx((3 / 5, 1 / 3))
    assert values(report, "demand_mean_days") == pytest.approx((14 / 3, 1.0))
    assert values(report, "demands_overdue_open") == (1, 1)
    assert values(report, "wishes_fulfilled") == (1, 0)
    assert values(report, "demand_satisfaction_rate") == pytest.approx((2 / 3, 1.0))


def test_demands_belong_to_their_community(report_of):
    report = report_of("江汉区/北湖街道/世彩社区")  # SQ4 raised this week, SQ7 last week, the wish SQ5
    assert values(report, "demands_raised") == (1, 1)
    assert values(report, "demand_resolution_rate") == pytest.approx((1 / 2, 1.0))
    assert values(report, "wishes_fulfilled") == (1, 0)
    assert values(report, "demands_overdue_open") == (0, 0)


def test_demand_figures_before_any_demand_are_zero_or_null(report_of):
    report = report_of(week=Week.parse("2026-W30"))  # ends 07-26, before the first 提出日期 (10-01)
    for key in ("demands_raised", "demands_resolved", "demands_overdue_open", "wishes_fulfilled"):
        assert values(report, key) == (0, 0)
    for key in ("demand_resolution_rate", "demand_mean_days", "demand_satisfaction_rate"):
        assert values(report, key) == (None, None)


def test_demand_figures_follow_their_thresholds(tiny_engine):
    # A 9-day window (after 11-06) keeps SQ1 and SQ4 (raised 11-10, 11-12) and, resolved, SQ1 and SQ2 but not
    # SQ7 (11-06); overdue past 40 days still has SQ3 (45 days).
    narrow = Thresholds(demand_window_days=9, demand_overdue_days=40)
    report = weekly_report(tiny_engine, scope=CITY_SCOPE, week=WEEK, area=AreaPath(), thresholds=narrow)
    assert report["demand_resolution_rate"]["value"] == pytest.approx(1 / 2)
    assert report["demand_mean_days"]["value"] == pytest.approx(13 / 2)
    assert report["demands_overdue_open"] == {"value": 1, "previous": 0}  # 38 days at 11-08


def test_unknown_area_suggests_the_nearest_names(tiny_engine):
    with pytest.raises(UnknownAreaError) as caught:
        weekly_report(
            tiny_engine, scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse("江汉区/环保社区"), thresholds=THRESHOLDS
        )
    assert "江汉区/北湖街道/环保社区" in caught.value.suggestions


def test_report_has_every_declared_key_in_order(report_of):
    report = report_of()
    assert list(report) == list(REPORT_KEYS)  # in the README's order (tests/test_registry.py)
    assert all(set(figure) == {"value", "previous"} for figure in report.values())


def test_other_thresholds_are_computed_from_raw_records(tiny_engine):
    # With a 31-day window m2's contact of 10-16 counts too.
    wider = Thresholds(contact_window_days=31)
    report = weekly_report(tiny_engine, scope=CITY_SCOPE, week=WEEK, area=AreaPath(), thresholds=wider)
    assert report["contact_coverage"]["value"] == pytest.approx(4 / 7)
