"""Text from ledgers, uploads and URLs (area, station and file names) made safe where it is rendered: one helper
for Streamlit's Markdown, one for plotly's labels. Every name reaching those outputs goes through one of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# Markdown's specials, and what Streamlit adds to it: `:` and `/` of emoji and icon shortcodes (:smile:,
# :material/home:) and colour directives (:red[…]), `$` of maths, `&` of entities, `=` of a heading's underline.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:/&=])")


def escape_markdown(text: str) -> str:
    """`text` shown literally where Streamlit renders Markdown: st.markdown, captions, alerts, the labels of
    buttons, expanders and tabs, and the help of a widget."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def as_code(text: str, *, limit: int = 40) -> str:
    """Text from a URL, shown as a short inline code span: Markdown inside it (links, images) stays text."""
    cleaned = " ".join(text.replace("`", "").split())
    return f"`{cleaned[:limit]}{'…' if len(cleaned) > limit else ''}`"


def escape_plotly(text: object) -> object:
    """A label as plotly shows it literally: its text, tick labels, hover and legend read a subset of HTML
    (<a href>, <b>, <br>…), so < > & are written as entities, which it shows as the characters. Anything but
    text (a number, a missing value) is returned as it is."""
    return html.escape(text, quote=False) if isinstance(text, str) else text


def escape_plotly_labels(values: Iterable[object]) -> list[object]:
    """escape_plotly of each value: a chart's categories, texts or custom data."""
    return [escape_plotly(value) for value in values]


# What a group robot's Markdown (企业微信, 钉钉) reads as markup: emphasis, code, links, headings, quotes, lists,
# tables and the <font> tags of 企业微信
_CHAT_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]()<>#+\-!|~>])")


def escape_chat_markdown(text: str) -> str:
    """A name shown literally in a group robot's Markdown message: its specials backslash-escaped, and a line break
    (which could start a heading or a quote) a space."""
    return _CHAT_MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(text).splitlines()))
