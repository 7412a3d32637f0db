"""Who is signed in: the session cookie set by the sign-in page (ui/web.py) resolved on every script run and
fragment rerun, sign-out, and the audit of personal-data use.

The account and the session's secret live in st.session_state (server side; a browser cannot set it); the
secret comes from the HttpOnly cookie the browser sent when it opened this tab, and is checked against the
database on every run, so an idle timeout, a sign-out elsewhere or a disabled account takes effect at once.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import streamlit as st

from data_access.areas import AreaPath, Scope
from data_access.engine import DataAccessError
from metrics.periods import now_in_china
from services.accounts import Account, record_audit
from services.sessions import end_session, resolve_session, start_session
from ui import labels
from ui.data import SETTINGS, engine
from ui.text import escape_markdown

log = logging.getLogger(__name__)

SESSION_COOKIE = "dashboard_session"
SIGN_IN_PATH = "/signin"
_ACCOUNT, _TOKEN, _REASON = "account", "session_token", "sign_in_reason"
_CONTINUED = "session_continued"  # continue_as gave this tab a session its browser's cookie does not name
_SAFE_NEXT = re.compile(r"/(?![/\\])[^\s\\]*")


def now_local() -> datetime:
    """Asia/Shanghai wall-clock time, naive, as the database stores it."""
    return now_in_china()


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: a path on this server, never another site (`//evil`, `https:`)."""
    return value if value and _SAFE_NEXT.fullmatch(value) else "/"


def sign_in_url(next_path: str = "/", reason: str = "") -> str:
    query = {"next": safe_next(next_path)} | ({"m": reason} if reason in labels.SESSION_ENDED else {})
    return f"{SIGN_IN_PATH}?{urlencode(query)}"


def current_account() -> Account | None:
    return st.session_state.get(_ACCOUNT)


def session_token() -> str:
    return st.session_state.get(_TOKEN, "")


def current_scope() -> Scope:
    """The signed-in viewer's scope; pages run only once someone has signed in, so there always is one."""
    account = current_account()
    if account is None:
        st.stop()
    return account.scope


def _forget(reason: str) -> None:
    """Nothing of the last viewer's view stays behind; the first reason a session ended is kept to say."""
    reason = st.session_state.get(_REASON) or reason
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_REASON] = reason


def sign_out() -> None:
    """End this session everywhere (the cookie's secret stops working) and forget the viewer here. A button's
    callback: with the database away the session stays (it was not ended), and the run that follows says so."""
    if token := session_token():
        try:
            end_session(engine(), token)
        except DataAccessError:
            log.warning("sign-out failed: the database is unreachable")
            return
    _forget("signed_out")


def signed_in_account() -> Account | None:
    """The account of this tab's session, its idle clock reset; None when nobody is signed in or the session
    has ended (idle, lifetime, sign-out, disabled account)."""
    if st.session_state.get(_REASON):
        return None  # ended in this tab: only the sign-in page starts another
    cookie, token = _browser_token(), session_token()
    if token and cookie is not None and cookie != token and not st.session_state.get(_CONTINUED):
        # This tab's state reached over a connection without its cookie: a socket that names the tab's
        # Streamlit session (it shows in upload URLs) must not inherit the signed-in page.
        _forget("ended")
        return None
    token = token or cookie
    if not token:
        return None
    resolved = resolve_session(engine(), token, now=now_local(), idle_minutes=SETTINGS.session_idle_minutes)
    if resolved.account is None:
        _forget(resolved.reason)
        return None
    if current_account() not in (None, resolved.account):
        _forget("ended")  # another account signed in through this browser: start this tab afresh
        return None
    st.session_state[_TOKEN] = token
    st.session_state[_ACCOUNT] = resolved.account
    return resolved.account


def _browser_token() -> str | None:
    """The session cookie this tab's connection sent ("" when none); None when no browser is connected at all
    (a bare script run, as in AppTest, whose stand-in client has no cookies to tell)."""
    value = st.context.cookies.get(SESSION_COOKIE)
    if value is None or isinstance(value, str):
        return value or ""
    return None


def require_session() -> None:
    """For fragments (the slides' timer): they rerun without app.py, so check the session here too."""
    if signed_in_account() is None:
        st.rerun(scope="app")


def _current_path() -> str:
    url = urlsplit(st.context.url or "/")
    query = urlencode({key: st.query_params.get(key) for key in st.query_params})
    return (url.path or "/") + (f"?{query}" if query else "")


def render_sign_in() -> None:
    """Every URL without a session: say why, then go to the sign-in page, which comes back to this URL."""
    reason = st.session_state.get(_REASON, "")
    st.title(labels.APP_TITLE)
    st.info(labels.SESSION_ENDED.get(reason, labels.SIGN_IN_NEEDED))
    target = html.escape(sign_in_url(_current_path(), reason))
    # A meta refresh inserted into the page is honoured by browsers; the link is for when it is not.
    st.markdown(
        f'<meta http-equiv="refresh" content="1; url={target}"><a href="{target}" target="_self">'
        f"{html.escape(labels.SIGN_IN_GO)}</a>",
        unsafe_allow_html=True,
    )


def continue_as(account: Account) -> None:
    """Carry on this tab as `account`: only after this session created it (replacing the sample's demo
    accounts, the signed-in one among them, with the first real administrator whose password it just set).
    The browser's cookie still names the ended demo session, so another tab or a reload asks to sign in."""
    token = start_session(engine(), account, now=now_local(), lifetime_hours=SETTINGS.session_lifetime_hours,
                          user_agent=st.context.headers.get("user-agent", ""))  # fmt: skip
    st.session_state[_TOKEN] = token
    st.session_state[_ACCOUNT] = account
    st.session_state[_CONTINUED] = True


def render_account_box(account: Account) -> None:
    """Who is signed in, for which area, and the sign-out button (in the sidebar of every page)."""
    area = labels.BREADCRUMB_SEPARATOR.join((labels.CITY, *account.area.parts))
    role = labels.ROLE_LABELS[account.role]
    st.sidebar.caption(escape_markdown(labels.SIGNED_IN_AS.format(name=account.name, role=role, area=area)))
    st.sidebar.button(labels.SIGN_OUT, key="sign_out", on_click=sign_out)


def audit(action: str, *, area: AreaPath, rows: int, detail: str = "") -> None:
    """Record that the signed-in viewer revealed personal data (never the data itself); call it in a script run."""
    account = current_account()
    if account is None:
        raise PermissionError("personal data used without a signed-in account")
    audit_as(account)(action, area=area, rows=rows, detail=detail)


def audit_as(account: Account) -> Callable[..., None]:
    """An audit recorder for `account`, for work outside a script run (a download is built in the web server,
    for the account its request's cookie signs in)."""
    bound_engine = engine()

    def record(action: str, *, area: AreaPath, rows: int, detail: str = "") -> None:
        record_audit(bound_engine, account, action=action, area=area, rows=rows, now=now_local(), detail=detail)

    return record
