"""What the web server adds in front of Streamlit (ui/web.py), over HTTP: the sign-in page and its cookie, the
gate on pages, media, uploads and metrics, the downloads bound to one session, and the socket's filter.

Streamlit itself is stood in for by a catch-all route, so that what reaches it is what the gate let through.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.proto.BackMsg_pb2 import BackMsg

import ui.web
from data_access.accounts import fetch_audit
from data_access.areas import AreaPath
from data_access.engine import DataAccessError, get_engine
from services.accounts import DEMO_PASSWORD, Account, create_account, disable_account
from services.sessions import end_session, start_session
from ui import downloads, labels
from ui.auth import SESSION_COOKIE, audit_as, now_local, safe_next
from ui.web import Gate, routes, upload_refusal

OWN = "江汉区/北湖街道/环保社区"


def _streamlit(request) -> PlainTextResponse:
    return PlainTextResponse("streamlit")


@pytest.fixture
def client(monkeypatch, demo_url) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    app = Starlette(routes=[*routes, Route("/{path:path}", _streamlit)], middleware=[Middleware(Gate)])
    return TestClient(app, base_url="http://dashboard.test", follow_redirects=False)


def _form_token(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client: TestClient, name: str, password: str, *, next_path: str = "/", **headers: str):
    page = client.get("/signin", params={"next": next_path})
    form = {"csrf": _form_token(page.text), "next": next_path, "name": name, "password": password}
    return client.post("/signin", data=form, headers=headers)


def test_a_page_without_a_session_goes_to_sign_in_and_comes_back_to_it(client):
    answer = client.get("/areas?area=江汉区", headers={"sec-fetch-dest": "document"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=%2Fareas%3Farea%3D%25E6%25B1%259F%25E6%25B1%2589%25E5%258C%25BA"
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and labels.SIGN_IN_NAME in page.text and labels.SIGN_IN_PASSWORD in page.text
    assert "synthetic-demo" in page.text and "均为合成" in page.text  # the sample's accounts, said to be synthetic
    signed_in = client.post("/signin", data={"csrf": _form_token(page.text), "next": "/areas?area=江汉区",
                                             "name": "demo-city", "password": DEMO_PASSWORD})  # fmt: skip
    assert signed_in.status_code == 303 and unquote(signed_in.headers["location"]) == "/areas?area=江汉区"
    cookie = signed_in.headers["set-cookie"].lower()
    assert f"{SESSION_COOKIE}=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/areas", headers={"sec-fetch-dest": "document"}).text == "streamlit"


def test_a_browser_s_own_fetches_are_not_sent_to_sign_in(client):
    """Chromium fetches /favicon.ico on its own: sent to /signin, it would replace the form's token."""
    answer = client.get("/favicon.ico", headers={"sec-fetch-dest": "image"})
    assert answer.status_code == 200 and answer.text == "streamlit"  # Streamlit's index page: no data in it


def test_a_wrong_password_is_refused_in_chinese_and_signs_nobody_in(client):
    answer = sign_in(client, "demo-city", "not-the-password")
    assert answer.status_code == 200 and labels.ACCOUNT_ERRORS["denied"] in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "attack",
    [
        {"csrf": "forged"},  # a form not served by this server
        {"origin": "http://evil.example"},  # a form on another site
    ],
)
def test_a_forged_form_is_refused(client, attack):
    page = client.get("/signin")
    form = {"csrf": attack.get("csrf", _form_token(page.text)), "name": "demo-city", "password": DEMO_PASSWORD}
    headers = {"origin": attack["origin"]} if "origin" in attack else {}
    answer = client.post("/signin", data=form, headers=headers)
    assert labels.SIGN_IN_BAD_FORM in answer.text and SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_an_oversized_form_is_refused_unread(client):
    answer = client.post("/signin", content=b"name=" + b"x" * 10_000)
    assert answer.status_code == 413


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x", ""])
def test_after_sign_in_the_browser_never_leaves_the_site(target):
    assert safe_next(target) == "/"


def test_every_answer_forbids_framing_and_the_metrics_are_closed(client):
    for path in ("/signin", "/_stcore/health", "/areas"):
        headers = client.get(path).headers
        assert (
            headers["x-frame-options"] == "SAMEORIGIN"
            and "frame-ancestors 'self'" in headers["content-security-policy"]
        )
    assert client.get("/_stcore/metrics").status_code == 404


def test_media_needs_a_session(client):
    assert client.get("/media/0123abcd.xlsx").status_code == 403
    sign_in(client, "demo-city", DEMO_PASSWORD)
    assert client.get("/media/0123abcd.xlsx").text == "streamlit"


def test_uploads_need_a_signed_in_account_that_may_import(client):
    assert client.put("/_stcore/upload_file/session/file", content=b"x" * 100).status_code == 403
    sign_in(client, "demo-community", DEMO_PASSWORD)
    answer = client.put("/_stcore/upload_file/session/file", content=b"x" * 100)
    assert answer.status_code == 403 and answer.text == labels.UPLOAD_NOT_ALLOWED


def test_uploads_are_bounded_per_file_per_session_and_in_all(monkeypatch):
    settings = SimpleNamespace(upload_limit_mb=10, upload_session_limit_mb=25, upload_total_limit_mb=40)
    monkeypatch.setattr(ui.web, "SETTINGS", settings)
    held = {"mine": {"a": SimpleNamespace(data=b"x" * (20 << 20))}, "theirs": {"b": SimpleNamespace(data=b"")}}
    manager = SimpleNamespace(_lock=threading.Lock(), file_storage=held)
    monkeypatch.setattr(ui.web, "_upload_manager", lambda: manager)
    mb = 1 << 20
    assert upload_refusal(None, "mine", mb) == labels.UPLOAD_NOT_ALLOWED
    assert upload_refusal("street", "mine", mb) == labels.UPLOAD_NOT_ALLOWED
    assert upload_refusal("clerk", "theirs", 12 * mb) == labels.UPLOAD_TOO_LARGE.format(mb=10)
    assert upload_refusal("clerk", "theirs", None) == labels.UPLOAD_TOO_LARGE.format(mb=10)  # no length given
    assert upload_refusal("clerk", "mine", 6 * mb) == labels.UPLOAD_SESSION_FULL.format(mb=25)
    assert upload_refusal("city", "mine", 4 * mb) == ""
    held["theirs"]["b"] = SimpleNamespace(data=b"x" * (15 << 20))
    assert upload_refusal("city", "theirs", 9 * mb) == labels.UPLOAD_SERVER_FULL
    assert upload_refusal("city", "theirs", 4 * mb) == ""


def _session(url: str, name: str, role: str, area: str) -> tuple[Account, str]:
    engine = get_engine(url)
    account = Account(name, role, AreaPath.parse(area))
    create_account(engine, name=name, role=role, area=account.area, password="password-1", now=now_local())
    return account, start_session(engine, account, now=now_local(), lifetime_hours=12, user_agent="test")


def test_a_download_serves_only_its_session_and_is_audited_at_every_fetch(client, demo_url):
    account, token = _session(demo_url, "web-export", "community", OWN)
    _, other = _session(demo_url, "web-other", "community", OWN)

    def build(fetched_by: Account) -> bytes:
        audit_as(fetched_by)("export", area=fetched_by.area, rows=3, detail="all")
        return b"workbook of " + fetched_by.name.encode()

    ticket = downloads.offer(token, "export_all", build, file_name="名单.xlsx", mime=downloads.XLSX)
    url = downloads.ROUTE + ticket
    client.cookies.set(SESSION_COOKIE, token)
    for _ in range(2):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.content == b"workbook of web-export"
        assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx" in answer.headers["content-disposition"]
    with get_engine(demo_url).connect() as conn:
        audit = fetch_audit(conn)
    assert (audit["account"] == "web-export").sum() == 2  # every fetch, not just the first build
    client.cookies.set(SESSION_COOKIE, other)  # another account's browser with the link
    assert client.get(url).status_code == 403
    client.cookies.clear()  # curl with the link and no cookie
    assert client.get(url).status_code == 403
    client.cookies.set(SESSION_COOKIE, token)
    end_session(get_engine(demo_url), token)  # signed out: the link dies with the session
    answer = client.get(url)
    assert answer.status_code == 403 and answer.text == labels.DOWNLOAD_REFUSED


def _database_gone(*args, **kwargs):
    raise DataAccessError("unreachable")


def test_a_sign_in_the_database_cannot_record_says_so_in_chinese(client, monkeypatch):
    """The password checked, then the database gone before the session is written: the page, not a 500."""
    monkeypatch.setattr(ui.web, "start_session", _database_gone)
    answer = sign_in(client, "demo-city", DEMO_PASSWORD)
    assert answer.status_code == 200 and labels.DATABASE_ERROR_FALLBACK in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_a_download_the_database_cannot_audit_says_so_in_chinese(client, demo_url):
    _, token = _session(demo_url, "web-gone", "community", OWN)
    ticket = downloads.offer(token, "export_all", _database_gone, file_name="x.xlsx", mime=downloads.XLSX)
    client.cookies.set(SESSION_COOKIE, token)
    answer = client.get(downloads.ROUTE + ticket)
    assert answer.status_code == 503 and answer.text == labels.DATABASE_ERROR_FALLBACK


def test_a_download_its_account_may_not_have_is_refused(client, demo_url):
    """A full-phone list built for a district account (its session's): refused, not a 500."""
    from data_access.areas import OutOfScopeError

    def build(_account: Account) -> bytes:
        raise OutOfScopeError("full member lists are for street and community accounts")

    _, token = _session(demo_url, "web-district", "district", "江汉区")
    ticket = downloads.offer(token, "export_full_overdue", build, file_name="x.xlsx", mime=downloads.XLSX)
    client.cookies.set(SESSION_COOKIE, token)
    answer = client.get(downloads.ROUTE + ticket)
    assert answer.status_code == 403 and answer.text == labels.DOWNLOAD_REFUSED


@pytest.mark.parametrize("ending", ["idle", "disabled"])
def test_an_idle_or_disabled_session_gets_no_download(client, demo_url, ending):
    account, token = _session(demo_url, f"web-{ending}", "community", OWN)
    ticket = downloads.offer(token, "export_all", lambda _: b"data", file_name="x.xlsx", mime=downloads.XLSX)
    engine = get_engine(demo_url)
    if ending == "idle":
        with engine.begin() as conn:
            conn.execute(text("UPDATE sessions SET last_seen = :t WHERE account = :a"),
                         {"t": now_local() - timedelta(hours=2), "a": account.name})  # fmt: skip
    else:
        disable_account(engine, account.name)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get(downloads.ROUTE + ticket).status_code == 403


def test_a_clear_cache_message_from_the_socket_is_dropped():
    import anyio

    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    messages = iter([{"type": "websocket.receive", "bytes": m.SerializeToString()} for m in (clear, rerun)])

    async def receive():
        return next(messages)

    received = anyio.run(ui.web._without_clear_cache(receive))
    back = BackMsg()
    back.ParseFromString(received["bytes"])
    assert back.WhichOneof("type") == "rerun_script"


def test_a_form_cookie_someone_else_set_is_replaced_never_echoed(client):
    """A sibling site or another port of this host can set the form's cookie; it never reaches the page."""
    client.cookies.set("dashboard_sign_in_form", 'x"><img src=x onerror=alert(document.domain)>', path="/signin")
    page = client.get("/signin")
    assert "<img" not in page.text and "onerror" not in page.text
    fresh = re.search(r"dashboard_sign_in_form=([^;]+)", page.headers["set-cookie"]).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", fresh) and _form_token(page.text) == fresh


@pytest.mark.parametrize("token", ["令牌", "x" * 32])
def test_a_form_token_not_issued_here_is_refused_without_a_crash(client, token):
    client.get("/signin")
    answer = client.post("/signin", data={"csrf": token, "name": "demo-city", "password": DEMO_PASSWORD})
    assert answer.status_code == 200 and labels.SIGN_IN_BAD_FORM in answer.text


def test_a_chunked_form_is_refused_unread(client):
    """h11 follows the chunks past any Content-Length beside them, so a chunked body is never read."""

    def endless():
        yield b"name=" + b"x" * 1000
        yield b"x" * 1000

    answer = client.post("/signin", content=endless(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413


def test_a_forwarded_address_nobody_vouches_for_shares_one_count(monkeypatch):
    def request(headers: dict[str, str]):
        scope = {"type": "http", "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
                 "client": ("10.9.9.9", 5000)}  # fmt: skip
        return ui.web.Request(scope)

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert ui.web.sign_in_source(request({})) == "10.9.9.9"
    assert ui.web.sign_in_source(request({"x-forwarded-for": "10.9.9.9"})) == ui.web.FORWARDED_UNTRUSTED
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "192.0.2.1")  # the proxy named: uvicorn's address is believed
    assert ui.web.sign_in_source(request({"x-forwarded-for": "10.9.9.9"})) == "10.9.9.9"


def _socket_answer(origin: str | None) -> list[dict]:
    import anyio

    sent: list[dict] = []

    async def inner(scope, receive, send):
        await send({"type": "websocket.accept"})

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    headers = [(b"host", b"127.0.0.1:8501")] + ([(b"origin", origin.encode())] if origin else [])
    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": headers}
    anyio.run(Gate(inner), scope, receive, send)
    return sent


def test_a_socket_opened_by_another_site_is_closed_before_streamlit_sees_it():
    """Streamlit lets any port of this host in, and the browser sends the cookie along (same site)."""
    assert _socket_answer("http://127.0.0.1:9999") == [{"type": "websocket.close", "code": 1008}]
    assert _socket_answer("http://evil.example") == [{"type": "websocket.close", "code": 1008}]
    assert _socket_answer("http://127.0.0.1:8501") == [{"type": "websocket.accept"}]


def test_uploads_under_way_count_against_the_quota(monkeypatch):
    settings = SimpleNamespace(upload_limit_mb=10, upload_session_limit_mb=12, upload_total_limit_mb=40)
    monkeypatch.setattr(ui.web, "SETTINGS", settings)
    manager = SimpleNamespace(_lock=threading.Lock(), file_storage={})
    monkeypatch.setattr(ui.web, "_upload_manager", lambda: manager)
    monkeypatch.setitem(ui.web._in_flight, "mine", 8 << 20)  # one upload let through, not yet stored
    assert upload_refusal("clerk", "mine", 8 << 20) == labels.UPLOAD_SESSION_FULL.format(mb=12)


def test_a_chunked_upload_is_refused(client):
    sign_in(client, "demo-clerk", DEMO_PASSWORD)
    chunks = iter([b"x" * 1000, b"x" * 1000])
    answer = client.put("/_stcore/upload_file/session/file", content=chunks)
    assert answer.status_code == 413


def test_a_head_request_builds_no_download(client, demo_url):
    account, token = _session(demo_url, "web-head", "community", OWN)
    built = []
    ticket = downloads.offer(token, "k", lambda a: built.append(a) or b"x", file_name="x.xlsx", mime=downloads.XLSX)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.head(downloads.ROUTE + ticket).status_code == 405 and not built
