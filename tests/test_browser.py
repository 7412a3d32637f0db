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
    missing_browser,
    running_app,
    screenshot_whole,
    wait_until_settled,
)
from conftest import IN_CI

from data_access.engine import get_engine
from metrics.thresholds import Thresholds
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
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    reason = missing_browser()
    if reason:
        if IN_CI:
            pytest.fail(reason + " (mandatory with CI=true)")
        pytest.skip(reason)
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite'}"
    build_sample(get_engine(url), seed=3, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    with running_app(url) as base:
        yield base


def test_every_page_settles_without_errors_or_foreign_requests(app_url):
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    with chromium_page() as (page, requested):
        for path, name in PAGES:
            page.goto(f"{app_url}/{path}")
            wait_until_settled(page)
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
        page.goto(f"{app_url}/?week=2026-W40&area=江汉区")
        wait_until_settled(page)
        assert "week=2026-W40" in page.url
        assert page.get_by_text("武汉市 › 江汉区 · 2026-W40（2026-09-28 至 2026-10-04）").count()
        page.get_by_role("link", name="联系情况").click()  # the view follows to another page
        wait_until_settled(page)
        assert "week=2026-W40" in page.url and "/contacts" in page.url


def test_a_bad_link_explains_and_falls_back(app_url):
    with chromium_page() as (page, _):
        page.goto(f"{app_url}/?week=2026-W99&area=不存在区")
        wait_until_settled(page)
        text = page.inner_text("body")
        assert "2026-W99" in text and "不存在区" in text
        assert not exception_texts(page)
