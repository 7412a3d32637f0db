"""Taking the Monday digest out: a page rendered to PNG by a headless Chromium, and a message posted to a group
robot's webhook (企业微信, 钉钉). Used by cli.py digest; no personal data passes here, only the digest's figures."""

from __future__ import annotations

import json
import logging
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

log = logging.getLogger(__name__)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
WEBHOOK_TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The PNG or the message could not be made or sent; `code` names why (ui.labels.DIGEST_PNG_REASONS,
    DIGEST_WEBHOOK_ERRORS) and `detail` what was found, for a Chinese message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def chromium_missing(chromium: str) -> DeliveryError | None:
    """Why no PNG can be rendered here (no playwright package, no Chromium at `chromium`), or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return DeliveryError("no_playwright")
    if not Path(chromium).exists() and not shutil.which(chromium):
        return DeliveryError("no_chromium", chromium)
    return None


def render_png(page_html: str, *, chromium: str, width: int, scale: float = 2.0) -> bytes:
    """`page_html` as a PNG of its whole height, `width` CSS pixels wide at `scale` device pixels each. Every
    request the page would make is refused (the page is self-contained). DeliveryError when it cannot be done."""
    if missing := chromium_missing(chromium):
        raise missing
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": 400}, device_scale_factor=scale,
                                        locale="zh-CN")  # fmt: skip
                page.route("**/*", lambda route: route.abort())
                page.set_content(page_html, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                return page.screenshot(full_page=True, type="png")
            finally:
                browser.close()
    except Error as exc:
        log.warning("digest PNG failed: %s", exc)
        raise DeliveryError("failed", str(exc).splitlines()[0][:200]) from exc


def post_webhook(url: str, payload: dict, *, timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> None:
    """POST `payload` as JSON to a group robot's webhook; http and https URLs only. Both robots answer
    {"errcode": 0, ...} when they took the message: anything else is a DeliveryError (bad_url, unreachable,
    timeout, http_status, rejected)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise DeliveryError("bad_url", url[:200])
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    host = parsed.hostname
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            answer = response.read(65_536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError("http_status", str(exc.code)) from exc
    except TimeoutError as exc:
        raise DeliveryError("timeout", f"{timeout:g}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise DeliveryError("timeout", f"{timeout:g}") from exc
        raise DeliveryError("unreachable", f"{host}：{exc.reason}") from exc
    except OSError as exc:
        raise DeliveryError("unreachable", f"{host}：{exc}") from exc
    try:
        reply = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DeliveryError("rejected", answer[:200].decode("utf-8", "replace")) from exc
    if not isinstance(reply, dict) or reply.get("errcode", 0) != 0:
        raise DeliveryError("rejected", json.dumps(reply, ensure_ascii=False)[:200])
    log.info("digest posted to %s", host)
