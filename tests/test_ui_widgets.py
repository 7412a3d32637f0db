"""Text from URLs and ledgers reaches Markdown only as text."""

from __future__ import annotations

from ui.widgets import as_code, escape_markdown


def test_markdown_in_an_area_name_is_shown_literally():
    assert escape_markdown("[登录](http://evil.example)") == r"\[登录\]\(http://evil\.example\)"
    assert escape_markdown("环保社区") == "环保社区"


def test_url_text_becomes_one_short_code_span():
    shown = as_code("`a` ![x](http://evil.example/x.png)" + "很长" * 40)
    assert shown.startswith("`") and shown.endswith("…`") and shown.count("`") == 2
    assert as_code("2026-W99") == "`2026-W99`"
