"""AppTest of the whole app (app.py frames every page) with a signed-in viewer.

A session is started in the database and its secret put in session state, where only the server can put
it (a browser's cookie is read into it); sign-in itself is tested through its page in test_pages_auth.py.
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
from typing import Any

import numpy as np
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from data_access.areas import AreaPath
from services.accounts import Account


def open_page(page: str, *, week: str = "", area: str = "", role: str = "city", scope_area: str = "") -> AppTest:
    """A page of the app, run once, signed in as `role` (for `scope_area`), with week and area in its URL."""
    app = app_test(role, scope_area)
    app.switch_page(page)
    if week:
        app.query_params["week"] = week
    if area:
        app.query_params["area"] = area
    return app.run()


def plotly_values(array: object) -> list:
    """A plotly JSON array, plain or base64-packed ({"dtype", "bdata"})."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def plotly_charts(app: AppTest) -> dict[str, dict]:
    """The page's plotly figures by title."""
    figures = [json.loads(element.proto.spec) for element in app.get("plotly_chart")]
    return {figure["layout"]["title"]["text"]: figure for figure in figures}


def _session_for(account: Account) -> str:
    """A session of the account in DATABASE_URL's database (created if need be), as the sign-in page starts
    one; every page checks it. Empty when the database is unreachable (the page shows that first)."""
    from data_access.engine import DataAccessError, get_engine
    from services.accounts import AccountError, create_account
    from services.sessions import start_session
    from settings import Settings
    from ui.auth import now_local

    try:
        engine = get_engine(Settings.from_env().resolved_database_url)
        try:
            create_account(engine, name=account.name, role=account.role, area=account.area,
                           password=secrets.token_hex(8), now=now_local())  # fmt: skip
        except AccountError as exc:
            if exc.code != "exists":
                raise
        return start_session(engine, account, now=now_local(), lifetime_hours=12, user_agent="AppTest")
    except DataAccessError:
        return ""


def app_test(role: str = "city", area: str = "", *, timeout: float = 60) -> AppTest:
    """The app, not yet run, signed in as an account of `role` for `area` (created in DATABASE_URL's database:
    set it first)."""
    account = Account(f"test-{role}-{area}" if area else f"test-{role}", role, AreaPath.parse(area))
    app = AppTest.from_file("../app.py", default_timeout=timeout)
    app.session_state["account"] = account
    app.session_state["session_token"] = _session_for(account)
    return app


def download_links(app: AppTest) -> list[tuple[str, str]]:
    """The page's session-bound download links (ui/downloads.py) as (label, path)."""
    found = []
    for element in app.get("html"):
        body = element.proto.body
        for href, label in re.findall(r'class="dashboard-download" href="([^"]+)"[^>]*>([^<]*)</a>', body):
            found.append((html.unescape(label), html.unescape(href)))
    return found


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


def streamlit_english(app: AppTest) -> list[str]:
    """The widgets for which Streamlit would write its own English where the app can say otherwise: a picker
    without a placeholder ("Choose an option"), a form that Enter submits ("Press Enter to submit form"), a text
    box outside a form that Enter does not submit ("Press Enter to apply")."""
    enter_submits = {
        node.proto.form.form_id: node.proto.form.enter_to_submit
        for node in app._tree
        if getattr(node, "type", None) == "form"
    }
    found = [f"picker {w.label}" for w in (*app.selectbox, *app.multiselect) if not w.proto.placeholder]
    found += [f"form {form}" for form, enter in enter_submits.items() if enter]
    typed = (*app.text_input, *app.number_input, *app.text_area, *app.time_input)
    found += [f"text box {w.label}" for w in typed if enter_submits.get(w.proto.form_id, True)]
    return found


def assert_shows_report(app: AppTest, url: str, *, week, area, keys) -> tuple[dict, dict[str, str]]:
    """Assert the page's metrics for `keys` read as `cli.py report` gives them; returns (report, shown metrics)."""
    from data_access.areas import CITY_SCOPE
    from data_access.engine import get_engine
    from metrics.thresholds import Thresholds
    from services.report import weekly_report
    from ui import labels
    from ui.formatting import format_figure

    report = weekly_report(get_engine(url), scope=CITY_SCOPE, week=week, area=area, thresholds=Thresholds())
    shown = {m.label: m.value for m in app.metric}
    for key in keys:
        assert shown[labels.INDICATOR_LABELS[key]] == format_figure(key, report[key]["value"])
    return report, shown


def street_with_overdue_demands(url: str, week) -> str:
    """The first street of a city (in path order) with overdue demands in `week`, by `cli.py report`."""
    from data_access.areas import CITY_SCOPE
    from data_access.engine import get_engine
    from data_access.lookups import fetch_area_paths
    from metrics.thresholds import Thresholds
    from services.report import weekly_report

    engine = get_engine(url)
    with engine.connect() as conn:
        streets = [path for path in fetch_area_paths(conn) if path.count("/") == 1]
    for street in streets:
        report = weekly_report(
            engine, scope=CITY_SCOPE, week=week, area=AreaPath.parse(street), thresholds=Thresholds()
        )
        if report["demands_overdue_open"]["value"]:
            return street
    raise AssertionError("no street of this city has an overdue demand")
