"""A sign-in lasts, in a real Chromium: once signed in, page loads by URL, F5 on the slides (back on the same
slide) and a second tab ask for no password; sign-out ends it for a reload too, and so does disabling the
account from the command line, at the next click. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from browser_support import (
    ARTIFACTS,
    ROOT,
    chromium,
    exception_texts,
    open_signed_in,
    sign_in,
    wait_until_settled,
)
from clock import FROZEN_NOW

from data_access.areas import AreaPath
from data_access.engine import get_engine
from services.accounts import create_account
from ui import labels

NAME, PASSWORD = "会议室-市级", "meeting-room-pw"
PAGES = ["/", "/map", "/contacts", "/stations", "/volunteer", "/areas", "/review", "/audit"]


@pytest.fixture(scope="module")
def app(demo_server):
    base, url = demo_server
    create_account(get_engine(url), name=NAME, role="city", area=AreaPath(), password=PASSWORD,
                   now=FROZEN_NOW.replace(tzinfo=None))  # fmt: skip
    return base, url


def _on_sign_in_page(page) -> bool:
    return urlparse(page.url).path == "/signin"


def _settled_signed_in(page) -> None:
    wait_until_settled(page)
    assert not _on_sign_in_page(page) and not exception_texts(page), page.url


def _counter(page) -> str:
    return page.locator(".review-counter").inner_text()


def test_one_sign_in_lasts_through_links_reloads_and_tabs_until_sign_out(app):
    base, _ = app
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        forms: list[str] = []
        context.on(
            "request",
            lambda r: forms.append(r.url) if urlparse(r.url).path == "/signin" and r.method == "POST" else None,
        )
        page = context.new_page()
        page.goto(base + "/areas")
        assert _on_sign_in_page(page)
        page.screenshot(path=ARTIFACTS / "session_sign_in_page.png")
        sign_in(page, NAME, PASSWORD)
        assert urlparse(page.url).path == "/areas"  # back where the link pointed
        for path in PAGES:  # links pasted into the address bar
            page.goto(base + path)
            _settled_signed_in(page)

        page.goto(base + "/review?slide=3")
        _settled_signed_in(page)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => location.search.includes('slide=4') && "
            "((document.querySelector('.review-counter') || {}).innerText || '').startsWith('4 /')",
            timeout=30_000,
        )
        shown = _counter(page)
        page.reload()  # F5 in front of the room
        _settled_signed_in(page)
        assert _counter(page) == shown == labels.REVIEW_SLIDE_NUMBER.format(number=4, total=_total(shown))
        page.screenshot(path=ARTIFACTS / "session_review_after_reload.png")

        second = context.new_page()  # a second tab
        second.goto(base + "/contacts")
        _settled_signed_in(second)
        assert len(forms) == 1  # the password was asked once in all

        second.get_by_role("button", name=labels.SIGN_OUT).click()
        second.wait_for_url(re.compile(r"/signin\?"), timeout=30_000)
        assert labels.SESSION_ENDED["signed_out"] in second.inner_text("body")
        page.reload()  # the other tab, reloaded: its session ended with the sign-out
        assert _on_sign_in_page(page)
        page.screenshot(path=ARTIFACTS / "session_after_sign_out.png")


def test_disabling_the_account_signs_it_out_at_the_next_click(app, tmp_path):
    base, url = app
    name = "停用测试-市级"
    create_account(get_engine(url), name=name, role="city", area=AreaPath(), password=PASSWORD,
                   now=FROZEN_NOW.replace(tzinfo=None))  # fmt: skip
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        open_signed_in(page, base + "/areas", name, PASSWORD)
        disabled = subprocess.run([sys.executable, "cli.py", "user", "disable", name, "--db", url], cwd=ROOT,
                                  capture_output=True, text=True, check=False)  # fmt: skip
        assert disabled.returncode == 0, disabled.stderr
        page.get_by_text("同时显示上周数值").click()  # any click reruns the script
        page.wait_for_url(re.compile(r"/signin\?"), timeout=30_000)
        page.reload()
        assert _on_sign_in_page(page) and page.locator("input[type=password]").count() == 1


def _total(counter: str) -> int:
    return int(counter.split("/")[-1].strip())
