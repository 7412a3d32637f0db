"""The 周例会 closing slide in a real Chromium at 1920×1080 and 1280×720: the lagging districts and streets (for the
city) or streets and communities (for a district) with their figures, every bullet and every line inside the slide
(none cut at the left edge or the bottom), nothing scrolls. Screenshots go to
test-artifacts/review_closing_<city|district>_<width>.png."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, chromium_page, exception_texts, open_signed_in, wait_until_settled

from services.accounts import DEMO_PASSWORD
from ui import labels

SIZES = [(1920, 1080), (1280, 720)]

# Where each list, its bullets and its lines sit against the slide's box, which hides what overflows it.
MEASURE = """() => {
    const body = document.querySelector('.st-key-review_body').getBoundingClientRect();
    const main = document.querySelector('[data-testid="stMain"]');
    const lists = [...document.querySelectorAll('.review-grid ul')].map(ul => {
        const box = ul.getBoundingClientRect();
        const first = ul.querySelector('li').getBoundingClientRect();
        const fontSize = parseFloat(getComputedStyle(ul.querySelector('li')).fontSize);
        return {left: box.left, right: box.right, bottom: box.bottom, indent: first.left - box.left, fontSize,
                marker: getComputedStyle(ul.querySelector('li')).listStyleType};
    });
    const lines = [...document.querySelectorAll('.review-grid li, .review-grid h3, .review-level, .review-note')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.bottom, e.innerText]; });
    return {body: [body.left, body.right, body.bottom], lists, lines,
            scroll: [main.scrollHeight, main.clientHeight], text: document.body.innerText};
}"""


CASES = [("", "需要关注的区和街道"), ("江岸区", "需要关注的街道和社区")]


@pytest.mark.parametrize(("area", "title"), CASES, ids=["city", "district"])
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_closing_slide_names_two_levels_with_no_bullet_cut(demo_server, width, height, area, title):
    base, _ = demo_server
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(width, height) as (page, _requested):
        where = f"&area={area}" if area else ""
        open_signed_in(page, f"{base}/review?slide=9999{where}", "demo-city", DEMO_PASSWORD)  # past the end: the last
        page.wait_for_selector(".review-grid", timeout=30_000)
        wait_until_settled(page)
        page.wait_for_timeout(300)
        page.screenshot(path=ARTIFACTS / f"review_closing_{'district' if area else 'city'}_{width}.png")
        m = page.evaluate(MEASURE)
        assert title in m["text"]
        body_left, body_right, body_bottom = m["body"]
        assert len(m["lists"]) == 6  # three rankings, for each of the two levels
        for ul in m["lists"]:
            assert ul["marker"] != "none"
            # The bullet is drawn in the list's left padding: that padding must hold it, inside the slide
            assert ul["indent"] >= 0.8 * ul["fontSize"], ul
            assert ul["left"] >= body_left, ul
        for left, right, bottom, text in m["lines"]:
            assert body_left <= left and right <= body_right + 1 and bottom <= body_bottom + 1, (text, m["body"])
        assert m["scroll"][0] <= m["scroll"][1], "the slide scrolls"
        assert labels.REVIEW_LAGGING_HEADINGS["overdue_rate"] in m["text"]
        assert "%" in m["text"]
        assert not exception_texts(page)
