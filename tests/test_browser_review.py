"""The 周例会 slides in a real Chromium at 1920×1080 and 1280×720, as a projector shows them: nothing scrolls,
the headline is at least 120 px and every label at least 32 px, the keys a presentation clicker sends move
the slides, and no member's name or phone ever reaches the screen. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
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
    wait_until_settled,
)
from clock import FROZEN_NOW
from pptx import Presentation
from sqlalchemy import select

from data_access.engine import get_engine
from data_access.schema import members_table
from metrics.privacy import mask_name, mask_phone
from metrics.registry import REVIEW_INDICATORS
from metrics.thresholds import Thresholds
from services.accounts import DEMO_PASSWORD
from services.sample import build_sample
from ui import labels

SLIDES = len(REVIEW_INDICATORS) + 3  # title, what moved, the default slides, closing
SIZES = [(1920, 1080), (1280, 720)]

# The measures a projector cares about, read from the page itself.
MEASURE = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const view = document.querySelector('[data-testid="stAppViewContainer"]');
    const headline = document.querySelector('.review-headline');
    const sizes = sel => [...document.querySelectorAll(sel)].map(e => parseFloat(getComputedStyle(e).fontSize));
    const body = document.querySelector('.st-key-review_body');
    const slide = document.querySelector('.review-slide');
    return {
        clipped: body && slide ? slide.getBoundingClientRect().bottom - body.getBoundingClientRect().bottom : 0,
        scroll: [main.scrollHeight, main.clientHeight, view.scrollHeight, view.clientHeight,
                 document.documentElement.scrollHeight, window.innerHeight],
        headline: headline ? parseFloat(getComputedStyle(headline).fontSize) : 0,
        labels: sizes('.review-label, .review-line, .review-previous, .review-change, .review-footer, '
                      + '.review-counter, .review-grid li, .review-grid h3, .review-level, .review-note, '
                      + '.review-kicker, .review-flow-label, .review-move-head, .review-move-areas'),
        counter: (document.querySelector('.review-counter') || {}).innerText || '',
        text: document.body.innerText,
    };
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    require_browser()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser_review') / 'demo.sqlite'}"
    engine = get_engine(url)
    build_sample(engine, seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    with engine.connect() as conn:
        people = conn.execute(select(members_table.c.name, members_table.c.phone)).all()
    forbidden = {v for name, phone in people for v in (name, phone, mask_name(name), mask_phone(phone)) if v}
    with running_app(url, frozen_at=FROZEN_NOW) as base:
        yield base, forbidden


def measure(page) -> dict:
    return page.evaluate(MEASURE)


def settle_on(page, number: int) -> dict:
    """Wait until slide `number` shows and the page has settled; its measures."""
    page.wait_for_function(
        "n => (document.querySelector('.review-counter') || {}).innerText === n",
        arg=labels.REVIEW_SLIDE_NUMBER.format(number=number, total=SLIDES),
        timeout=30_000,
    )
    wait_until_settled(page)
    page.wait_for_timeout(300)  # the chart resizes to its box
    return measure(page)


def assert_fits_a_projector(m: dict, where: str) -> None:
    main_scroll, main_client, view_scroll, view_client, doc_scroll, inner = m["scroll"]
    assert main_scroll <= main_client, f"{where}: the slide scrolls ({main_scroll} > {main_client})"
    assert view_scroll <= view_client and doc_scroll <= inner, f"{where}: the page scrolls"
    assert m["clipped"] <= 1, f"{where}: the slide's text runs {m['clipped']:.0f} px past its box"
    assert m["labels"] and min(m["labels"]) >= 32, f"{where}: small print {sorted(m['labels'])[:3]}"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_slides_fit_a_projector_and_move_with_the_clicker_keys(demo, width, height):
    base, _ = demo
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(width, height) as (page, requested):
        open_signed_in(page, f"{base}/review", "demo-city", DEMO_PASSWORD)
        first = settle_on(page, 1)
        assert_fits_a_projector(first, "title slide")
        assert first["headline"] >= 120
        assert labels.SYNTHETIC_BANNER in first["text"]
        page.screenshot(path=ARTIFACTS / f"review_{width}.png")

        page.keyboard.press("ArrowRight")
        moved = settle_on(page, 2)
        assert "slide=2" in page.url
        assert_fits_a_projector(moved, "what moved")
        assert labels.REVIEW_MOVED_TITLE in moved["text"] and labels.FLOW_LABELS["newly_overdue"] in moved["text"]
        page.screenshot(path=ARTIFACTS / f"review_{width}_moved.png")

        page.keyboard.press("ArrowRight")
        second = settle_on(page, 3)
        assert "slide=3" in page.url
        assert_fits_a_projector(second, "first indicator")
        assert second["headline"] >= 120
        assert labels.INDICATOR_LABELS[REVIEW_INDICATORS[0]] in second["text"]
        assert labels.SYNTHETIC_BANNER in second["text"]
        page.screenshot(path=ARTIFACTS / f"review_{width}_slide3.png")
        page.keyboard.press("ArrowLeft")

        page.keyboard.press("PageDown")
        settle_on(page, 3)
        page.keyboard.press("PageUp")
        settle_on(page, 2)
        page.keyboard.press("ArrowLeft")
        settle_on(page, 1)
        page.locator(".st-key-review_next button").click()  # the on-screen 下一页
        settle_on(page, 2)

        if width == 1920:  # the corner download gives the same deck as a .pptx
            with page.expect_download(timeout=60_000) as download:
                page.locator("a.dashboard-download[data-key=review_download]").click()
            deck = Presentation(download.value.path())
            assert len(deck.slides) == SLIDES

        assert not exception_texts(page)
        assert not foreign_requests(requested)


def test_no_slide_scrolls_or_shows_personal_data(demo):
    base, forbidden = demo
    with chromium_page(1280, 720) as (page, _):
        open_signed_in(page, f"{base}/review?area=江岸区", "demo-city", DEMO_PASSWORD)
        for number in range(1, SLIDES + 1):
            if number > 1:
                page.keyboard.press("ArrowRight")
            m = settle_on(page, number)
            assert_fits_a_projector(m, f"slide {number}")
            assert labels.SYNTHETIC_BANNER in m["text"]
            assert not re.search(r"1\d{10}|\d{3}\*{4}\d{4}|\*", m["text"]), number
            assert not [value for value in forbidden if value in m["text"]], number
            if number == SLIDES:
                page.screenshot(path=ARTIFACTS / "review_1280_closing.png")


def test_auto_advance_from_the_url(demo):
    base, _ = demo
    with chromium_page(1280, 720) as (page, _):
        open_signed_in(page, f"{base}/review?auto=5&slide=3", "demo-city", DEMO_PASSWORD)
        settle_on(page, 3)
        assert labels.REVIEW_AUTO.format(seconds=5) in measure(page)["text"]
        page.wait_for_function(
            "n => (document.querySelector('.review-counter') || {}).innerText === n",
            arg=labels.REVIEW_SLIDE_NUMBER.format(number=4, total=SLIDES),
            timeout=15_000,
        )


def test_signing_out_leaves_the_slides(demo):
    base, _ = demo
    with chromium_page() as (page, _requested):
        open_signed_in(page, f"{base}/review?auto=5", "demo-city", DEMO_PASSWORD)
        page.get_by_role("button", name=labels.SIGN_OUT).click()
        page.get_by_label(labels.SIGN_IN_NAME).wait_for()  # the sign-in form, in place of the slides
        assert labels.SIGNED_OUT in page.inner_text("body")
        assert not page.locator(".review-slide").count()
