"""Downloads offered to one session: a link to /download/<ticket> (ui/web.py serves it) that works only with
the cookie of the session it was offered to, checked (idle, sign-out, disabled) at every fetch.

Streamlit's own download button serves its file at a /media/ URL to anyone who has the URL, and builds it once;
here the file is built at every fetch, for the account the cookie signs in, so every fetch can be audited.
"""

from __future__ import annotations

import html
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from services.accounts import Account
from services.sessions import token_hash
from ui.auth import session_token

ROUTE = "/download/"
MAX_OFFERS = 5000  # the oldest are forgotten first; a page shows a handful per session
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class Offer:
    session: str  # the hash of the session's secret
    key: str  # which of the page's downloads
    build: Callable[[Account], bytes]  # called at every fetch with the account the fetch signs in
    file_name: str
    mime: str


_offers: OrderedDict[str, Offer] = OrderedDict()
_tickets: dict[tuple[str, str], str] = {}  # (session, key) -> its current ticket: a rerun replaces the offer
_lock = threading.Lock()

# The look of Streamlit's secondary button, so that the link reads as the button it replaces.
_LOOK = """<style>
a.dashboard-download { display: inline-flex; align-items: center; gap: .4rem; padding: .25rem .75rem;
  min-height: 2.5rem; border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; color: inherit;
  text-decoration: none; background: #fff; white-space: nowrap; }
a.dashboard-download:hover { border-color: #c8102e; color: #c8102e; }
a.dashboard-download::before { content: "⤓"; }
</style>"""


def offer(token: str, key: str, build: Callable[[Account], bytes], *, file_name: str, mime: str) -> str:
    """Offer a file to the session whose secret is `token`, under `key` (a page's second offer under the same
    key replaces its first); returns the ticket of its URL."""
    session = token_hash(token)
    ticket = secrets.token_urlsafe(24)
    with _lock:
        if (old := _tickets.pop((session, key), None)) is not None:
            _offers.pop(old, None)
        _offers[ticket] = Offer(session, key, build, file_name, mime)
        _tickets[(session, key)] = ticket
        while len(_offers) > MAX_OFFERS:
            _, oldest = _offers.popitem(last=False)
            del _tickets[(oldest.session, oldest.key)]
    return ticket


def claim(ticket: str, token: str) -> Offer | None:
    """The offer behind `ticket` when `token` is the secret of the session it was offered to; else None."""
    with _lock:
        found = _offers.get(ticket)
    if found is None or not token or not secrets.compare_digest(found.session, token_hash(token)):
        return None
    return found


def offer_download(label: str, build: Callable[[Account], bytes], *, file_name: str, mime: str, key: str) -> None:
    """A download link styled as a button; the file is built (and audited by `build`) when it is fetched."""
    ticket = offer(session_token(), key, build, file_name=file_name, mime=mime)
    href, name, key = (html.escape(text, quote=True) for text in (ROUTE + ticket, file_name, key))
    st.html(
        _LOOK + f'<a class="dashboard-download" href="{href}" download="{name}" data-key="{key}">'
        f"{html.escape(label)}</a>",
        width="content",
    )
