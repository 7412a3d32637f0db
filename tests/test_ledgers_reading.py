"""Reading ledger files: every encoding, .xlsx with Excel cells, kind from the header row."""

from __future__ import annotations

from datetime import date

import ledger_files as lf
import pandas as pd
import pytest

from ledgers.reading import LedgerFileError, open_ledger
from ledgers.validation import References, SeenKeys, check_chunk

REFS = References(
    community_ids={
        "江汉区/北湖街道/环保社区": 3,
        "武昌区/南湖街道/华锦社区": 7,
        "江汉区/北湖街道/世彩社区": 4,
        "武昌区/南湖街道/世彩社区": 9,
    }
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding(encoding):
    opened = open_ledger(lf.csv_bytes(lf.MEMBERS, encoding), "台账.csv")
    assert opened.ledger.kind == "members"
    chunk = next(opened.chunks)
    assert list(chunk["姓名"]) == ["张三", "李四", "王五"]
    assert list(chunk.index) == [2, 3, 4]  # the rows a person sees in Excel


def test_xlsx_with_excel_dates_and_numeric_phones(tmp_path):
    rows = [lf.MEMBERS[0], ["张三", 13800000001, "流入", "环保社区", date(2026, 1, 5), "", ""]]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(lf.xlsx_bytes(rows))
    opened = open_ledger(path)
    checked = check_chunk(opened.ledger, next(opened.chunks), REFS, SeenKeys())
    assert checked.rejections == []
    assert checked.frame.loc[0, "phone"] == "13800000001"
    assert checked.frame.loc[0, "registered_on"].date() == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("rows", "kind"),
    [
        (lf.AREAS, "areas"),
        (lf.STATIONS, "stations"),
        (lf.CONTACTS, "contacts"),
        (lf.VISITS, "station_visits"),
        (lf.VOLUNTEER, "volunteer_records"),
    ],
)
def test_kind_is_told_from_headers(rows, kind):
    assert open_ledger(lf.csv_bytes(rows), "x.csv").ledger.kind == kind


def test_headers_marked_required_with_a_star_are_understood():
    rows = [[h + "*" if h in ("姓名", "手机号") else h for h in lf.MEMBERS[0]], *lf.MEMBERS[1:]]
    assert open_ledger(lf.csv_bytes(rows), "x.csv").ledger.kind == "members"


def test_unknown_headers_are_named():
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(lf.csv_bytes([["甲", "乙"], ["1", "2"]]), "odd.csv")
    assert caught.value.code == "unknown_kind" and "甲" in caught.value.detail


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a workbook"])
def test_unreadable_or_empty_files_are_reported(content):
    with pytest.raises(LedgerFileError) as caught:
        open_ledger(content, "bad.csv")
    assert caught.value.code in {"empty", "unreadable"}


def test_a_short_row_is_read_by_the_forgiving_reader_and_nothing_is_lost(caplog):
    text = "\n".join(",".join(row) for row in lf.CONTACTS) + "\n13800000003,2026-11-12\n"
    with caplog.at_level("INFO", logger="ledgers.reading"):
        opened = open_ledger(text.encode("utf-8"), "联系记录.csv")
        frame = pd.concat(list(opened.chunks))
    assert "pandas" in caplog.text  # Arrow's reader refused the short row
    assert list(frame.index) == [2, 3, 4, 5]
    assert frame.loc[5, "手机号"] == "13800000003" and not frame.loc[5, "联系方"]  # missing, left to the checks


def test_a_well_formed_csv_is_read_by_arrow_as_text(caplog):
    with caplog.at_level("INFO", logger="ledgers.reading"):
        frame = pd.concat(list(open_ledger(lf.csv_bytes(lf.MEMBERS, "utf-8-sig"), "台账.csv").chunks))
    assert "pandas" not in caplog.text
    assert frame["手机号"].tolist() == [row[1] for row in lf.MEMBERS[1:]]  # phones stay text, not numbers
    assert list(frame.index) == list(range(2, len(lf.MEMBERS) + 1))
