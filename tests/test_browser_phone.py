"""A secretary's phone (390 × 844, and on its side): the street and community flows in a real Chromium.
Nothing is wider than the screen, member lists are cards, the slides' controls leave the footer readable,
and choosing a page from the sidebar closes it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from browser_support import (
    ARTIFACTS,
    assert_fits_the_screen,
    chromium,
    new_page,
    open_signed_in,
    screenshot_whole,
    wait_until_settled,
)

from services.accounts import DEMO_PASSWORD

PHONE, ON_ITS_SIDE = (390, 844), (844, 390)


@pytest.fixture(scope="module")
def base(demo_server):
    return demo_server[0]


def _settle(page) -> None:
    wait_until_settled(page)
    page.wait_for_timeout(500)  # charts and cards take the screen's width


def test_a_community_secretary_reads_the_list_as_cards(base):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser, *PHONE)
        open_signed_in(page, f"{base}/areas", "demo-community", DEMO_PASSWORD)
        _settle(page)
        cards = page.locator('[class*="st-key-member_cards_overdue"] .member-card')
        assert cards.count() > 0 and cards.first.is_visible()
        assert not page.locator('[class*="st-key-member_table_overdue"]').is_visible()  # no cut-off grid
        days = [int(text.split(" ")[0]) for text in page.locator(".member-card .days").all_inner_texts() if text]
        assert days and days[: cards.count()] == sorted(days[: cards.count()], reverse=True)  # longest first
        assert page.get_by_role("link", name="导出名单（Excel，导出将记入审计日志）").first.is_visible()
        assert_fits_the_screen(page, "/areas")
        screenshot_whole(page, ARTIFACTS / "phone_community_areas.png")


@pytest.mark.parametrize("size", [PHONE, ON_ITS_SIDE], ids=["upright", "on_its_side"])
def test_the_slides_fit_a_phone(base, size):
    with chromium() as browser:
        page, _ = new_page(browser, *size)
        open_signed_in(page, f"{base}/review?slide=3", "demo-community", DEMO_PASSWORD)
        _settle(page)
        assert_fits_the_screen(page, "/review")
        footer = page.locator(".review-footer").first.bounding_box()
        for button in page.locator(".st-key-review_controls button:visible").all():
            box = button.bounding_box()
            apart = box["y"] >= footer["y"] + footer["height"] or box["x"] >= footer["x"] + footer["width"]
            assert apart, "a control covers the footer"
        page.screenshot(path=ARTIFACTS / f"phone_review_{size[0]}x{size[1]}.png")


def test_a_street_secretary_moves_between_pages_one_handed(base):
    with chromium() as browser:
        page, _ = new_page(browser, *PHONE)
        open_signed_in(page, f"{base}/", "demo-street", DEMO_PASSWORD)
        _settle(page)
        assert_fits_the_screen(page, "/")
        screenshot_whole(page, ARTIFACTS / "phone_street_overview.png")
        page.get_by_test_id("stExpandSidebarButton").click()
        page.get_by_test_id("stSidebarNav").get_by_text("覆盖地图").click()
        page.wait_for_url("**/map**")
        _settle(page)
        page.screenshot(path=ARTIFACTS / "phone_street_map.png")
        box = page.get_by_test_id("stSidebar").bounding_box()
        assert box is None or box["x"] + box["width"] <= 0, box  # closed again, the map in full view
        assert page.get_by_test_id("stExpandSidebarButton").is_visible()
        assert_fits_the_screen(page, "/map")
