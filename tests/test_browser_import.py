"""A data clerk's import in a real Chromium: a workbook with a 说明 sheet and two ledger sheets (one under a
title row), the report saying what became of every row, the rejected rows downloaded, fixed and loaded again.
Screenshots at 1920×1080 and on a 390×844 phone land in test-artifacts/."""

from __future__ import annotations

import ledger_files as lf
import pandas as pd
import pytest
from browser_support import (
    ARTIFACTS,
    chromium,
    exception_texts,
    new_page,
    open_signed_in,
    require_browser,
    running_app,
    screenshot_whole,
    wait_until_settled,
)
from clock import FROZEN_NOW

from data_access.areas import AreaPath
from data_access.engine import get_engine
from ledgers.writing import to_xlsx_bytes
from services.accounts import create_account

CLERK, PASSWORD = "录入员小王", "clerk-password-1"
MEMBERS = [
    ["北湖街道流动党员台账（2026年11月）"],
    [],
    ["姓名", "手机号码", "流动类型", "所在社区", "报到时间"],
    ["张三", "13800000001", "流入", "环保社区", "2026-01-05"],
    ["李四", "1380000000", "流出", "环保社区", "2026-01-05"],  # a digit short: rejected
    ["张三", "13800000001", "流入", "环保社区", "2026-01-05"],  # row 4 again: rejected as a repeated phone
]


def _workbook() -> bytes:
    return lf.workbook_bytes({"说明": [["本台账由北湖街道填报"]], "区划": lf.AREAS, "台账": MEMBERS})


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser_import') / 'real.sqlite'}"
    create_account(get_engine(url), name=CLERK, role="clerk", area=AreaPath(), password=PASSWORD,
                   now=FROZEN_NOW.replace(tzinfo=None))  # fmt: skip
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base


def _upload_and_import(page, files: list[dict]) -> str:
    page.locator("input[type=file]").set_input_files(files)
    page.get_by_role("button", name="开始导入").wait_for(timeout=60_000)
    wait_until_settled(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").wait_for(timeout=120_000)
    wait_until_settled(page)
    return page.inner_text('[data-testid="stMain"]')


def test_a_clerk_imports_a_workbook_and_loads_the_fixed_rejections(app_url, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with chromium() as browser:
        page, _ = new_page(browser)
        open_signed_in(page, f"{app_url}/import", CLERK, PASSWORD)
        text = _upload_and_import(page, [{"name": "北湖.xlsx", "mimeType": xlsx, "buffer": _workbook()}])
        assert not exception_texts(page)
        assert "北湖.xlsx › 说明：这张工作表里没有台账表头，已跳过。" in text
        assert "北湖.xlsx › 区划（区划）：读取 4 行，接收 4 行（新增 4 行" in text
        assert "北湖.xlsx › 台账（流动党员台账）：读取 3 行，接收 1 行（新增 1 行" in text and "拒绝 2 行" in text
        assert "手机号码" in text and "报到时间" in text  # which header was read as which column
        screenshot_whole(page, ARTIFACTS / "import_report.png")

        with page.expect_download() as download:
            page.get_by_role("link", name="下载 北湖.xlsx › 台账 的被拒绝行（含原因，修改后可重新导入）").click()
        rejected = pd.read_excel(download.value.path(), dtype=str, engine="openpyxl")
        assert rejected["行号"].tolist() == ["5", "6"]
        rejected.loc[rejected["行号"] == "5", "手机号"] = "13800000002"  # the clerk fixes the short phone
        fixed = to_xlsx_bytes({"被拒绝的行": rejected})

        text = _upload_and_import(page, [{"name": "北湖_改.xlsx", "mimeType": xlsx, "buffer": fixed}])
        # the fixed row is new; the other was a repeat within the first file, and is the member already there
        assert "北湖_改.xlsx（流动党员台账）：读取 2 行，接收 2 行（新增 1 行，更新 0 行，已存在 1 行" in text
        assert not exception_texts(page)
        screenshot_whole(page, ARTIFACTS / "import_reload.png")

        phone, _ = new_page(browser, 390, 844)
        open_signed_in(phone, f"{app_url}/import", CLERK, PASSWORD)
        _upload_and_import(phone, [{"name": "北湖.xlsx", "mimeType": xlsx, "buffer": _workbook()}])
        assert not exception_texts(phone)
        screenshot_whole(phone, ARTIFACTS / "import_report_phone.png")
