"""总览's 本周变化 in a real Chromium: a leader at 1920 × 1080 reads the flows and where contact coverage moved,
reloaded as users do; a street secretary on a phone opens a flow's list as cards. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from datetime import datetime

from browser_support import (
    ARTIFACTS,
    assert_fits_the_screen,
    chromium,
    new_page,
    open_signed_in,
    screenshot_whole,
    wait_until_settled,
)

from data_access.areas import AreaPath
from data_access.engine import get_engine
from services.accounts import DEMO_PASSWORD, create_account
from ui import labels

PASSWORD = "本周变化-test-password-1"
STREET = "江汉区/北湖街道"


def _moved_section(page):
    return page.get_by_role("heading", name=labels.OVERVIEW_MOVED)


def test_a_leader_reads_what_moved_and_it_survives_a_reload(demo_server):
    base, _ = demo_server
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser, 1920, 1080)
        open_signed_in(page, f"{base}/", "demo-city", DEMO_PASSWORD)
        wait_until_settled(page)
        assert _moved_section(page).is_visible()
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="各区的贡献")
        assert chart.count() == 1 and chart.first.is_visible()
        assert page.get_by_text(labels.FLOW_LABELS["newly_overdue"]).first.is_visible()
        assert_fits_the_screen(page, "/ at 1920")
        page.screenshot(path=str(ARTIFACTS / "moved_leader_1920.png"))  # the first screen: what a leader sees first
        page.reload()
        wait_until_settled(page)
        chart.first.wait_for(state="visible", timeout=60_000)  # drawn after the script has settled
        assert _moved_section(page).is_visible() and chart.count() == 1


def test_a_street_secretary_opens_a_flow_s_list_as_cards_on_a_phone(demo_server):
    base, url = demo_server
    create_account(
        get_engine(url), name="变化街道书记", role="street", area=AreaPath.parse(STREET), password=PASSWORD,
        now=datetime(2026, 11, 25, 9),
    )  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser, 390, 844)
        open_signed_in(page, f"{base}/", "变化街道书记", PASSWORD)
        wait_until_settled(page)
        page.get_by_role("radio", name=labels.FLOW_LABELS["newly_overdue"]).click()
        # The click's rerun may not have begun when a settled check looks: wait for what it draws
        page.wait_for_selector('[class*="st-key-member_cards_flow"] .member-card', state="visible", timeout=60_000)
        wait_until_settled(page)
        cards = page.locator('[class*="st-key-member_cards_flow"] .member-card')
        assert cards.count() > 0 and cards.first.is_visible()
        assert "****" in cards.first.inner_text()  # the phone masked
        assert not page.locator('[class*="st-key-member_table_flow"]').is_visible()
        assert_fits_the_screen(page, "/ on a phone")
        screenshot_whole(page, ARTIFACTS / "moved_street_phone.png")
