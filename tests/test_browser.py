"""Every page in a real Chromium at 1920×1080 on the demo city: it settles, shows no exception,
asks no host but the app's own, and leaves a screenshot in test-artifacts/ to look at."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import (
    ARTIFACTS,
    chromium_page,
    exception_texts,
    foreign_requests,
    open_signed_in,
    require_browser,
    running_app,
    screenshot_whole,
    wait_until_settled,
)
from clock import FROZEN_NOW

from data_access.engine import get_engine
from metrics.thresholds import Thresholds
from services.accounts import DEMO_PASSWORD
from services.sample import build_sample

# (URL path, screenshot name); a sub-URL comes first so a cold server is entered away from "/"
PAGES = [
    ("contacts", "contacts"),
    ("", "overview"),
    ("map", "map"),
    ("stations", "stations"),
    ("volunteer", "volunteer"),
    ("areas", "areas"),
    ("review", "review"),
    ("import", "import"),
    ("audit", "audit"),
]
CITY_ONLY = {"import", "audit"}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}"
    build_sample(get_engine(url), seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base


def test_every_page_settles_without_errors_or_foreign_requests(app_url):
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    with chromium_page() as (page, requested):
        for path, name in PAGES:
            open_signed_in(page, f"{app_url}/{path}", "demo-city", DEMO_PASSWORD)
            screenshot_whole(page, ARTIFACTS / f"page_{name}.png")
            if errors := exception_texts(page):
                problems.append(f"/{path}: {errors}")
            if not page.get_by_text("示例数据，均为合成").count():
                problems.append(f"/{path}: no synthetic-data label")
    assert not problems
    assert requested, "the browser requested nothing: the check would prove nothing"
    assert not foreign_requests(requested)


def test_a_link_opens_the_same_view(app_url):
    with chromium_page() as (page, _):
        open_signed_in(page, f"{app_url}/?week=2026-W40&area=江汉区", "demo-city", DEMO_PASSWORD)
        assert "week=2026-W40" in page.url
        assert page.get_by_text("武汉市 › 江汉区 · 2026-W40（2026-09-28 至 2026-10-04）").count()
        page.get_by_role("link", name="联系情况").click()  # the view follows to another page
        # the old page has settled already: wait for the new one's URL first, else the check races the click
        page.wait_for_url(lambda url: "/contacts" in url, timeout=30_000)
        wait_until_settled(page)
        assert "week=2026-W40" in page.url and "/contacts" in page.url


def test_a_bad_link_explains_and_falls_back(app_url):
    with chromium_page() as (page, _):
        open_signed_in(page, f"{app_url}/?week=2026-W99&area=不存在区", "demo-city", DEMO_PASSWORD)
        text = page.inner_text("body")
        assert "2026-W99" in text and "不存在区" in text
        assert not exception_texts(page)


def test_a_community_account_sees_only_its_own_members(app_url, tmp_path_factory):
    """Signed in as the demo community, on every page, even when the link names a neighbour."""
    import sqlite3
    from urllib.parse import urlparse as parse

    from metrics.privacy import mask_phone

    database = next(tmp_path_factory.getbasetemp().glob("browser*/demo.sqlite"))
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "select a.path, m.phone from members m join areas a on a.id = m.community_id where m.status = 'active'"
        ).fetchall()
    own = "江汉区/北湖街道/环保社区"
    others = {mask_phone(phone) for path, phone in rows if path != own}
    mine = {mask_phone(phone) for path, phone in rows if path == own}
    seen_mine = False
    with chromium_page() as (page, _):
        for path, _name in [page for page in PAGES if page[0] not in CITY_ONLY]:
            url = f"{app_url}/{path}?area=江汉区/北湖街道/康居社区"
            open_signed_in(page, url, "demo-community", DEMO_PASSWORD)
            text = page.inner_text("body")
            # The polite refusal (the projector's slides show the account's own area instead)
            assert ("环保社区" in text and "康居社区" not in text) if path == "review" else "不在范围内" in text, path
            assert not {phone for phone in others if phone in text}, path
            seen_mine |= bool({phone for phone in mine if phone in text})
            assert parse(page.url).path.strip("/") == path
            if path == "areas":  # the grid draws on a canvas: read the reveal picker's options instead
                picker = page.get_by_role("combobox", name="选择党员（仅在工作需要时查看）")
                picker.scroll_into_view_if_needed()
                page.wait_for_timeout(300)  # a dropdown opened while the page scrolls closes again
                picker.click()
                page.get_by_role("option").first.wait_for()
                options = " ".join(page.get_by_role("option").all_inner_texts())
                page.keyboard.press("Escape")
                screenshot_whole(page, ARTIFACTS / "page_areas_community_account.png")
                with page.expect_download() as download:  # the export, as a grid worker takes it
                    page.get_by_role("link", name="导出名单（Excel，导出将记入审计日志）").first.click()
                assert download.value.suggested_filename.endswith(".xlsx")
                with sqlite3.connect(database) as db:
                    exported = db.execute(
                        "select account, area, rows from audit_log where action = 'export'"
                    ).fetchall()
                assert exported and exported[-1][:2] == ("demo-community", own)
                assert not {phone for phone in others if phone in options}
                seen_mine = bool({phone for phone in mine if phone in options})
    assert seen_mine  # the list is there, masked: the checks above could have failed
