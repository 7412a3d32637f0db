"""Templates and downloads: Chinese headers, a 说明 sheet, and no formula reaches a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from ledgers import formats as f
from ledgers.reading import open_ledger
from ledgers.writing import template_xlsx, to_ledger_frame, to_xlsx_bytes


@pytest.mark.parametrize("ledger", f.LEDGERS, ids=lambda ledger: ledger.kind)
def test_each_template_has_headers_an_example_and_rules(ledger):
    content = template_xlsx(ledger)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [ledger.title, f.TEMPLATE_NOTES]
    sheet = workbook[ledger.title]
    assert [cell.value for cell in sheet[1]] == list(ledger.headers)
    assert sheet.max_row == 2
    notes = workbook[f.TEMPLATE_NOTES]
    assert notes.max_row == len(ledger.columns) + 1
    assert open_ledger(content, "template.xlsx").ledger is ledger  # a template is itself importable


def test_downloads_neutralise_formulas():
    frame = pd.DataFrame({"姓名": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "张三"], "时长": [1, 2, 3, 4, 5]})
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))["s"]
    names = [sheet.cell(row=r, column=1).value for r in range(2, 7)]
    assert names == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "张三"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 7))


def test_downloads_neutralise_headers_too():
    """The rejected rows keep an uploaded file's own headers: one can be a formula."""
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1", "@SUM(A1)", "姓名"]
    frame = pd.DataFrame([[1, 2, 3, "张三"]], columns=hostile)
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes({"s": frame})))["s"]
    assert [cell.value for cell in sheet[1]] == ['\'=HYPERLINK("http://evil.example","x")', "'+1", "'@SUM(A1)", "姓名"]
    assert all(cell.data_type == "s" for cell in sheet[1])


def test_export_writes_the_words_users_write():
    rows = pd.DataFrame(
        {
            "phone": ["13800000001"],
            "member_id": ["13800000001"],
            "contacted_on": [pd.Timestamp("2026-11-05")],
            "side": ["inflow_org"],
            "method": [None],
            "liaison": [None],
        }
    )
    frame = to_ledger_frame(f.CONTACTS, rows)
    assert frame.iloc[0].to_dict() == {
        "手机号": "13800000001",
        "联系日期": "2026-11-05",
        "联系方": "流入地党组织",
        "联系方式": None,
        "联系人": None,
    }


def test_every_header_spelling_is_in_the_template_notes_and_the_readme():
    from pathlib import Path

    from ledgers.formats import LEDGERS, TEMPLATE_ALIASES, TEMPLATE_NOTES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for ledger in LEDGERS:
        notes = pd.read_excel(
            io.BytesIO(template_xlsx(ledger)), sheet_name=TEMPLATE_NOTES, dtype=str, engine="openpyxl"
        )
        written = dict(zip(notes[f.TEMPLATE_COLUMN], notes[TEMPLATE_ALIASES].fillna(""), strict=True))
        for column in ledger.columns:
            assert written[column.header] == "、".join(column.aliases)
            for alias in column.aliases:
                assert alias in readme, alias
