"""The demand indicators (诉求台账) on tiny hand-made ledgers, each with its edges to the day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from metrics import columns as c
from metrics.demands import DEMAND_PARTS, compute_demand_parts, compute_demand_period, prepare_demands
from metrics.registry import FLOW_PARTS, GROUPS, INDICATORS, SUMMARY_COUNTS
from metrics.report import compute_indicators
from metrics.thresholds import Thresholds

E = date(2026, 11, 15)  # a Sunday
S = E - timedelta(days=6)
BEFORE_S = 7  # days before E of the day before S
DEFAULTS = Thresholds()


def record(raised, resolved=None, *, kind="demand", status=None, satisfaction=None, community=1):
    """One ledger row; raised and resolved are days before E (negative: after E), resolved None while open."""
    return {
        c.COMMUNITY_ID: community,
        c.KIND: kind,
        c.RAISED_ON: None if raised is None else E - timedelta(days=raised),
        c.STATUS: status or ("in_progress" if resolved is None else "resolved"),
        c.RESOLVED_ON: None if resolved is None else E - timedelta(days=resolved),
        c.SATISFACTION: satisfaction,
    }


def ledger(*records):
    rows = [
        {c.NUMBER: f"SQ{i:04d}", c.SOURCE: "station", c.STATION_ID: None, c.MEMBER_ID: None} | r
        for i, r in enumerate(records)
    ]
    columns = [c.COMMUNITY_ID, c.NUMBER, c.KIND, c.RAISED_ON, c.STATUS, c.RESOLVED_ON, c.SOURCE, c.STATION_ID,
               c.MEMBER_ID, c.SATISFACTION]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def parts(*records, thresholds=DEFAULTS, community=1):
    frame = compute_demand_parts(ledger(*records), start=S, end=E, thresholds=thresholds)
    return frame.set_index(c.COMMUNITY_ID).loc[community].to_dict()


def compute_demand_indicators(totals):
    """The seven figures from summed parts (missing sums count as 0), as the report gives them."""
    return {key: compute_indicators(totals)[key] for key in GROUPS["demand"]}


def values(*records, thresholds=DEFAULTS):
    frame = compute_demand_parts(ledger(*records), start=S, end=E, thresholds=thresholds)
    return compute_demand_indicators(frame.sum(numeric_only=True).to_dict())


def test_demands_raised_are_the_demands_raised_in_s_to_e():
    got = parts(
        record(6),  # on S
        record(0),  # on E
        record(BEFORE_S),
        record(-1),  # the day after E
        record(2, kind="wish"),
        record(3, status="withdrawn"),
    )
    assert got["demands_raised"] == 2


def test_demands_resolved_are_the_demands_resolved_in_s_to_e():
    got = parts(
        record(40, 0),  # resolved on E
        record(3, 3),  # resolved the day it was raised
        record(6, 6),  # on S
        record(10, -1),  # the day after E
        record(10, BEFORE_S),
        record(3, 1, kind="wish"),
        record(3, 2, status="withdrawn"),
        record(3),  # open
    )
    assert got["demands_resolved"] == 3


def test_resolution_rate_is_of_the_demands_raised_in_the_90_days_ending_e():
    got = parts(
        record(90, 80),  # raised exactly 90 days before E: outside (E - 90 < d fails)
        record(89, 10),  # 89 days: inside, resolved
        record(89),  # inside, open
        record(5, 0),  # resolved on E: resolved by E
        record(5, -1),  # resolved the day after E: not by E
        record(0, 0),  # raised and resolved on E
        record(-1, -1),  # raised after E
        record(3, 2, status="withdrawn"),
        record(3, 2, kind="wish"),
    )
    assert (got["demands_raised_in_window_resolved"], got["demands_raised_in_window"]) == (3, 5)
    assert values(record(89, 10), record(89), record(5, 0), record(5, -1), record(0, 0))[
        "demand_resolution_rate"
    ] == pytest.approx(3 / 5)


def test_mean_days_is_over_the_demands_resolved_in_the_90_days_ending_e():
    records = (
        record(3, 3),  # 0 days, resolved in the window
        record(100, 89),  # 11 days, resolved 89 days before E: inside
        record(100, 90),  # resolved 90 days before E: outside
        record(20, 0),  # 20 days, resolved on E
        record(20, -1),  # resolved the day after E
        record(10, 1, kind="wish"),
        record(50, 5, status="withdrawn"),
        record(40),  # open
    )
    got = parts(*records)
    assert (got["demand_days_in_window"], got["demands_resolved_in_window"]) == (31, 3)
    assert values(*records)["demand_mean_days"] == pytest.approx(31 / 3)


def test_a_demand_resolved_the_day_it_was_raised_counts_zero_days():
    assert values(record(2, 2))["demand_mean_days"] == 0.0
    assert parts(record(2, 2))["demands_resolved_in_window"] == 1


def test_overdue_open_are_raised_more_than_30_days_before_e_and_not_resolved_by_e():
    got = parts(
        record(30),  # exactly 30 days: not overdue (strictly more)
        record(31),  # overdue
        record(31, -1),  # resolved only after E: still open at E
        record(31, 0),  # resolved on E: not open
        record(200),  # overdue
        record(60, kind="wish"),
        record(60, status="withdrawn"),
    )
    assert got["demands_overdue_open"] == 3


def test_wishes_fulfilled_are_the_wishes_resolved_in_s_to_e():
    got = parts(
        record(10, 0, kind="wish"),  # on E
        record(10, 6, kind="wish"),  # on S
        record(10, BEFORE_S, kind="wish"),
        record(10, -1, kind="wish"),
        record(10, kind="wish"),  # open
        record(10, 1, kind="wish", status="withdrawn"),
        record(10, 1),  # a demand: counted in demands_resolved instead
    )
    assert (got["wishes_fulfilled"], got["demands_resolved"]) == (2, 1)


def test_satisfaction_rate_is_over_the_rated_demands_resolved_in_the_window():
    records = (
        record(5, 1, satisfaction="satisfied"),
        record(95, 89, satisfaction="mostly_satisfied"),
        record(5, 2, satisfaction="dissatisfied"),
        record(5, 2),  # not asked: not in the denominator
        record(95, 90, satisfaction="satisfied"),  # resolved 90 days before E: outside
        record(5, -1, satisfaction="satisfied"),  # resolved after E
        record(5, 1, kind="wish", satisfaction="satisfied"),
        record(5, 1, status="withdrawn", satisfaction="satisfied"),
    )
    got = parts(*records)
    assert (got["demands_satisfied_in_window"], got["demands_rated_in_window"]) == (2, 3)
    assert values(*records)["demand_satisfaction_rate"] == pytest.approx(2 / 3)


def test_a_withdrawn_record_counts_nowhere():
    withdrawn = [
        record(r, v, kind=k, status="withdrawn", satisfaction="satisfied")
        for r, v, k in [(0, 0, "demand"), (200, None, "demand"), (3, 1, "wish")]
    ]
    assert parts(*withdrawn) == dict.fromkeys(DEMAND_PARTS, 0)


def test_an_empty_window_gives_null_rates_and_mean_never_zero():
    old = values(record(200, 150, satisfaction="satisfied"), record(300, 290, kind="wish"))
    assert old == {
        "demands_raised": 0,
        "demands_resolved": 0,
        "demand_resolution_rate": None,
        "demand_mean_days": None,
        "demands_overdue_open": 0,
        "wishes_fulfilled": 0,
        "demand_satisfaction_rate": None,
    }
    assert values() == old  # no record at all
    assert compute_demand_indicators({}) == old


def test_empty_ledger_gives_no_rows_and_listed_communities_get_zeros():
    empty = compute_demand_parts(ledger(), start=S, end=E, thresholds=Thresholds())
    assert list(empty.columns) == [c.COMMUNITY_ID, *DEMAND_PARTS] and empty.empty
    listed = compute_demand_parts(ledger(), start=S, end=E, thresholds=Thresholds(), community_ids=[7, 8])
    assert listed[c.COMMUNITY_ID].tolist() == [7, 8]
    assert (listed[list(DEMAND_PARTS)] == 0).all().all()


def test_two_communities_are_kept_apart_and_sum_to_the_whole():
    frame = compute_demand_parts(
        ledger(
            record(0, community=1),
            record(40, community=1),  # overdue
            record(3, 1, community=2, satisfaction="satisfied"),
            record(10, 2, community=2, satisfaction="dissatisfied"),
            record(4, 0, kind="wish", community=2),
            record(1, community=3),  # not a listed community: ignored
        ),
        start=S,
        end=E,
        thresholds=Thresholds(),
        community_ids=[1, 2, 5],
    )
    expected = pd.DataFrame(
        {
            c.COMMUNITY_ID: [1, 2, 5],
            "demands_raised": [1, 1, 0],
            "demands_resolved": [0, 2, 0],
            "demands_raised_in_window": [2, 2, 0],
            "demands_raised_in_window_resolved": [0, 2, 0],
            "demands_resolved_in_window": [0, 2, 0],
            "demand_days_in_window": [0, 2 + 8, 0],
            "demands_overdue_open": [1, 0, 0],
            "wishes_fulfilled": [0, 1, 0],
            "demands_rated_in_window": [0, 2, 0],
            "demands_satisfied_in_window": [0, 1, 0],
        }
    ).astype(np.int64)
    pd.testing.assert_frame_equal(frame, expected)
    assert compute_demand_indicators(frame.sum(numeric_only=True).to_dict()) == {
        "demands_raised": 2,
        "demands_resolved": 2,
        "demand_resolution_rate": 0.5,
        "demand_mean_days": 5.0,
        "demands_overdue_open": 1,
        "wishes_fulfilled": 1,
        "demand_satisfaction_rate": 0.5,
    }


def test_windows_follow_the_thresholds():
    records = (record(20, 1), record(40), record(8))
    short = Thresholds(demand_window_days=30, demand_overdue_days=7)
    got = parts(*records, thresholds=short)
    assert (got["demands_raised_in_window"], got["demands_raised_in_window_resolved"]) == (2, 1)
    assert got["demands_overdue_open"] == 2  # 40 and 8 days; 90/30 would give 1
    assert parts(*records)["demands_overdue_open"] == 1


def test_dates_may_come_as_text_or_timestamps():
    frame = ledger(record(3, 1), record(40))
    as_text = frame.assign(
        **{col: frame[col].map(lambda d: d and d.isoformat()) for col in (c.RAISED_ON, c.RESOLVED_ON)}
    )
    as_stamps = frame.assign(**{col: pd.to_datetime(frame[col]) for col in (c.RAISED_ON, c.RESOLVED_ON)})
    expected = compute_demand_parts(frame, start=S, end=E, thresholds=Thresholds())
    for other in (as_text, as_stamps):
        pd.testing.assert_frame_equal(compute_demand_parts(other, start=S, end=E, thresholds=Thresholds()), expected)


def test_a_prepared_ledger_serves_many_periods():
    arrays = prepare_demands(ledger(record(0), record(BEFORE_S)))
    this_week = compute_demand_period(arrays, start=S, end=E, thresholds=Thresholds())
    last_week = compute_demand_period(
        arrays, start=S - timedelta(days=7), end=E - timedelta(days=7), thresholds=Thresholds()
    )
    assert (this_week["demands_raised"].tolist(), last_week["demands_raised"].tolist()) == ([1], [1])


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="satisfaction"):
        compute_demand_parts(ledger().drop(columns=[c.SATISFACTION]), start=S, end=E, thresholds=Thresholds())


def test_declarations_are_the_seven_of_product_md_after_the_fourteen():
    demand = [i for i in INDICATORS if i.group == "demand"]
    assert (
        [i.key for i in INDICATORS[14:21]]
        == [i.key for i in demand]
        == [
            "demands_raised",
            "demands_resolved",
            "demand_resolution_rate",
            "demand_mean_days",
            "demands_overdue_open",
            "wishes_fulfilled",
            "demand_satisfaction_rate",
        ]
    )
    assert [i.kind for i in demand] == ["count", "count", "rate", "mean", "count", "count", "rate"]
    # new weekly_stats columns, none reused (the flows came after them)
    # (record_freshness_rate's one new part came after them)
    assert SUMMARY_COUNTS[: -len(FLOW_PARTS) - 1][-len(DEMAND_PARTS) :] == DEMAND_PARTS
    assert len(DEMAND_PARTS) == 10


# The 诉求办理 page's breakdowns: they add up to the indicators' parts.
def page_records(*records):
    frame = ledger(*records)
    return frame.assign(
        community_path="区/街道/社区" + frame[c.COMMUNITY_ID].astype(str),
        community=lambda f: f[c.COMMUNITY_ID].astype(str),
        station=None,
    )


def test_open_demands_are_those_open_at_e_with_days_waited_and_the_overdue_edge():
    from metrics.demands import DAYS_OPEN, OVERDUE, compute_open_demands

    records = page_records(
        record(30),  # waited exactly the threshold: open, not overdue
        record(31),  # one day more: overdue
        record(40, -1),  # resolved after E: open at E
        record(40, 0),  # resolved on E: not open
        record(-1),  # raised after E: not open
        record(50, kind="wish"),  # an open wish is not an open demand
    )
    shown = compute_open_demands(records, end=E, overdue_days=DEFAULTS.demand_overdue_days)
    assert shown[DAYS_OPEN].tolist() == [40, 31, 30]
    assert shown[OVERDUE].tolist() == [True, True, False]
    expected = parts(record(30), record(31), record(40, -1), record(40, 0), record(-1), record(50, kind="wish"))
    assert shown[OVERDUE].sum() == expected["demands_overdue_open"]


def test_backlog_by_community_counts_open_and_overdue_most_overdue_first():
    from metrics.demands import COMMUNITY, OPEN, OVERDUE, compute_backlog_by_community, compute_open_demands

    records = page_records(record(5, community=1), record(5, community=1), record(45, community=2))
    backlog = compute_backlog_by_community(compute_open_demands(records, end=E, overdue_days=30))
    assert backlog[[COMMUNITY, OPEN, OVERDUE]].values.tolist() == [["2", 1, 1], ["1", 2, 0]]
    assert compute_backlog_by_community(compute_open_demands(page_records(), end=E, overdue_days=30)).empty


def test_demands_by_source_add_up_to_the_resolution_rate_parts():
    from metrics.demands import NOT_GIVEN, OPEN, RAISED, RESOLVED, compute_demands_by

    rows = [record(10, 3), record(10), record(89, 80), record(90, 85), record(0, 0), record(5, kind="wish")]
    records = page_records(*rows)
    records[c.SOURCE] = ["station", "station", "visit", "visit", None, "event"]
    table = compute_demands_by(records, c.SOURCE, end=E, window_days=DEFAULTS.demand_window_days)
    assert table.set_index(c.SOURCE)[[RAISED, RESOLVED, OPEN]].to_dict("index") == {
        "station": {RAISED: 2, RESOLVED: 1, OPEN: 1},
        "visit": {RAISED: 1, RESOLVED: 1, OPEN: 0},  # raised 90 days before E: outside the window
        NOT_GIVEN: {RAISED: 1, RESOLVED: 1, OPEN: 0},  # raised and resolved on E
    }
    expected = parts(*rows)
    assert table[RAISED].sum() == expected["demands_raised_in_window"]
    assert table[RESOLVED].sum() == expected["demands_raised_in_window_resolved"]


def test_the_days_the_data_covers_include_the_demands():
    import tiny_city
    from metrics.indicators import compute_date_span
    from services.refresh import city_from_tables

    tables = tiny_city.tables()
    first, last = compute_date_span(city_from_tables(tables, DEFAULTS))
    demands = tables["demands"]
    demands.loc[0, c.RAISED_ON] = first - timedelta(days=3)  # raised before any contact, visit or volunteer record
    demands.loc[0, c.RESOLVED_ON] = last + timedelta(days=10)  # and resolved after all of them
    assert compute_date_span(city_from_tables(tables, DEFAULTS)) == (
        first - timedelta(days=3),
        last + timedelta(days=10),
    )
