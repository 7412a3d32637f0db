"""Every date spelling and every rejection reason, with its row number."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from ledgers import formats as f
from ledgers.validation import References, SeenKeys, check_chunk, normalise_phone, parse_dates

REFS = References(
    community_ids={"江汉区/北湖街道/环保社区": 3, "江汉区/北湖街道/世彩社区": 4, "武昌区/南湖街道/世彩社区": 9},
    station_ids={"环保社区党群服务中心": 1},
    member_ids={"13800000001": 11},
)


@pytest.mark.parametrize(
    "cell",
    [
        "2026-11-05",
        "2026/11/5",
        "2026年11月5日",
        "20261105",
        date(2026, 11, 5),
        datetime(2026, 11, 5),
        "２０２６－１１－０５",
        " 2026-11-05 ",
        46331,
    ],
)
def test_every_date_spelling(cell):
    values, malformed = parse_dates(pd.Series([cell], dtype=object))
    assert not malformed[0] and values[0] == pd.Timestamp("2026-11-05")


@pytest.mark.parametrize("cell", ["2026-02-29", "2026-13-01", "2026/11/31", "11/05/2026", "昨天"])
def test_impossible_or_unknown_dates_are_malformed(cell):
    _, malformed = parse_dates(pd.Series([cell], dtype=object))
    assert malformed[0]


@pytest.mark.parametrize(
    "cell", [13800000001.0, "138 0000 0001", "１３８００００００01", "+8613800000001", "138-0000-0001"]
)
def test_phones_as_users_write_them(cell):
    values, malformed = normalise_phone(pd.Series([cell], dtype=object))
    assert not malformed[0] and values[0] == "13800000001"


def check(ledger, rows):
    raw = pd.DataFrame(rows[1:], columns=rows[0], index=range(2, len(rows) + 1), dtype=object)
    return check_chunk(ledger, raw, REFS, SeenKeys())


def reasons(checked):
    return {(r.row, r.column): r.reason for r in checked.rejections}


def test_member_rejections_with_row_and_column():
    checked = check(
        f.MEMBERS,
        [
            ["姓名", "手机号", "流动类型", "所在社区", "报到日期"],
            ["张三", "13800000002", "流入", "环保社区", "2026-11-05"],  # 2: fine
            ["", "13800000003", "流入", "环保社区", "2026-11-05"],  # 3: missing name
            ["王五", "1380000", "流入", "环保社区", "2026-11-05"],  # 4: malformed phone
            ["赵六", "13800000004", "流入", "环保社区", "2026-02-30"],  # 5: impossible date
            ["钱七", "13800000005", "流入", "火星社区", "2026-11-05"],  # 6: unknown community
            ["孙八", "13800000006", "流入", "世彩社区", "2026-11-05"],  # 7: ambiguous community
            ["周九", "13800000007", "外地", "环保社区", "2026-11-05"],  # 8: outside the allowed list
            ["吴十", "13800000002", "流入", "环保社区", "2026-11-05"],  # 9: phone repeats row 2
        ],
    )
    got = reasons(checked)
    assert got[(3, "姓名")] == f.MISSING
    assert got[(4, "手机号")] == f.BAD_PHONE
    assert got[(5, "报到日期")] == f.BAD_DATE
    assert got[(6, "所在社区")] == f.UNKNOWN_COMMUNITY.format(value="火星社区")
    assert "江汉区/北湖街道/世彩社区" in got[(7, "所在社区")] and "武昌区/南湖街道/世彩社区" in got[(7, "所在社区")]
    assert got[(8, "流动类型")] == f.NOT_ALLOWED.format(choices="流入、流出")
    assert got[(9, "手机号")] == f.DUPLICATE_PHONE.format(first=2)
    assert list(checked.frame["row"]) == [2]
    assert checked.frame.loc[0, "status"] == "active"  # 状态 absent: 在册
    assert list(checked.rejected_rows[f.ROW_HEADER]) == [3, 4, 5, 6, 7, 8, 9]
    assert checked.rejected_rows[f.REASON_HEADER].str.len().min() > 0


def test_activity_rejections_and_the_non_member_visit_warning():
    contacts = check(f.CONTACTS, [["手机号", "联系日期", "联系方"], ["13900000000", "2026-11-05", "流入地党组织"]])
    assert reasons(contacts)[(2, "手机号")] == f.UNKNOWN_MEMBER
    visits = check(
        f.STATION_VISITS,
        [
            ["站点名称", "服务时间", "手机号"],
            ["不存在的驿站", "2026-11-05 12:00", ""],
            ["环保社区党群服务中心", "2026-11-05 25:00", ""],
            ["环保社区党群服务中心", "2026-11-05 12:00", "13900000000"],
        ],
    )
    assert reasons(visits)[(2, "站点名称")] == f.UNKNOWN_STATION.format(value="不存在的驿站")
    assert reasons(visits)[(3, "服务时间")] == f.BAD_DATETIME
    assert [(w.row, w.reason) for w in visits.warnings] == [(4, f.NON_MEMBER_VISIT)]
    assert pd.isna(visits.frame.loc[0, "member_id"])
    volunteer = check(
        f.VOLUNTEER,
        [
            ["活动名称", "活动日期", "手机号", "时长"],
            ["扫雪", "2026-01-05", "13800000001", "-1"],
            ["扫雪", "2026-01-05", "13800000001", "两小时"],
        ],
    )
    assert reasons(volunteer)[(2, "时长")].startswith("数值超出范围")
    assert reasons(volunteer)[(3, "时长")] == f.BAD_NUMBER


@pytest.mark.parametrize("arrow", [True, False], ids=["csv", "xlsx"])
def test_an_export_s_apostrophe_is_taken_off_and_a_written_one_kept(arrow):
    """cli.py export writes '=1+1 for =1+1 and ''x for 'x (formats.QUOTED_START); other apostrophes are the
    ledger's own words."""
    written = ["'=1+1", "'＝1", "'\t制表", "'-5", "''x", "'y", "'", "it's", "=2"]
    meant = ["=1+1", "＝1", "\t制表", "-5", "'x", "'y", "'", "it's", "=2"]
    rows = range(2, 2 + len(written))
    cells = pd.Series(written, index=rows, dtype="string[pyarrow]" if arrow else object)
    raw = pd.DataFrame({"活动名称": cells, "活动日期": "2026-01-05", "手机号": "13800000001", "时长": "1"}, index=rows)
    checked = check_chunk(f.VOLUNTEER, raw, REFS, SeenKeys())
    assert not checked.rejections
    assert checked.frame["activity"].tolist() == meant
