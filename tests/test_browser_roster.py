"""底数清 (issue 17) in a real Chromium, as its users meet it: a clerk imports a ledger, then a shorter complete roster
and marks the member it leaves out 已转出, and finds both imports in 导入记录, newest first; a street secretary works
the 底数核查 queue an outside list left and downloads the registration list; on 区域下钻 the 一人一档待更新 tab and a
revealed member's 变更记录; the 总览 with its funnel and 不再在册 on a projector (1920×1080) and a phone (390×844).
Screenshots (whole pages) land in test-artifacts/roster_*.png."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import ledger_files as lf
import pytest
from browser_support import (
    ARTIFACTS,
    assert_fits_the_screen,
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
from test_browser_chinese import VISIBLE_TEXT, latin_words

from data_access.areas import AreaPath, Scope
from data_access.engine import get_engine
from metrics.thresholds import Thresholds
from services.accounts import Account, create_account
from services.importing import import_files
from services.reconcile import fetch_queue, resolve

CLERK, STREET_ACCOUNT, CITY, PASSWORD = "录入员小王", "北湖街道书记", "市委组织部", "roster-password-1"
STREET = "江汉区/北湖街道"
CSV = "text/csv"
HEADER = ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "联系人", "状态"]
ROSTER = [
    HEADER,
    ["张三", "13800000001", "流入", "环保社区", "2026-10-05", "网格员甲", "在册"],
    ["李四", "13800000002", "流出", "环保社区", "2026-10-12", "网格员甲", "在册"],
    ["王五", "13800000003", "流入", "江汉区/北湖街道/世彩社区", "2026-06-01", "网格员乙", "在册"],
    ["赵六", "13800000004", "流入", "环保社区", "2026-08-20", "网格员甲", "在册"],
    ["钱七", "13800000005", "流入", "华锦社区", "2026-07-01", "", "在册"],
]
# (王五, registered in June and never verified, is the street's one record to update: over 90 days)
# November's roster of the same communities: 赵六 is not on it, 张三 has a new 联系人
SHORTER = [ROSTER[0], [*ROSTER[1][:5], "网格员丙", "在册"], *ROSTER[2:4], ROSTER[5]]
CONTACTS = [
    ["手机号", "联系日期", "联系方", "联系方式"],
    ["13800000001", "2026-10-08", "流入地党组织", "电话"],
    ["13800000002", "2026-10-20", "流出地党组织", "微信"],
]
# The police's list for the street: 张三 agrees, 李四's name differs, 新来的 only the list has
OUTSIDE = [
    ["姓名", "手机号", "所在社区", "来源"],
    ["张三", "13800000001", "环保社区", "公安流动人口"],
    ["李思", "13800000002", "环保社区", "公安流动人口"],
    ["新来的", "13900000001", "环保社区", "公安流动人口"],
]
# Streamlit's own words and what a code or a blank leaks as, were any to reach the screen
# The file uploader's "add more" button, once files are in it, has a screen reader's hidden "add icon" (Streamlit's)
UPLOADED = {"csv", "add", "icon"}
# A picker's list, once opened, leaves a screen reader's hidden "3 options available." (Streamlit's, in English)
PICKED = {"option", "options", "available"}
LEAKS = ("Traceback", "Error", "Exception", "None", "nan", "NaT", "transferred", "returned", "theirs_only",
         "ours_only", "stale_record", "left_active", "undefined")  # fmt: skip


def _at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 9)


@pytest.fixture(scope="module")
def clerk_app(tmp_path_factory):
    """A fresh database with only a clerk's account, served; yields (base URL, database file)."""
    require_browser()
    database = tmp_path_factory.mktemp("browser_roster_clerk") / "real.sqlite"
    url = f"sqlite:///{database}"
    create_account(get_engine(url), name=CLERK, role="clerk", area=AreaPath(), password=PASSWORD,
                   now=FROZEN_NOW.replace(tzinfo=None))  # fmt: skip
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base, database


@pytest.fixture(scope="module")
def street_app(tmp_path_factory):
    """区划, October's roster and contacts (imported 10-25), November's with 赵六 returned and 张三's 联系人 changed
    (11-18), the police's outside list (11-20) and 新来的 confirmed by the street (11-21); served."""
    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser_roster_street') / 'real.sqlite'}"
    engine, thresholds = get_engine(url), Thresholds()
    now = FROZEN_NOW.replace(tzinfo=None)
    import_files(engine, [("区划.csv", lf.csv_bytes(lf.AREAS)), ("台账_10月.csv", lf.csv_bytes(ROSTER)),
                          ("联系记录.csv", lf.csv_bytes(CONTACTS))],
                 thresholds=thresholds, account=CLERK, at=_at(25, 10))  # fmt: skip
    for name, role, area in ((CLERK, "clerk", ""), (STREET_ACCOUNT, "street", STREET), (CITY, "city", "")):
        create_account(engine, name=name, role=role, area=AreaPath.parse(area), password=PASSWORD, now=now)
    november = [*SHORTER[:4], [*ROSTER[4][:6], "已返回"], SHORTER[4]]
    import_files(engine, [("台账_11月.csv", lf.csv_bytes(november))], thresholds=thresholds, account=CLERK,
                 at=_at(18))  # fmt: skip
    import_files(engine, [("公安名单.csv", lf.csv_bytes(OUTSIDE))], thresholds=thresholds, account=STREET_ACCOUNT,
                 at=_at(20))  # fmt: skip
    street = AreaPath.parse(STREET)
    queue = fetch_queue(engine, scope=Scope("street", street), area=street)
    newcomer = int(queue.loc[queue["phone"] == "13900000001", "item_id"].iloc[0])
    resolve(engine, Account(STREET_ACCOUNT, "street", street), item_id=newcomer, resolution="confirmed",
            note="入户核实", now=_at(21))  # fmt: skip
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base


_WHERE = """(words) => [...document.querySelectorAll('body *')].filter(e => !e.children.length
    && words.some(w => (e.textContent || '').includes(w))).map(e => e.outerHTML.slice(0, 200))"""


def _open(page, url: str, account: str, landmark: str) -> None:
    """Signed in at `url`, once the page has drawn `landmark` (the sign-in page's way back may still be loading
    when the sign-in settles) and settled."""
    open_signed_in(page, url, account, PASSWORD)
    page.get_by_text(landmark).first.wait_for(timeout=60_000)
    wait_until_settled(page)


def _visible(page) -> list[str]:
    return page.evaluate(VISIBLE_TEXT)


def _assert_clean(page, where: str, *, allowed: set[str] = frozenset()) -> str:
    """No exception box, no traceback, no code or blank leaking as English; returns the main area's text."""
    assert not exception_texts(page), where
    texts = _visible(page)
    joined = "\n".join(texts)
    leaks = [word for word in LEAKS if word in joined]
    assert not leaks, f"{where}: {leaks}"
    extra = latin_words(texts) - allowed
    assert not extra, f"{where}: {extra}: {page.evaluate(_WHERE, sorted(extra))}"
    return page.inner_text('[data-testid="stMain"]')


def _grid_text(page) -> str:
    """The grids draw on a canvas; Glide keeps an accessible (unseen) table of the cells it draws, once in view."""
    texts = []
    for grid in page.locator('[data-testid="stDataFrame"]:visible').all():  # (not in a closed expander)
        grid.scroll_into_view_if_needed()
        grid.locator("table td").first.wait_for(state="attached", timeout=30_000)
        texts.append(grid.locator("table").first.text_content())
    return " ".join(texts)


def _import(page, files: list[tuple[str, list[list[object]]]], *, complete: bool = False) -> str:
    page.locator("input[type=file]").set_input_files(
        [{"name": name, "mimeType": CSV, "buffer": lf.csv_bytes(rows)} for name, rows in files]
    )
    page.get_by_role("button", name="开始导入").wait_for(timeout=60_000)
    wait_until_settled(page)
    box = page.get_by_role("checkbox", name="流动党员台账是所列社区的完整名单")
    if box.is_checked() != complete:
        box.click(force=True)  # Streamlit hides the input under its own drawn box
        wait_until_settled(page)
    page.get_by_role("button", name="开始导入").click()
    page.get_by_text("导入完成").wait_for(timeout=120_000)
    wait_until_settled(page)
    return page.inner_text('[data-testid="stMain"]')


def test_a_clerk_marks_who_a_complete_roster_leaves_out(clerk_app):
    base, database = clerk_app
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser)
        _open(page, f"{base}/import", CLERK, "导入记录")
        page.get_by_text("导入记录").first.click()
        wait_until_settled(page)
        assert "还没有导入记录。" in page.inner_text('[data-testid="stMain"]')
        text = _import(page, [("区划.csv", lf.AREAS), ("台账_10月.csv", ROSTER)])
        assert "台账_10月.csv 与上次导入相比" in text and "新增 5 人，状态变化 0 人，迁移社区 0 人。" in text
        assert "下载新增党员名单（5 人，已脱敏）" in text
        _assert_clean(page, "first import", allowed=UPLOADED)
        screenshot_whole(page, ARTIFACTS / "roster_import_first.png")

        page.reload()  # another day: the uploader empty again
        page.get_by_text("导入记录").first.wait_for(timeout=60_000)
        wait_until_settled(page)
        text = _import(page, [("台账_11月.csv", SHORTER)], complete=True)
        assert "台账_10月.csv" not in text and "区划.csv" not in text  # this file only
        assert "台账_11月.csv 与上次导入相比" in text
        assert "不在本次台账：1 人（所列社区中在册，但这份完整名单里没有）。" in text
        grids = _grid_text(page)
        assert "赵*" in grids and "138****0004" in grids  # the one left out, masked
        assert "赵六" not in text + grids and "13800000004" not in text + grids
        _assert_clean(page, "complete roster", allowed=UPLOADED)
        screenshot_whole(page, ARTIFACTS / "roster_import_not_listed.png")

        form = page.locator('[data-testid="stForm"]').filter(has_text="确认标记")
        form.get_by_text("已转出", exact=True).click()
        form.get_by_text("我已逐一核实，以上 1 人确实应改为所选状态").click()
        form.get_by_role("button", name="确认标记").click()
        page.get_by_text("已将 1 人标记为“已转出”，指标已重新计算。").wait_for(timeout=60_000)
        wait_until_settled(page)
        _assert_clean(page, "marked", allowed=UPLOADED)
        screenshot_whole(page, ARTIFACTS / "roster_import_marked.png")
        with sqlite3.connect(database) as db:
            statuses = dict(db.execute("select name, status from members").fetchall())
        assert statuses == {"张三": "active", "李四": "active", "王五": "active", "赵六": "transferred",
                            "钱七": "active"}  # fmt: skip

        page.reload()
        wait_until_settled(page)
        page.get_by_text("导入记录（最近 200 次，新的在前）").click()
        page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').wait_for(timeout=30_000)
        wait_until_settled(page)
        history = page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"] table').text_content()
        assert history.index("台账_11月.csv") < history.index("台账_10月.csv") < history.index("区划.csv"), history
        assert "是" in history and CLERK in history  # the complete roster, and who imported
        _assert_clean(page, "history", allowed=UPLOADED)
        screenshot_whole(page, ARTIFACTS / "roster_import_history.png")

        # A bad file: 李四's phone a digit short. His row is rejected, and so he is "not on" the complete roster
        page.reload()
        page.get_by_text("导入记录").first.wait_for(timeout=60_000)
        wait_until_settled(page)
        typo = [row[:] for row in SHORTER]
        typo[2][1] = "1380000000"
        text = _import(page, [("台账_11月_改.csv", typo)], complete=True)
        assert "拒绝 1 行" in text and "手机号格式不对" in _grid_text(page)
        assert "不在本次台账：1 人" in text and "李*" in _grid_text(page)
        assert "注意：这份名单有 1 行被拒绝" in text  # the clerk is told before marking anyone
        _assert_clean(page, "bad file", allowed=UPLOADED)
        screenshot_whole(page, ARTIFACTS / "roster_import_bad_file.png")


def test_a_street_secretary_works_the_reconcile_queue(street_app):
    with chromium() as browser:
        page, _ = new_page(browser)
        _open(page, f"{street_app}/reconcile", STREET_ACCOUNT, "处理一个条目")
        text = page.inner_text('[data-testid="stMain"]')
        assert "底数核查" in text and "处理一个条目" in text
        grids = _grid_text(page)
        assert "环保社区" in grids and "139****0001" in grids and "13900000001" not in text + grids
        assert "李*" in grids and "李思" not in grids  # the outside list's name masked too
        _assert_clean(page, "/reconcile")
        screenshot_whole(page, ARTIFACTS / "roster_reconcile.png")

        picker = page.get_by_role("combobox", name="选择条目")
        picker.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        picker.click()
        page.get_by_role("option").filter(has_text="138****0002").first.click()
        resolutions = page.locator('[data-testid="stRadio"]').filter(has_text="核实结果")
        resolutions.get_by_text("已更正", exact=True).click()
        page.get_by_role("button", name="保存处理结果（将记入审计日志）").click()
        page.get_by_text("已保存：#").wait_for(timeout=60_000)
        wait_until_settled(page)
        assert "已更正。" in page.get_by_text("已保存：#").inner_text()
        queue = page.locator('[data-testid="stDataFrame"]').nth(1).locator("table").text_content()
        assert "已更正" in queue and "核实无误入户核实" in queue
        _assert_clean(page, "/reconcile resolved", allowed=PICKED)
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("link", name="导出待登记名单（流动党员台账，完整手机号，将记入审计日志）").click()
        assert download.value.suggested_filename == "北湖街道_待登记流动党员台账.xlsx"
        screenshot_whole(page, ARTIFACTS / "roster_reconcile_resolved.png")


def test_a_street_secretary_reads_a_member_s_changes(street_app):
    with chromium() as browser:
        page, _ = new_page(browser)
        _open(page, f"{street_app}/areas", STREET_ACCOUNT, "一人一档待更新")
        tab = page.get_by_role("tab").filter(has_text="一人一档待更新")
        assert tab.count() == 1
        tab.click()
        wait_until_settled(page)
        assert "一人一档待更新（1）" in tab.inner_text()
        stale = page.get_by_role("tabpanel").filter(has_text="未核实最久的在前")
        assert "王*" in stale.locator('[data-testid="stDataFrame"] table').text_content()  # 王五, masked
        _assert_clean(page, "/areas stale tab")
        screenshot_whole(page, ARTIFACTS / "roster_areas_stale.png")

        picker = page.get_by_role("combobox", name="选择党员（仅在工作需要时查看）")
        picker.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        picker.click()
        page.get_by_role("option").filter(has_text="0001").first.click()
        page.get_by_role("button", name="显示完整信息（将记入审计日志）").click()
        page.get_by_text("变更记录", exact=True).wait_for(timeout=60_000)
        wait_until_settled(page)
        history = page.locator('[data-testid="stDataFrame"]').last.locator("table").text_content()
        assert "联系人" in history and "网格员甲" in history and "网格员丙" in history, history
        assert "台账_11月.csv" in history and "首次导入" in history
        _assert_clean(page, "/areas revealed", allowed=PICKED)
        screenshot_whole(page, ARTIFACTS / "roster_areas_revealed.png")


@pytest.mark.parametrize("size, account", [((1920, 1080), CITY), ((390, 844), STREET_ACCOUNT)],
                         ids=["projector", "phone"])  # fmt: skip
def test_the_overview_shows_the_funnel_and_who_left(street_app, size, account):
    with chromium() as browser:
        page, _ = new_page(browser, *size)
        _open(page, f"{street_app}/", account, "报到月份")
        page.wait_for_timeout(500)  # charts take the screen's width
        text = page.inner_text('[data-testid="stMain"]')
        assert "不再在册" in text and "一人一档更新率" in text and "报到月份" in text
        assert page.locator('[data-testid="stPlotlyChart"]').filter(has_text="2026年10月").count() >= 1, text
        _assert_clean(page, f"/ at {size}")
        assert_fits_the_screen(page, f"/ at {size}")
        name = "projector" if size[0] > 1000 else "phone"
        page.screenshot(path=ARTIFACTS / f"roster_overview_{name}_first_screen.png")
        screenshot_whole(page, ARTIFACTS / f"roster_overview_{name}.png")

        picker = page.get_by_role("combobox", name="报到月份")  # September: no one registered then
        picker.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        picker.click()
        months = page.get_by_role("option").all_inner_texts()
        assert months[:2] == ["2026年10月", "2026年9月"] and len(months) == 12, months  # complete months only
        page.get_by_role("option", name="2026年9月").click()
        page.get_by_text("2026年9月没有新报到的党员。").wait_for(timeout=60_000)
        wait_until_settled(page)
        assert not page.locator('[data-testid="stPlotlyChart"]').filter(has_text="报到的党员：").count()
        _assert_clean(page, f"/ September at {size}", allowed=PICKED)
        screenshot_whole(page, ARTIFACTS / f"roster_overview_{name}_september.png")
