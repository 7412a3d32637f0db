"""Who may see what, in the running app: the session behind every run (idle timeout, sign-out, a disabled
account), each role's scope (including attempts through the URL), masking for leaders, and an audit row for
every export and reveal. The sign-in page itself, lockout included, is tested over HTTP in test_web.py."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from app_support import app_test, download_links, page_strings
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data_access.accounts import fetch_audit
from data_access.areas import AreaPath
from data_access.engine import DataAccessError, get_engine
from metrics.privacy import mask_phone
from metrics.registry import REPORT_KEYS
from services.accounts import disable_account
from services.sessions import token_hash
from ui import downloads, labels
from ui.auth import SESSION_COOKIE, now_local
from ui.data import SETTINGS

OWN = "江汉区/北湖街道/环保社区"  # the demo community account's area
PAGES = ["pages/overview.py", "pages/map.py", "pages/contacts.py", "pages/stations.py", "pages/volunteer.py",
         "pages/areas.py", "pages/review.py"]  # fmt: skip


pytestmark = pytest.mark.usefixtures("clear_caches")


def members_by_community(url: str) -> dict[str, set[str]]:
    """Phone numbers of the active members of each community."""
    with get_engine(url).connect() as conn:
        rows = conn.execute(
            text(
                "select a.path, m.phone from members m join areas a on a.id = m.community_id where m.status = 'active'"
            )
        ).all()
    out: dict[str, set[str]] = {}
    for path, phone in rows:
        out.setdefault(path, set()).add(phone)
    return out


def signed_out(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    return AppTest.from_file("../app.py", default_timeout=60).run()


def first_member_of_own(url: str, *, active: bool) -> int:
    """The id of the first member of the demo community account's community, on the register or not."""
    status = "m.status = 'active'" if active else "m.status != 'active'"  # one of two constants
    with get_engine(url).connect() as conn:
        return conn.execute(
            text("select m.id from members m join areas a on a.id = m.community_id "
                 f"where a.path = :path and {status} order by m.id limit 1"),
            {"path": OWN},
        ).scalar_one()  # fmt: skip


def shows_the_way_to_sign_in(app: AppTest, message: str) -> bool:
    """The page says why and sends the browser to the sign-in page (the form itself is test_web.py's)."""
    link = " ".join(m.value for m in app.markdown)
    return [i.value for i in app.info] == [message] and 'http-equiv="refresh"' in link and "/signin?next=" in link


def session_row(url: str, token: str):
    from services.sessions import token_hash

    with get_engine(url).connect() as conn:
        return conn.execute(text("select * from sessions where token_hash = :h"), {"h": token_hash(token)}).first()


def test_every_page_without_a_session_sends_to_sign_in(monkeypatch, demo_url):
    app = signed_out(monkeypatch, demo_url)
    assert not app.exception
    assert shows_the_way_to_sign_in(app, labels.SIGN_IN_NEEDED)
    assert not app.metric and not app.text_input  # nothing of the dashboard, and no password field in it


def test_the_browser_s_session_cookie_signs_the_tab_in(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    token = app_test("city").session_state["session_token"]
    app = AppTest.from_file("../app.py", default_timeout=60)
    client = SimpleNamespace(cookies={SESSION_COOKIE: token})  # what Streamlit keeps of the page's request
    monkeypatch.setattr("streamlit.runtime.context._get_client_context", lambda: client)
    app.run()
    assert not app.exception and len(app.metric) >= len(REPORT_KEYS)


def test_a_connection_without_the_tab_s_cookie_gets_no_signed_in_page(monkeypatch, demo_url):
    """A socket that names a signed-in tab's Streamlit session (it shows in upload URLs) but carries another
    cookie, or none, does not inherit the tab."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city")
    token = app.session_state["session_token"]
    for cookies, signed_in in (({SESSION_COOKIE: token}, True), ({}, False)):
        client = SimpleNamespace(cookies=cookies)
        monkeypatch.setattr("streamlit.runtime.context._get_client_context", lambda client=client: client)
        app.run()
        assert bool(app.metric) == signed_in
    assert shows_the_way_to_sign_in(app, labels.SESSION_ENDED["ended"])


def test_an_idle_session_ends(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city")
    token = app.session_state["session_token"]
    with get_engine(demo_url).begin() as conn:
        conn.execute(
            text("update sessions set last_seen = :t where token_hash = :h"),
            {"t": now_local() - timedelta(minutes=SETTINGS.session_idle_minutes + 1), "h": token_hash(token)},
        )
    app.run()
    assert shows_the_way_to_sign_in(app, labels.SESSION_ENDED["expired"]) and not app.metric
    assert session_row(demo_url, token) is None  # ended for every tab, not just this one


def test_sign_out_ends_the_session_everywhere(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city").run()
    token = app.session_state["session_token"]
    app.sidebar.button(key="sign_out").click().run()
    assert shows_the_way_to_sign_in(app, labels.SESSION_ENDED["signed_out"])
    assert session_row(demo_url, token) is None  # the cookie's secret signs nobody in any more


def test_disabling_an_account_stops_its_open_pages_and_slides(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city")
    app.switch_page("pages/review.py")
    app.run()
    assert [h for h in app.html if 'class="review-slide' in h.value]
    account = app.session_state["account"].name
    disable_account(get_engine(demo_url), account)
    app.button(key="review_next").click().run()  # a rerun of the slides' fragment alone
    assert shows_the_way_to_sign_in(app, labels.SESSION_ENDED["ended"])
    assert not [h for h in app.html if 'class="review-slide' in h.value]
    with get_engine(demo_url).begin() as conn:
        conn.execute(text("delete from accounts where name = :n"), {"n": account})


@pytest.mark.parametrize("page", PAGES)
def test_a_community_account_never_sees_another_community_s_member(monkeypatch, demo_url, page):
    others = {mask_phone(p) for path, phones in members_by_community(demo_url).items() if path != OWN for p in phones}
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("community", OWN)
    app.switch_page(page)
    app.query_params["area"] = "江汉区/北湖街道/康居社区"  # a neighbour, through the URL
    app.run()
    assert not app.exception
    assert labels.AREA_NOT_YOURS.format(
        value="`江汉区/北湖街道/康居社区`", own="武汉市 › 江汉区 › 北湖街道 › 环保社区"
    ) in [e.value for e in app.error]
    texts, cells = page_strings(app)
    assert not {phone for phone in others if phone in texts or phone in cells}


@pytest.mark.parametrize(("role", "area"), [("district", "江汉区"), ("street", "江汉区/北湖街道"), ("community", OWN)])
def test_an_account_opening_a_page_without_an_area_gets_no_refusal(monkeypatch, demo_url, role, area):
    """No ?area= (every sign-in lands so) is the account's own area, not an area outside it."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test(role, area)
    app.switch_page("pages/overview.py")
    app.run()
    assert not app.exception
    assert not app.error and not app.warning[1:]  # the synthetic banner only
    assert app.session_state["view_area"] == area


def test_a_community_account_sees_its_own_masked_list(monkeypatch, demo_url):
    own = members_by_community(demo_url)[OWN]
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("community", OWN)
    app.switch_page("pages/areas.py")
    app.run()
    texts, cells = page_strings(app)
    assert {mask_phone(p) for p in own} & cells  # the list is there, masked
    assert not {p for p in own if p in texts or p in cells}  # and no full number


@pytest.mark.parametrize("page", PAGES)
def test_a_leader_never_sees_a_phone_number(monkeypatch, demo_url, page):
    phones = {p for phones in members_by_community(demo_url).values() for p in phones}
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city")
    app.switch_page(page)
    app.query_params["area"] = OWN
    app.run()
    assert not app.exception
    texts, cells = page_strings(app)
    assert not {p for p in phones if p in texts or p in cells}
    assert not {mask_phone(p) for p in phones if mask_phone(p) in cells}  # not even masked: no member lists
    if page == "pages/areas.py":
        assert labels.AREAS_LEADER_NOTE in [i.value for i in app.info]


def test_revealing_a_record_takes_a_click_and_is_audited(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("community", OWN)
    app.switch_page("pages/areas.py")
    app.run()
    assert labels.AREAS_REVEAL_VALUE not in app.dataframe[-1].value.columns  # nothing revealed until asked
    with get_engine(demo_url).connect() as conn:
        member_id, phone = conn.execute(
            text("select m.id, m.phone from members m join areas a on a.id = m.community_id "
                 "where a.path = :path and m.status = 'active' order by m.id limit 1"),
            {"path": OWN},
        ).one()  # fmt: skip
    picker = next(s for s in app.selectbox if s.label == labels.AREAS_REVEAL_PICK)
    picker.set_value(member_id)  # a form: the choice goes with the submit
    app.button(key="reveal_button").click().run()
    assert phone in app.dataframe[-1].value.iloc[:, 0].tolist()  # the full number, on request
    with get_engine(demo_url).connect() as conn:
        audit = fetch_audit(conn)
    assert audit.iloc[0][["account", "action", "area", "rows"]].tolist() == [f"test-community-{OWN}", "reveal", OWN, 1]


def _database_gone(*args, **kwargs):
    raise DataAccessError("unreachable")


def test_a_reveal_the_database_cannot_record_is_not_shown(monkeypatch, demo_url):
    """The audit row is written before the record is shown: a database gone in between says so in Chinese."""
    import ui.auth

    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("community", OWN)
    app.switch_page("pages/areas.py")
    app.run()
    monkeypatch.setattr(ui.auth, "record_audit", _database_gone)
    app.selectbox(key="reveal_pick").set_value(first_member_of_own(demo_url, active=True))
    app.button(key="reveal_button").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [labels.DATABASE_ERRORS["unreachable"]]
    assert labels.AREAS_REVEAL_VALUE not in app.dataframe[-1].value.columns


def test_signing_out_with_the_database_away_gets_no_error_box(monkeypatch, demo_url):
    """A button's callback, outside every friendly_errors: the session, not ended, stays signed in here."""
    import ui.auth

    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test()
    app.run()
    monkeypatch.setattr(ui.auth, "end_session", _database_gone)
    app.sidebar.button(key="sign_out").click().run()
    assert not app.exception
    assert app.session_state["account"].name == "test-city"


def send_raw_choice(monkeypatch, picker, raw: str) -> None:
    """Make `picker` send `raw` as its value, as a crafted browser message can: Streamlit hands a selectbox's
    value that matches no option to the page as the raw string."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.testing.v1.element_tree import Selectbox

    shown = Selectbox._widget_state

    def crafted(self):
        if self.id != picker.id:
            return shown.fget(self)
        state = WidgetState()
        state.id, state.string_value = self.id, raw
        return state

    monkeypatch.setattr(Selectbox, "_widget_state", property(crafted))


@pytest.mark.parametrize("raw", ["not in the register", "abc", "-1", "", "1e3"])
def test_a_reveal_takes_only_a_member_the_picker_offers(monkeypatch, demo_url, raw):
    """The picker offers the community's members on the register; a crafted value naming anyone else (one who
    has left, say) or no one at all reveals nothing, audits nothing and breaks nothing."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    gone = first_member_of_own(demo_url, active=False)
    with get_engine(demo_url).connect() as conn:
        audited = len(fetch_audit(conn))  # the demo database is shared: other tests' rows may be there
    app = app_test("community", OWN)
    app.switch_page("pages/areas.py")
    app.run()
    send_raw_choice(monkeypatch, app.selectbox(key="reveal_pick"), str(gone) if raw == "not in the register" else raw)
    app.button(key="reveal_button").click().run()
    assert not app.exception
    assert labels.AREAS_REVEAL_VALUE not in app.dataframe[-1].value.columns
    assert not app.warning[1:]  # the synthetic banner only
    with get_engine(demo_url).connect() as conn:
        assert len(fetch_audit(conn)) == audited


def test_an_export_offers_a_link_that_is_built_and_audited_for_the_fetching_account(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("community", OWN)
    app.switch_page("pages/areas.py")
    app.run()
    links = download_links(app)
    assert [label for label, _ in links][:1] == [labels.AREAS_DOWNLOAD] and not app.get("download_button")
    offer = downloads.claim(links[0][1].removeprefix(downloads.ROUTE), app.session_state["session_token"])
    workbook = offer.build(app.session_state["account"])  # as the web server does, at each fetch
    assert workbook.startswith(b"PK") and offer.file_name.endswith(".xlsx")
    with get_engine(demo_url).connect() as conn:
        audit = fetch_audit(conn)
    assert audit.iloc[0][["account", "action", "area"]].tolist() == [f"test-community-{OWN}", "export", OWN]


def test_personal_data_without_an_account_is_refused(monkeypatch, demo_url):
    from ui.auth import audit

    monkeypatch.setenv("DATABASE_URL", demo_url)
    with pytest.raises(PermissionError):
        audit("reveal", area=AreaPath.parse(OWN), rows=1)  # no account in this (bare) session


def test_a_clerk_gets_the_import_page_only(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("clerk")
    app.run()
    assert not app.exception
    assert app.title[0].value == labels.IMPORT_TITLE and not app.metric
    # A clerk's app runs no other page's script (its other paths only say the page is not for this account).
    with pytest.raises(ValueError) as refused:
        app.switch_page("pages/areas.py")
    known = str(refused.value).split("Known pages:")[1]
    assert "pages/import.py" in known and not re.search(r"pages/(?!import\.py)", known)
