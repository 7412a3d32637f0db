"""What moved: contributions add up to each indicator's change (a property, and on real figures at every level),
and the member flows of the tiny city, worked out by hand."""

from __future__ import annotations

import contextlib
import io
import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cli
from data_access.areas import CITY_SCOPE, AreaPath
from metrics.movers import compute_movers
from metrics.periods import Week
from metrics.registry import BY_KEY, INDICATORS, SUMMARY_COUNTS, compute_value
from metrics.thresholds import Thresholds
from services.movers import what_moved
from services.report import weekly_report

WEEK = Week.parse("2026-W46")
NOW, BEFORE = WEEK.start, WEEK.previous.start


def totals_frame(rows: list[tuple[str, object, dict[str, float]]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"week_start": week, "path": path} | dict.fromkeys(SUMMARY_COUNTS, 0) | parts for path, week, parts in rows],
        columns=["week_start", "path", *SUMMARY_COUNTS],
    )


def whole(totals: pd.DataFrame, week_start: object) -> dict[str, float]:
    return totals[totals["week_start"] == week_start][list(SUMMARY_COUNTS)].sum().to_dict()


def assert_adds_up(movers: dict[str, pd.DataFrame], before: dict, now: dict, *, tolerance: float = 1e-9) -> None:
    for indicator in INDICATORS:
        value, previous = compute_value(indicator, now), compute_value(indicator, before)
        contributions = movers[indicator.key]["contribution"]
        if value is None or previous is None:
            assert contributions.isna().all(), indicator.key
        else:
            assert contributions.sum() == pytest.approx(value - previous, abs=tolerance), indicator.key


area_parts = st.fixed_dictionaries(
    {part: st.integers(min_value=0, max_value=50) for part in SUMMARY_COUNTS if part != "volunteer_hours"}
    | {"volunteer_hours": st.integers(min_value=0, max_value=10_000).map(lambda n: n / 100)}  # the report's hundredths
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), st.booleans(), area_parts), max_size=8))
def test_contributions_add_up_to_the_change_of_every_indicator(rows):
    """Any parts over any areas, an area present in one week only included (its parts are 0 in the other)."""
    rows = list({(path, now): parts for path, now, parts in rows}.items())  # one row per area and week
    totals = totals_frame([(path, NOW if now else BEFORE, parts) for (path, now), parts in rows])
    movers = compute_movers(totals, week_start=NOW, previous_start=BEFORE)
    assert_adds_up(movers, whole(totals, BEFORE), whole(totals, NOW), tolerance=1e-6)
    assert all(list(frame["path"]) == [] or set(frame["path"]) == set(totals["path"]) for frame in movers.values())


def test_an_area_that_keeps_the_old_rate_contributes_nothing_however_it_grows():
    """Coverage 50% → 60% over the city: b held 50% as it doubled in size, so a's own rise is the whole change."""
    key = BY_KEY["contact_coverage"]
    totals = totals_frame(
        [
            ("a", BEFORE, {"contacted_in_window": 50, "active_members": 100}),
            ("b", BEFORE, {"contacted_in_window": 50, "active_members": 100}),
            ("a", NOW, {"contacted_in_window": 90, "active_members": 100}),
            ("b", NOW, {"contacted_in_window": 100, "active_members": 200}),
        ]
    )
    movers = compute_movers(totals, week_start=NOW, previous_start=BEFORE)[key.key].set_index("path")
    assert movers.loc["b", "contribution"] == pytest.approx(0.0)
    assert movers.loc["a", "contribution"] == pytest.approx(190 / 300 - 0.5)
    assert list(movers.index) == ["a", "b"]  # largest first


def test_a_count_s_contribution_is_the_area_s_own_change_largest_first_whichever_the_direction():
    totals = totals_frame(
        [("a", BEFORE, {"overdue": 5}), ("b", BEFORE, {"overdue": 1}), ("a", NOW, {"overdue": 4}), ("b", NOW, {})]
        + [("c", NOW, {"overdue": 3})]
    )
    movers = compute_movers(totals, week_start=NOW, previous_start=BEFORE)["overdue"]
    assert movers.to_dict("records") == [
        {"path": "c", "contribution": 3.0},
        {"path": "a", "contribution": -1.0},
        {"path": "b", "contribution": -1.0},
    ]


def test_a_null_week_makes_every_contribution_null():
    totals = totals_frame([("a", NOW, {"contacted_in_window": 3, "active_members": 4})])
    movers = compute_movers(totals, week_start=NOW, previous_start=BEFORE)
    assert movers["contact_coverage"]["contribution"].isna().all()
    assert movers["active_members"]["contribution"].tolist() == [4.0]


def test_the_tiny_city_s_flows(tiny_engine):
    """E = 11-15, B = 11-08. m3 (last contact 10-15) turns overdue; m8 (overdue at B, last contact 10-01) is
    contacted by the member on 11-15, which also completes its 三联 (outflow 09-01, inflow 10-01); m4 was at risk
    at B already; m6 registered on 11-10 (returned since: a registration counts whatever the status)."""
    moved = what_moved(tiny_engine, scope=CITY_SCOPE, week=WEEK, area=AreaPath(), thresholds=Thresholds())
    assert moved.flows == {
        "newly_registered": 1,
        "newly_overdue": 1,
        "recontacted": 1,
        "newly_lost_contact": 0,
        "newly_three_way_complete": 1,
        "left_active": 0,  # the tiny city is loaded whole: no member change is kept
    }
    shicai = AreaPath(("江汉区", "北湖街道", "世彩社区"))
    community = what_moved(tiny_engine, scope=CITY_SCOPE, week=WEEK, area=shicai, thresholds=Thresholds())
    assert community.flows["recontacted"] == 1 and community.flows["newly_overdue"] == 0
    assert all(frame.empty for frame in community.movers.values()) and set(community.movers) == set(BY_KEY)


@pytest.mark.parametrize("area", ["", "江汉区", "江汉区/北湖街道"])
@pytest.mark.parametrize("week", ["2026-W46", "2026-W47", "2026-W48"])
def test_contributions_add_up_to_the_report_s_change_at_every_level(tiny_engine, area, week):
    path, when = AreaPath.parse(area), Week.parse(week)
    report = weekly_report(tiny_engine, scope=CITY_SCOPE, week=when, area=path, thresholds=Thresholds())
    moved = what_moved(tiny_engine, scope=CITY_SCOPE, week=when, area=path, thresholds=Thresholds())
    for key, figure in report.items():
        contributions = moved.movers[key]["contribution"]
        if figure["value"] is None or figure["previous"] is None:
            assert contributions.isna().all(), key
        else:
            assert contributions.sum() == pytest.approx(figure["value"] - figure["previous"], abs=0.011), key


def test_report_explain_json_lists_every_child_area(tiny_engine, module_db_url):
    db_url = module_db_url
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["report", "--db", db_url, "--week", "2026-W46", "--explain", "--json"]) == 0
    printed = json.loads(out.getvalue())
    assert printed["flows"]["newly_overdue"] == 1
    for indicator in INDICATORS:
        movers = printed["movers"][indicator.key]
        assert sorted(m["area"] for m in movers) == sorted(["江汉区", "武昌区"])
        value, previous = printed[indicator.key]["value"], printed[indicator.key]["previous"]
        if value is not None and previous is not None:
            assert math.fsum(m["contribution"] for m in movers) == pytest.approx(value - previous, abs=0.011)
    plain = io.StringIO()
    with contextlib.redirect_stdout(plain):
        assert cli.main(["report", "--db", db_url, "--week", "2026-W46", "--explain"]) == 0
    assert "新增超期未联系 1" in plain.getvalue() and "超期后已联系 1" in plain.getvalue()
