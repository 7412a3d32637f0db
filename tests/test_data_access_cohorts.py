"""The registration funnel from the database, on both engines: a month's cohort within an area, its contacts to
the day, and the "funnel" key of `cli.py report --json`."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

import cli
import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath, Scope
from data_access.engine import get_engine
from data_access.loading import replace_all_data
from metrics import funnel as fn
from metrics.registry import REPORT_KEYS
from metrics.thresholds import Thresholds
from services.funnel import registration_funnel

AUGUST = fn.Month.parse("2026-08")
AS_OF = date(2026, 12, 27)  # the end of 2026-W52
HUANBAO, SHICAI = 3, 4
# member, community, status, registered; then its contacts as (days after registration, side)
COHORT = [
    (10, HUANBAO, "active", date(2026, 8, 10), [(30, "outflow_org"), (40, "inflow_org"), (90, "member")]),
    (11, HUANBAO, "active", date(2026, 8, 10), [(31, "outflow_org")]),  # first contact on day 31: too late
    (12, HUANBAO, "active", date(2026, 8, 10), [(-1, "outflow_org"), (5, "inflow_org"), (6, "member")]),
    (13, HUANBAO, "active", date(2026, 8, 31), [(0, "outflow_org"), (2, "inflow_org"), (91, "member")]),
    (14, HUANBAO, "returned", date(2026, 8, 1), [(1, "outflow_org"), (2, "inflow_org"), (3, "member")]),
    (15, SHICAI, "active", date(2026, 8, 15), [(3, "member")]),
    (16, HUANBAO, "active", date(2026, 9, 1), [(1, "member")]),  # September: another cohort
    (17, HUANBAO, "active", date(2026, 7, 31), [(1, "member")]),  # July
]


def tables() -> dict[str, pd.DataFrame]:
    out = tiny_city.tables()
    template = out["members"].iloc[0].to_dict()
    members = [
        template | {"id": i, "phone": f"139000000{i}", "community_id": community, "status": status, "registered_on": r}
        for i, community, status, r, _ in COHORT
    ]
    contacts = [
        {"member_id": i, "contacted_on": r + timedelta(days=n), "side": side, "method": "phone", "liaison": None}
        for i, _, _, r, rows in COHORT
        for n, side in rows
    ]
    contacts = pd.DataFrame(contacts).assign(id=lambda f: range(100, 100 + len(f)))
    return out | {
        "members": pd.concat([out["members"], pd.DataFrame(members)], ignore_index=True),
        "contacts": pd.concat([out["contacts"], contacts], ignore_index=True),
    }


@pytest.fixture
def cohort_url(db_url) -> str:
    replace_all_data(get_engine(db_url), tables(), meta={"data_kind": "real"})
    return db_url


def steps(url: str, area: str = "", *, as_of: date = AS_OF, scope: Scope = CITY_SCOPE) -> list[int]:
    funnel = registration_funnel(
        get_engine(url), scope=scope, area=AreaPath.parse(area), month=AUGUST, as_of=as_of, thresholds=Thresholds()
    )
    return funnel[fn.COUNT].tolist()


def test_the_cohort_s_funnel_to_the_day(cohort_url):
    # Registered in August: 10-15, and the tiny city's member 4 (08-07, never contacted). Contacted within 30
    # days: 10 (day 30), 12 (day 5; its day -1 is none), 13, 14
    # (returned since: any status), 15. Three sides within 90 days: 10 (day 90) and 14; 12 lacks an outflow-side
    # contact from its registration on, 13's third side came on day 91.
    assert steps(cohort_url) == [7, 5, 2]
    assert steps(cohort_url, "江汉区/北湖街道/环保社区") == [6, 4, 2]
    assert steps(cohort_url, "江汉区/北湖街道/世彩社区") == [1, 1, 0]
    assert steps(cohort_url, "武昌区") == [0, 0, 0]
    assert steps(cohort_url, as_of=date(2026, 11, 7)) == [7, 5, 1]  # member 10's day 90 (11-08) not known yet


def test_a_street_account_sees_its_own_cohort_only(cohort_url):
    from data_access.areas import OutOfScopeError

    street = AreaPath.parse("江汉区/北湖街道")
    assert steps(cohort_url, str(street), scope=Scope("street", street)) == [7, 5, 2]
    with pytest.raises(OutOfScopeError):
        steps(cohort_url, "武昌区", scope=Scope("street", street))


def test_the_report_json_carries_the_funnel_beside_the_indicators(cohort_url, capsys):
    assert cli.main(["report", "--db", cohort_url, "--week", "2026-W52", "--month", "2026-08", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [key for key in report if key != "funnel"] == list(REPORT_KEYS)
    assert report["funnel"] == {
        "month": "2026-08",
        "as_of": "2026-12-27",
        "complete": True,  # 08-31 + 90 days = 11-29
        "steps": {"registered": 7, "contacted": 5, "three_way": 2},
    }
    assert cli.main(["report", "--db", cohort_url, "--week", "2026-W46", "--json"]) == 0
    default = json.loads(capsys.readouterr().out)["funnel"]
    assert (default["month"], default["complete"]) == ("2026-10", False)  # the latest month over by 11-15


def test_a_malformed_month_exits_2_naming_the_form(cohort_url, capsys):
    assert cli.main(["report", "--db", cohort_url, "--month", "2026-13", "--json"]) == 2
    assert "2026-10" in capsys.readouterr().err
