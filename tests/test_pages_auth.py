"""Who may see what, in the running app: sign-in, lockout, idle timeout, sign-out, each role's scope (including
attempts through the URL), masking for leaders, and an audit row for every export and reveal."""

from __future__ import annotations

import threading
import time

import pytest
from app_support import app_test, page_strings
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data_access.accounts import fetch_audit
from data_access.engine import get_engine
from metrics.privacy import mask_phone
from services.accounts import DEMO_PASSWORD
from ui import labels
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


def submit(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="sign_in_name").input(name)
    app.text_input(key="sign_in_password").input(password)
    return app.button[0].click().run()


def test_every_page_asks_for_sign_in_first(monkeypatch, demo_url):
    app = signed_out(monkeypatch, demo_url)
    assert not app.exception
    assert [t.label for t in app.text_input] == [labels.SIGN_IN_NAME, labels.SIGN_IN_PASSWORD]
    assert app.button[0].label == labels.SIGN_IN_BUTTON
    assert not app.metric  # nothing of the dashboard before sign-in


def test_right_password_signs_in_and_a_wrong_one_is_refused(monkeypatch, demo_url):
    app = submit(signed_out(monkeypatch, demo_url), "demo-city", "not-the-password")
    assert [e.value for e in app.error] == [labels.ACCOUNT_ERRORS["denied"]]
    app = submit(app, "demo-city", DEMO_PASSWORD)
    assert not app.exception and len(app.metric) >= 14
    assert any("demo-city" in c.value for c in app.sidebar.caption)


def test_repeated_failures_lock_the_account(monkeypatch, demo_url):
    app = signed_out(monkeypatch, demo_url)
    for _ in range(SETTINGS.signin_max_failures):
        app = submit(app, "demo-district", "wrong-password")
    assert labels.ACCOUNT_ERRORS["locked"].split("，")[0] in app.error[0].value
    app = submit(app, "demo-district", DEMO_PASSWORD)  # even the right password waits
    assert labels.ACCOUNT_ERRORS["locked"].split("，")[0] in app.error[0].value
    with get_engine(demo_url).begin() as conn:  # unlock for the other tests
        conn.execute(text("update accounts set locked_until = null, failed_attempts = 0"))


def test_an_idle_session_expires(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city")
    app.session_state["account_last_seen"] = time.monotonic() - SETTINGS.session_idle_minutes * 60 - 1
    app.run()
    assert [i.value for i in app.info] == [labels.SIGN_IN_EXPIRED]
    assert app.button[0].label == labels.SIGN_IN_BUTTON and not app.metric


def test_sign_out_is_in_the_sidebar(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("city").run()
    app.sidebar.button(key="sign_out").click().run()
    assert [i.value for i in app.info] == [labels.SIGNED_OUT]
    assert app.button[0].label == labels.SIGN_IN_BUTTON


def test_a_real_database_without_accounts_says_how_to_create_one(monkeypatch, sqlite_url):
    app = signed_out(monkeypatch, sqlite_url)
    assert [w.value for w in app.warning] == [labels.SIGN_IN_NO_ACCOUNTS]
    assert app.code[0].value == labels.SIGN_IN_CREATE_COMMAND and not app.text_input


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
    with get_engine(demo_url).connect() as conn:
        gone = conn.execute(
            text("select m.id from members m join areas a on a.id = m.community_id "
                 "where a.path = :path and m.status != 'active' order by m.id limit 1"),
            {"path": OWN},
        ).scalar_one()  # fmt: skip
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


def test_an_export_is_audited_when_built_outside_the_script_run(monkeypatch, demo_url):
    """Streamlit builds a download's data later, in a worker thread with no session: the recorder is bound
    during the run and called from such a thread here."""

    def draw_the_button():
        import streamlit as st

        from data_access.areas import AreaPath
        from services.accounts import Account
        from ui.auth import audit_later

        st.session_state["account"] = Account("grid-export", "community", AreaPath.parse("江汉区/北湖街道/环保社区"))
        st.session_state["recorder"] = audit_later()

    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = AppTest.from_function(draw_the_button, default_timeout=60).run()
    assert not app.exception
    from data_access.areas import AreaPath

    worker = threading.Thread(
        target=app.session_state["recorder"], args=("export",), kwargs={"area": AreaPath.parse(OWN), "rows": 7}
    )
    worker.start()
    worker.join()
    with get_engine(demo_url).connect() as conn:
        audit = fetch_audit(conn)
    exported = audit[audit["account"] == "grid-export"]
    assert exported[["action", "area", "rows"]].values.tolist() == [["export", OWN, 7]]


def test_personal_data_without_an_account_is_refused(monkeypatch, demo_url):
    from ui.auth import audit_later

    monkeypatch.setenv("DATABASE_URL", demo_url)
    with pytest.raises(PermissionError):
        audit_later()  # no account in this (bare) session


def test_a_clerk_gets_the_import_page_only(monkeypatch, demo_url):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = app_test("clerk")
    app.run()
    assert not app.exception
    assert app.title[0].value == labels.IMPORT_TITLE and not app.metric
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*pages/import.py'\]"):
        app.switch_page("pages/areas.py")  # a clerk's app has no other page to go to
