"""What Streamlit's own page chrome needs here: its skip link said in Chinese, a page an account does not
have said so in Chinese (not Streamlit's "Page not found"), and on a phone the sidebar, opened to choose a
page, closed again.

Streamlit leaves its sidebar open over the page after a page is chosen from it, so on a narrow screen a
secretary had to close it by hand after every move. A tiny static script (no data in it) closes it once per
page shown, on screens narrower than Streamlit's own breakpoint for the overlaid sidebar.
"""

from __future__ import annotations

import html
import json
import re

import streamlit as st
import streamlit.components.v1 as components

from ui import labels

NARROW_PX = 768  # below this Streamlit lays the sidebar over the page instead of beside it

_CLOSE_SIDEBAR = """<script>
(() => {
  const parent = window.parent;
  if (parent.innerWidth >= %(narrow)d) return;
  const close = parent.document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  const sidebar = parent.document.querySelector('[data-testid="stSidebar"]');
  if (close && sidebar && sidebar.getBoundingClientRect().right > 0) close.click();
})(); /* shown for the page %(page)s */
</script>"""


def close_sidebar_on_narrow_screens(page: str) -> None:
    """Close the overlaid sidebar once for this page: Streamlit runs a component's script again only when its
    HTML changes, so the page's name is in it. Drawn in the sidebar, where its empty frame takes no room."""
    with st.sidebar:
        components.html(_CLOSE_SIDEBAR % {"narrow": NARROW_PX, "page": re.sub(r"[^\w-]", "", page)}, height=0)


def relabel_skip_link() -> None:
    """Streamlit's keyboard skip link ("Skip to main content", shown on Tab) takes no text of ours; CSS draws
    the Chinese in its place."""
    st.html(
        '<style>[data-testid="stSkipToContent"] { font-size: 0; }'
        f'[data-testid="stSkipToContent"]::after {{ content: {json.dumps(labels.SKIP_TO_CONTENT)}; font-size: 1rem; }}'
        "</style>"
    )


def render_not_for_account() -> None:
    """A link to a page this account does not have (a colleague's, say): say so, and offer the way home."""
    st.title(labels.PAGE_NOT_FOR_ACCOUNT)
    st.info(labels.PAGE_NOT_FOR_ACCOUNT_NOTE)
    st.html(f'<a href="/" target="_self">{html.escape(labels.PAGE_NOT_FOR_ACCOUNT_HOME)}</a>')
