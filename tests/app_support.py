"""AppTest of the whole app (app.py frames every page) with a signed-in viewer.

The account is put in session state, where only the server can put it; sign-in itself is tested
through its form in test_pages_auth.py.
"""

from __future__ import annotations

import time
from typing import Any

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from data_access.areas import AreaPath
from services.accounts import Account


def app_test(role: str = "city", area: str = "", *, timeout: float = 60) -> AppTest:
    """The app, not yet run, signed in as an account of `role` for `area`."""
    app = AppTest.from_file("../app.py", default_timeout=timeout)
    app.session_state["account"] = Account(f"test-{role}", role, AreaPath.parse(area))
    app.session_state["account_last_seen"] = time.monotonic()
    return app


def _walk(node: Any):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def page_strings(app: AppTest) -> tuple[str, set[str]]:
    """Everything the page sends: each element's message as text, and every dataframe cell."""
    texts, cells = [], set()
    for node in _walk(app._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(text_format.MessageToString(proto, as_utf8=True))
        if type(node).__name__ == "Dataframe":
            cells |= {str(v) for v in node.value.astype(str).to_numpy().ravel()}
    return "\n".join(texts), cells
