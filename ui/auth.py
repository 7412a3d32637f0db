"""Sign-in before any page, idle timeout, sign-out, and the audit of personal-data use.

The signed-in account lives in st.session_state (server side; a browser cannot set it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import streamlit as st

from data_access.areas import AreaPath, Scope
from metrics.periods import TIMEZONE
from services.accounts import Account, AccountError, has_accounts, is_enabled, record_audit, sign_in
from ui import labels
from ui.data import SETTINGS, engine

_ACCOUNT, _LAST_SEEN = "account", "account_last_seen"


def now_local() -> datetime:
    """Asia/Shanghai wall-clock time, naive, as the database stores it."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def current_account() -> Account | None:
    return st.session_state.get(_ACCOUNT)


def current_scope() -> Scope:
    """The signed-in viewer's scope; pages run only once someone has signed in, so there always is one."""
    account = current_account()
    if account is None:
        st.stop()
    return account.scope


def sign_out(message: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # nothing of the last viewer's view stays behind
    if message:
        st.session_state["sign_in_message"] = message


def render_sign_in() -> None:
    """The sign-in page (every URL shows it until the viewer signs in), or how to create the first account."""
    st.title(labels.APP_TITLE)
    if message := st.session_state.pop("sign_in_message", None):
        st.info(message)
    if not has_accounts(engine()):
        st.warning(labels.SIGN_IN_NO_ACCOUNTS)
        st.code(labels.SIGN_IN_CREATE_COMMAND, language="bash")
        return
    with st.form("sign_in", border=True, width=480):
        name = st.text_input(labels.SIGN_IN_NAME, key="sign_in_name")
        password = st.text_input(labels.SIGN_IN_PASSWORD, type="password", key="sign_in_password")
        submitted = st.form_submit_button(labels.SIGN_IN_BUTTON, type="primary")
    if not submitted:
        return
    try:
        account = sign_in(
            engine(),
            name,
            password,
            now=now_local(),
            max_failures=SETTINGS.signin_max_failures,
            lock_minutes=SETTINGS.signin_lock_minutes,
        )
    except AccountError as exc:
        st.error(labels.ACCOUNT_ERRORS[exc.code].format(detail=exc.detail))
        return
    st.session_state[_ACCOUNT] = account
    st.session_state[_LAST_SEEN] = time.monotonic()
    st.rerun()  # the same URL, now with the account's pages


def continue_as(account: Account) -> None:
    """Carry on this session as `account`: only after this session created it (replacing the sample's demo
    accounts, the signed-in one among them, with the first real administrator whose password it just set)."""
    st.session_state[_ACCOUNT] = account
    st.session_state[_LAST_SEEN] = time.monotonic()


def signed_in_account() -> Account | None:
    """The signed-in account, its idle clock reset; None when nobody is, or the session has been idle too long."""
    account = current_account()
    if account is None:
        return None
    if time.monotonic() - st.session_state.get(_LAST_SEEN, 0.0) > SETTINGS.session_idle_minutes * 60:
        sign_out(labels.SIGN_IN_EXPIRED)
        return None
    if not is_enabled(engine(), account.name):
        sign_out(labels.ACCOUNT_ERRORS["disabled"])
        return None
    st.session_state[_LAST_SEEN] = time.monotonic()
    return account


def render_account_box(account: Account) -> None:
    """Who is signed in, for which area, and the sign-out button (in the sidebar of every page)."""
    area = labels.BREADCRUMB_SEPARATOR.join((labels.CITY, *account.area.parts))
    st.sidebar.caption(labels.SIGNED_IN_AS.format(name=account.name, role=labels.ROLE_LABELS[account.role], area=area))
    st.sidebar.button(labels.SIGN_OUT, key="sign_out", on_click=sign_out, args=(labels.SIGNED_OUT,))


def audit(action: str, *, area: AreaPath, rows: int, detail: str = "") -> None:
    """Record that the signed-in viewer revealed personal data (never the data itself); call it in a script run."""
    audit_later()(action, area=area, rows=rows, detail=detail)


def audit_later() -> Callable[..., None]:
    """An audit recorder bound to this viewer, for work that runs later outside the script: Streamlit builds a
    download's data in a worker thread, where the session state (and so the viewer) is out of reach."""
    account, bound_engine = current_account(), engine()
    if account is None:
        raise PermissionError("personal data used without a signed-in account")

    def record(action: str, *, area: AreaPath, rows: int, detail: str = "") -> None:
        record_audit(bound_engine, account, action=action, area=area, rows=rows, now=now_local(), detail=detail)

    return record
