"""The refresh a part of the city at a time (issue 18 §2): the same figures as computing the whole city at once, and
after an activity import only the districts and weeks it touched, still the same figures as a full refresh."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import time_machine
from sqlalchemy import select

import cli
import services.refresh as services_refresh
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from data_access.lookups import fetch_meta
from data_access.schema import weekly_stats_table
from metrics.periods import Week
from metrics.thresholds import Thresholds
from sample_data.generate import generate
from services.importing import import_files
from services.refresh import (
    REFRESHING,
    Touched,
    group_districts,
    plan_refresh,
    refresh_from_database,
    refresh_from_tables,
    weeks_after_import,
    weeks_to_precompute,
)
from services.report import figures_fresh

THRESHOLDS = Thresholds()
UNTIL = date(2026, 11, 22)  # the demo's last day; the clock (tests/clock.py) stands in 2026-W48
W = Week.parse("2026-W47")


@pytest.fixture(scope="module")
def demo_tables() -> dict[str, pd.DataFrame]:
    return generate(3, until=UNTIL, size="demo")


def stats(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(weekly_stats_table)).all()
    frame = pd.DataFrame(rows, columns=list(weekly_stats_table.c.keys()))
    return frame.sort_values(["week_start", "community_id"]).reset_index(drop=True)


def real_city(url: str, tables: dict[str, pd.DataFrame]):
    """The demo's records as a real database (imports refuse the synthetic city), figures from the whole city."""
    engine = get_engine(url)
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=THRESHOLDS, until=UNTIL)
    return engine


def computed_parts(monkeypatch) -> list[tuple[int, list[date]]]:
    """Each part the refresh computes, as (its members, its weeks' ends)."""
    calls = []
    compute = services_refresh._summary_on_every_core

    def spy(city, week_ends, thresholds, progress):
        calls.append((len(city.member_ids), list(week_ends)))
        return compute(city, week_ends, thresholds, progress)

    monkeypatch.setattr(services_refresh, "_summary_on_every_core", spy)
    return calls


@pytest.mark.parametrize("budget", [1, services_refresh.PART_MEMBERS], ids=["a district at a time", "grouped"])
def test_the_refresh_by_parts_gives_the_whole_city_figures(db_url, demo_tables, monkeypatch, budget):
    engine = real_city(db_url, demo_tables)
    whole_city = stats(engine)
    monkeypatch.setattr(services_refresh, "PART_MEMBERS", budget)
    parts = computed_parts(monkeypatch)
    weeks = refresh_from_database(engine, thresholds=THRESHOLDS)
    assert weeks == len(whole_city["week_start"].unique())
    districts = demo_tables["areas"].query("level == 'district'")
    assert len(parts) == (len(districts) if budget == 1 else 1)
    assert max(members for members, _ in parts) <= (len(demo_tables["members"]) if budget > 1 else 400)
    pd.testing.assert_frame_equal(stats(engine), whole_city, check_dtype=False)
    with engine.connect() as conn:
        assert figures_fresh(fetch_meta(conn))


def test_an_activity_import_recomputes_only_what_it_touched(db_url, demo_tables, monkeypatch):
    """Two contacts of one member dated in W47: only her district's W47 is computed, and the figures are those of a
    full refresh."""
    engine = real_city(db_url, demo_tables)
    member = demo_tables["members"].iloc[0]
    contacts = pd.DataFrame(
        {"手机号": [member["phone"]] * 2, "联系日期": ["2026-11-17", "2026-11-20"],
         "联系方": ["流入地党组织", "流出地党组织"], "联系方式": ["电话", "微信"]}
    )  # fmt: skip
    parts = computed_parts(monkeypatch)
    (report,) = import_files(engine, [("联系记录.csv", contacts.to_csv(index=False).encode())], thresholds=THRESHOLDS)
    assert (report.accepted, report.new) == (2, 2)
    areas = demo_tables["areas"].set_index("id")
    district = areas.loc[member["community_id"], "district"]
    district_members = demo_tables["members"]["community_id"].map(areas["district"]).eq(district).sum()
    assert parts == [(district_members, [W.end])]
    incremental = stats(engine)
    refresh_from_database(engine, thresholds=THRESHOLDS)
    pd.testing.assert_frame_equal(incremental, stats(engine), check_dtype=False)


def test_a_new_week_is_computed_for_every_district(db_url, demo_tables, monkeypatch):
    """A week later, a visit of W47 touches its station's district from W47 on; W48, new to the figures, is computed
    everywhere."""
    engine = real_city(db_url, demo_tables)
    station = demo_tables["stations"].iloc[0]
    visits = pd.DataFrame({"站点名称": [station["name"]], "服务时间": ["2026-11-18 09:30"], "服务项目": ["充电"]})
    monkeypatch.setattr(services_refresh, "PART_MEMBERS", 1)  # a district at a time: each with its own weeks
    parts = computed_parts(monkeypatch)
    with time_machine.travel(date(2026, 12, 2), tick=True):  # 2026-W49: W48 is the last complete week
        import_files(engine, [("驿站服务记录.csv", visits.to_csv(index=False).encode())], thresholds=THRESHOLDS)
        assert sorted({tuple(weeks) for _, weeks in parts}) == [(W.end, W.shifted(1).end), (W.shifted(1).end,)]
        assert sum(members for members, _ in parts) == len(demo_tables["members"])
        incremental = stats(engine)
        refresh_from_database(engine, thresholds=THRESHOLDS)
    pd.testing.assert_frame_equal(incremental, stats(engine), check_dtype=False)
    assert incremental["week_start"].max() == W.shifted(1).start


def test_a_members_ledger_recomputes_everything(db_url, demo_tables, monkeypatch):
    """A status holds for every week: a changed member means every week of every district."""
    engine = real_city(db_url, demo_tables)
    member = demo_tables["members"].iloc[0]
    community = demo_tables["areas"].set_index("id").loc[member["community_id"], "path"]
    ledger = pd.DataFrame(
        {"姓名": [member["name"]], "手机号": [member["phone"]], "流动类型": ["流入"], "所在社区": [community],
         "报到日期": [member["registered_on"]], "状态": ["已返回"]}
    )  # fmt: skip
    parts = computed_parts(monkeypatch)
    (report,) = import_files(engine, [("台账.csv", ledger.to_csv(index=False).encode())], thresholds=THRESHOLDS)
    assert report.updated == 1
    assert sum(members for members, _ in parts) == len(demo_tables["members"])
    assert {len(weeks) for _, weeks in parts} == {len(stats(engine)["week_start"].unique())}


def test_a_refresh_that_dies_midway_leaves_the_figures_stale(db_url, demo_tables, monkeypatch):
    engine = real_city(db_url, demo_tables)
    monkeypatch.setattr(services_refresh, "PART_MEMBERS", 1)
    written = []

    def write_then_die(*args, **kwargs):
        if written:
            raise SystemExit(137)
        written.append(kwargs["districts"])

    monkeypatch.setattr(services_refresh, "replace_districts_weekly_stats", write_then_die)
    with pytest.raises(SystemExit):
        refresh_from_database(engine, thresholds=THRESHOLDS)
    with engine.connect() as conn:
        meta = fetch_meta(conn)
    assert meta["stats_data_version"] == REFRESHING
    assert not figures_fresh(meta)  # pages compute from the records until the next refresh


def test_cli_refresh(demo_url, capsys):
    assert cli.main(["refresh", "--db", demo_url]) == 0
    assert "已重新计算各周指标：104 周" in capsys.readouterr().out


def test_plan_refresh():
    weeks = [W.shifted(i) for i in range(-3, 2)]  # W44..W48
    stored = (W.shifted(-3).start, W.start)  # W44..W47 are precomputed; W48 is new
    everything = {"甲区": weeks, "乙区": weeks}
    assert plan_refresh(weeks, ["甲区", "乙区"], stored=None, touched={}) == everything
    assert plan_refresh(weeks, ["甲区", "乙区"], stored=stored, touched=None) == everything
    assert plan_refresh(weeks, ["甲区", "乙区"], stored=stored, touched={"乙区": W.shifted(-1).start}) == {
        "甲区": [W.shifted(1)],
        "乙区": [W.shifted(-1), W, W.shifted(1)],
    }
    assert plan_refresh(weeks[:-1], ["甲区", "乙区"], stored=stored, touched={}) == {}
    assert plan_refresh([], ["甲区"], stored=None, touched=None) == {}


def test_group_districts_keeps_parts_within_the_budget():
    a, b = [W], [W.shifted(1)]
    plan = {"甲区": a, "乙区": b, "丙区": a, "丁区": a}
    sizes = {"甲区": 30, "乙区": 60, "丙区": 10, "丁区": 200}
    assert group_districts(plan, sizes, budget=100) == [(["甲区", "乙区", "丙区"], [W, W.shifted(1)]), (["丁区"], a)]
    assert group_districts(plan, sizes, budget=50) == [(["甲区"], a), (["乙区"], b), (["丙区"], a), (["丁区"], a)]


def test_touched_keeps_the_earliest_day_per_district():
    touched = Touched()
    touched.add(
        "contacts", pd.DataFrame({"member_id": [1, 2, 1], "contacted_on": ["2026-11-20", "2026-11-18", "2026-11-10"]})
    )
    touched.add("volunteer_records", pd.DataFrame({"member_id": [2], "activity_on": [date(2026, 11, 2)]}))
    touched.add("station_visits", pd.DataFrame({"station_id": [7], "visited_at": ["2026-11-19 08:00"]}))
    touched.add("demands", pd.DataFrame({"community_id": [5], "raised_on": ["2026-10-01"]}))
    where = {
        "members": pd.DataFrame({"id": [1, 2], "district": ["甲区", "乙区"]}),
        "stations": pd.DataFrame({"id": [7], "district": ["丙区"]}),
        "communities": pd.DataFrame({"id": [5, 6], "district": ["丁区", "甲区"]}),
    }
    assert touched.district_days(where) == {
        "甲区": date(2026, 11, 10), "乙区": date(2026, 11, 2), "丙区": date(2026, 11, 19), "丁区": date(2026, 10, 1)
    }  # fmt: skip


@pytest.mark.parametrize(
    ("first_activity", "written"),
    [
        (date(2025, 3, 4), (date(2026, 11, 17), date(2026, 11, 20))),  # a week within the range
        (date(2025, 3, 4), (date(2026, 11, 24), date(2026, 11, 25))),  # this week, after the last complete one
        (date(2025, 3, 4), (date(2024, 6, 3), date(2024, 6, 3))),  # older than anything held
        (date(2022, 1, 3), (date(2026, 11, 17), date(2026, 11, 17))),  # a range cut to its last 156 weeks
        (date(2025, 3, 4), None),  # nothing dated written: only the weeks since
    ],
)
def test_weeks_after_an_import_are_those_of_all_the_records(first_activity, written):
    """Without reading every record for their span: the range held, widened by what the import wrote."""
    last_record, until_before, until = date(2026, 11, 14), date(2026, 11, 8), date(2026, 11, 22)
    held = weeks_to_precompute((first_activity, last_record), until_before)
    after = (
        (min(first_activity, written[0]), max(last_record, written[1])) if written else (first_activity, last_record)
    )
    assert weeks_after_import((held[0].start, held[-1].start), written, until) == weeks_to_precompute(after, until)
