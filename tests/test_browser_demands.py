"""诉求办理 in a real Chromium: a leader's desk at 1920 × 1080 (every chart drawn, reloaded as users do) and a
street secretary's phone (the overdue list as cards, nothing wider than the screen). Screenshots go to
test-artifacts/."""

from __future__ import annotations

from datetime import datetime

from app_support import street_with_overdue_demands
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
from metrics.periods import Week
from services.accounts import DEMO_PASSWORD, create_account

WEEK = Week.parse("2026-W47")  # the frozen clock's last complete week
PASSWORD = "诉求-test-password-1"


def _charts(page) -> int:
    return page.locator('[data-testid="stPlotlyChart"] .main-svg').count()


def test_a_leader_reads_every_chart_and_it_survives_a_reload(demo_server):
    base, _ = demo_server
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser, 1920, 1080)
        open_signed_in(page, f"{base}/demands", "demo-city", DEMO_PASSWORD)
        wait_until_settled(page)
        assert page.get_by_role("heading", name="诉求办理").is_visible()
        assert page.get_by_text("诉求办结率").first.is_visible()
        drawn = _charts(page)
        assert drawn >= 5  # raised and resolved, wishes, backlog, sources, stations
        assert_fits_the_screen(page, "/demands at 1920")
        screenshot_whole(page, ARTIFACTS / "demands_leader_1920.png")
        page.reload()
        wait_until_settled(page)
        assert _charts(page) == drawn and page.get_by_role("heading", name="诉求办理").is_visible()


def test_a_street_secretary_reads_the_overdue_list_as_cards_on_a_phone(demo_server):
    base, url = demo_server
    street = street_with_overdue_demands(url, WEEK)
    create_account(
        get_engine(url), name="诉求街道书记", role="street", area=AreaPath.parse(street), password=PASSWORD,
        now=datetime(2026, 11, 25, 9),
    )  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page, _ = new_page(browser, 390, 844)
        open_signed_in(page, f"{base}/demands", "诉求街道书记", PASSWORD)
        wait_until_settled(page)
        page.wait_for_timeout(500)  # charts and cards take the screen's width
        cards = page.locator('[class*="st-key-member_cards_overdue_demands"] .member-card')
        assert cards.count() > 0 and cards.first.is_visible()
        assert not page.locator('[class*="st-key-member_table_overdue_demands"]').is_visible()
        text = cards.first.inner_text()
        assert "已等待" in text and "****" in text  # the member's phone masked
        assert_fits_the_screen(page, "/demands on a phone")
        screenshot_whole(page, ARTIFACTS / "demands_street_phone.png")
