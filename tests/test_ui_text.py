"""Text from URLs and ledgers reaches Markdown and plotly only as text."""

from __future__ import annotations

import re

from ui.text import as_code, escape_markdown, escape_plotly, escape_plotly_labels


def test_markdown_in_an_area_name_is_shown_literally():
    assert escape_markdown("[登录](http://evil.example)") == r"\[登录\]\(http\:\/\/evil\.example\)"
    assert escape_markdown("环保社区") == "环保社区"


def test_streamlit_s_shortcodes_maths_and_entities_are_escaped_too():
    """Streamlit's Markdown turns :smile: into an emoji, :material/home: into an icon, :red[x] into colour and
    $x$ into maths; escaping every `:` and `/` (a browser check showed that `\\:material/home\\:` is still an icon)
    keeps them text."""
    text = ":smile: :material/home: :red[x] $x^2$ &amp; <b>x</b>\n=== # *_~`|!{}+-."
    escaped = escape_markdown(text)
    assert re.fullmatch(r"(\\[^\w\s]|\\_|[\w\s^;])*", escaped)  # every special behind a backslash
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # and nothing else changed


def test_url_text_becomes_one_short_code_span():
    shown = as_code("`a` ![x](http://evil.example/x.png)" + "很长" * 40)
    assert shown.startswith("`") and shown.endswith("…`") and shown.count("`") == 2
    assert as_code("2026-W99") == "`2026-W99`"


def test_plotly_labels_show_tags_as_text():
    assert escape_plotly('<a href="https://evil.example">驿站</a> & <b>') == (
        '&lt;a href="https://evil.example"&gt;驿站&lt;/a&gt; &amp; &lt;b&gt;'
    )
    assert escape_plotly_labels(["环保社区", 3, None]) == ["环保社区", 3, None]
