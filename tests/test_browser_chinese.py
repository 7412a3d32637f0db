"""Chinese wherever a user reads: every page, as each role, in a real Chromium, with no Latin word in the
visible text beyond an allow-list (units, file kinds, week codes, the demo accounts' own names, and the few
words Streamlit writes itself and offers no way to change, listed below with where they come from)."""

from __future__ import annotations

import re

import pytest
from browser_support import chromium, exception_texts, new_page, open_signed_in

from services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

ANALYSIS = ["/", "/map", "/contacts", "/stations", "/volunteer", "/areas", "/review"]
# Each role's pages, and one it does not have (a colleague's link), which must say so in Chinese too.
PAGES_BY_ROLE = {
    "city": [*ANALYSIS, "/import", "/audit"],
    "district": [*ANALYSIS, "/audit"],
    "street": [*ANALYSIS, "/import"],
    "community": [*ANALYSIS, "/audit"],
    "clerk": ["/import", "/areas"],
}
ALLOWED = {
    "PPT",
    "Excel",
    "xlsx",
    "CSV",
    "MB",
    "GBK",
    "UTF",  # file kinds, units and encodings users know by these names
    *{part for name, _, _ in DEMO_ACCOUNTS for part in name.split("-")},  # the demo accounts' names (synthetic)
}
# Streamlit 1.67 writes these itself, with no parameter to change them (its FileUploader component: the drop
# zone's "Drag and drop files here", the "Upload" button, "200MB per file • XLSX, CSV").
STREAMLIT_KEEPS = {"Drag", "and", "drop", "files", "here", "Upload", "per", "file", "XLSX"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# The text a reader sees: visible text nodes, leaving out icon ligatures (Material icons are drawn from words
# such as "keyboard_double_arrow_right"), URLs in link targets (not text) and week codes (2026-W46).
VISIBLE_TEXT = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = [];
    while (walker.nextNode()) {
        const node = walker.currentNode, element = node.parentElement;
        if (!element || element.closest('[data-testid="stIconMaterial"], script, style, noscript')) continue;
        const style = getComputedStyle(element);
        if (style.visibility === 'hidden' || style.display === 'none' || !element.getClientRects().length
            || parseFloat(style.fontSize) === 0) continue;  // drawn over by CSS (the skip link's Chinese)
        if (node.textContent.trim()) seen.push(node.textContent.trim());
    }
    return seen;
}"""


@pytest.fixture(scope="module")
def base(demo_server):
    return demo_server[0]


def latin_words(texts: list[str]) -> set[str]:
    words = set()
    for text in texts:
        text = re.sub(r"https?://\S+|\b\d{4}-W\d{2}\b", "", text)
        words |= set(LATIN_WORD.findall(text))
    return words - ALLOWED - STREAMLIT_KEEPS


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_no_page_shows_an_english_word(base, role):
    account = next(name for name, account_role, _ in DEMO_ACCOUNTS if account_role == role)
    found: dict[str, set[str]] = {}
    with chromium() as browser:
        page, _ = new_page(browser)
        open_signed_in(page, f"{base}/signin", account, DEMO_PASSWORD)
        for path in PAGES_BY_ROLE[role]:
            page.goto(base + path)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
            page.wait_for_timeout(1500)  # charts draw their axes
            assert not exception_texts(page), path
            if words := latin_words(page.evaluate(VISIBLE_TEXT)):
                found[path] = words
    assert not found, found
