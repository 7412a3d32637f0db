"""Who is behind: every area of a level under the viewer's area ranked by contact coverage, overdue rate and
三联齐全, the worst quarter flagged, ties and tables in pinyin order (metrics/tables.py).

The tiny city (tests/tiny_city.py) at 2026-W46 (E = 11-15), worked out by hand (see test_report_edges.py):
环保社区 has 5 active members, 2 overdue (m3, m4), 1 contacted in 30 days (m1), none with all three sides;
世彩社区 has 2 active, none overdue, both contacted, m8 with all three sides; 华锦社区 has no members.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.areas import CITY_SCOPE, AreaPath
from metrics import columns as c
from metrics.periods import Week
from metrics.tables import (
    LAGGING,
    OVERDUE_RATE,
    PREVIOUS,
    compute_child_table,
    compute_overdue_rate,
    compute_ranking_table,
    compute_worst_first,
)
from metrics.thresholds import Thresholds
from services.figures import totals_by_area

WEEK = Week.parse("2026-W46")
THRESHOLDS = Thresholds()


def ranking(engine, area: str, level: str) -> pd.DataFrame:
    totals = totals_by_area(
        engine, scope=CITY_SCOPE, area=AreaPath.parse(area), weeks=[WEEK, WEEK.previous], level=level,
        thresholds=THRESHOLDS,
    )  # fmt: skip
    table = compute_child_table(totals, week_start=WEEK.start, previous_start=WEEK.previous.start)
    table = table.assign(**{c.NAME: table[c.PATH].str.rsplit("/", n=1).str[-1]})
    return compute_ranking_table(table).set_index(c.NAME)


def test_the_city_ranks_every_street_not_its_districts(tiny_engine):
    streets = ranking(tiny_engine, "", "street")
    assert streets[c.PATH].tolist() == ["江汉区/北湖街道", "武昌区/南湖街道"]  # both districts' streets
    beihu = streets.loc["北湖街道"]
    assert beihu[OVERDUE_RATE] == pytest.approx(2 / 7)
    assert beihu["contact_coverage"] == pytest.approx(3 / 7)
    assert beihu["three_way_complete"] == pytest.approx(1 / 7)
    assert pd.isna(streets.loc["南湖街道", OVERDUE_RATE])  # no members: no rate, never 0
    assert not streets[[LAGGING + k for k in ("contact_coverage", OVERDUE_RATE)]].any().any()  # one figure: none lags


def test_a_district_ranks_the_communities_of_its_streets(tiny_engine):
    communities = ranking(tiny_engine, "江汉区", "community")
    assert sorted(communities.index) == sorted(["环保社区", "世彩社区"])
    assert communities.loc["环保社区", OVERDUE_RATE] == pytest.approx(2 / 5)
    assert communities.loc["世彩社区", OVERDUE_RATE] == 0
    # The worst quarter of two is one: 环保社区 on every ranking, 世彩社区 on none
    flags = communities[[f"{LAGGING}contact_coverage", f"{LAGGING}{OVERDUE_RATE}", f"{LAGGING}three_way_complete"]]
    assert flags.loc["环保社区"].all() and not flags.loc["世彩社区"].any()
    assert PREVIOUS + OVERDUE_RATE in communities


def test_the_city_s_communities_tie_in_pinyin_order_not_code_points(tiny_engine):
    communities = ranking(tiny_engine, "", "community").reset_index()
    # 世彩 has the best overdue rate; 环保 the worst; 华锦 (no members) has none and goes last
    assert compute_worst_first(communities, OVERDUE_RATE)[c.NAME].tolist() == ["环保社区", "世彩社区", "华锦社区"]
    level = communities.assign(**{OVERDUE_RATE: 0.1})  # all tied: pinyin order, hua < huan < shi
    assert compute_worst_first(level, OVERDUE_RATE)[c.NAME].tolist() == ["华锦社区", "环保社区", "世彩社区"]


def area(name: str, active: int, overdue: int, coverage: float = 0.5, three_way: float = 0.5) -> dict:
    return {c.PATH: f"某区/{name}", c.NAME: name, "active_members": active, "overdue": overdue,
            "contact_coverage": coverage, "three_way_complete": three_way}  # fmt: skip


def test_the_overdue_rate_does_not_put_the_biggest_area_first():
    table = pd.DataFrame([area("大街道", 1000, 100), area("小街道", 10, 5), area("中街道", 200, 10)])
    assert compute_overdue_rate(table).tolist() == pytest.approx([0.1, 0.5, 0.05])
    assert compute_worst_first(compute_ranking_table(table), OVERDUE_RATE)[c.NAME].tolist()[0] == "小街道"
    assert compute_worst_first(table, "overdue")[c.NAME].tolist()[0] == "大街道"


def test_no_active_members_is_no_rate():
    rate = compute_overdue_rate(pd.DataFrame([area("空", 0, 0), area("有", 4, 1)]))
    assert pd.isna(rate.iloc[0]) and rate.iloc[1] == 0.25


def test_the_bottom_quarter_is_flagged_on_each_ranking():
    names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]
    table = pd.DataFrame(
        [area(n, 100, 10 * i, coverage=0.1 * (i + 1), three_way=0.9 - 0.1 * i) for i, n in enumerate(names)]
    )
    ranked = compute_ranking_table(table)
    assert ranked.loc[ranked[LAGGING + "contact_coverage"], c.NAME].tolist() == ["甲", "乙"]
    assert ranked.loc[ranked[LAGGING + OVERDUE_RATE], c.NAME].tolist() == ["庚", "辛"]
    assert ranked.loc[ranked[LAGGING + "three_way_complete"], c.NAME].tolist() == ["庚", "辛"]
    assert compute_ranking_table(table.iloc[:0]).empty
