"""What the web server adds in front of Streamlit (server.py mounts it): the sign-in page that sets the
session cookie, the downloads served only to the session that asked, and a gate on every request.

Streamlit cannot set a cookie from a script, nor check who uploads a file or fetches a media URL, so these
live here as Starlette routes and one ASGI middleware.
"""

from __future__ import annotations

import html
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote

import anyio
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from streamlit.proto.BackMsg_pb2 import BackMsg

from data_access.areas import OutOfScopeError
from data_access.engine import DataAccessError
from services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, AccountError, has_accounts, sign_in
from services.sessions import Resolved, resolve_session, start_session
from ui import downloads, labels
from ui.auth import SESSION_COOKIE, SIGN_IN_PATH, now_local, safe_next, sign_in_url
from ui.data import SETTINGS, engine, load_meta

log = logging.getLogger(__name__)

_CSRF_COOKIE = "dashboard_sign_in_form"
_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")  # secrets.token_urlsafe(24); a cookie set by anyone else is not
FORWARDED_UNTRUSTED = "forwarded"  # the source of a sign-in whose forwarded address nobody vouches for
IMPORT_ROLES = frozenset({"city", "clerk"})  # the accounts that may upload ledgers
_FORM_BYTES = 4096  # a sign-in form is a name, a password and two short tokens
# Streamlit's own routes that carry no data of anyone's (its code, health, config, the socket).
_STREAMLIT_PREFIXES = ("/_stcore/", "/static/", "/component/", "/app/static/", "/favicon.png", "/manifest.json")
_SECURITY_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


def _resolve(token: str) -> Resolved:
    return resolve_session(engine(), token, now=now_local(), idle_minutes=SETTINGS.session_idle_minutes)


async def resolve_request(cookies: dict[str, str]) -> Resolved:
    """The account behind a request's session cookie (the database is asked in a worker thread)."""
    token = cookies.get(SESSION_COOKIE, "")
    if not token:
        return Resolved(None, "")
    try:
        return await anyio.to_thread.run_sync(_resolve, token)
    except DataAccessError:
        log.exception("session check failed")
        return Resolved(None, "")


# The sign-in page -----------------------------------------------------------------------------------------


def _sign_in_page(*, csrf: str, next_path: str, message: str = "", error: str = "", name: str = "") -> HTMLResponse:
    """The page with its form; `csrf` is the form's token (kept while its cookie lives: a second sign-in tab
    must not make the first one's form stale), unless it is not one this server could have issued."""
    csrf = csrf if _FORM_TOKEN.fullmatch(csrf) else secrets.token_urlsafe(24)
    e = html.escape
    notes = []
    if message:
        notes.append(f'<p class="note">{e(message)}</p>')
    if error:
        notes.append(f'<p class="error" role="alert">{e(error)}</p>')
    try:
        sample = load_meta().get("data_kind") == "synthetic"
        accounts = has_accounts(engine())
    except DataAccessError:
        sample, accounts = False, True
        notes.append(f'<p class="error">{e(labels.DATABASE_ERROR_FALLBACK)}</p>')
    if sample:
        demo = "、".join(f"{name}（{labels.ROLE_LABELS[role]}）" for name, role, _ in DEMO_ACCOUNTS)
        notes.append(f'<p class="note">{e(labels.SIGN_IN_SAMPLE.format(accounts=demo, password=DEMO_PASSWORD))}</p>')
    if not accounts:
        form = f'<p class="note">{e(labels.SIGN_IN_NO_ACCOUNTS)}</p><pre>{e(labels.SIGN_IN_CREATE_COMMAND)}</pre>'
    else:
        form = f"""<form method="post" action="{SIGN_IN_PATH}">
  <input type="hidden" name="csrf" value="{e(csrf)}"><input type="hidden" name="next" value="{e(next_path)}">
  <label for="name">{e(labels.SIGN_IN_NAME)}</label>
  <input id="name" name="name" autocomplete="username" maxlength="64" required value="{e(name)}" autofocus>
  <label for="password">{e(labels.SIGN_IN_PASSWORD)}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" maxlength="256" required>
  <button type="submit">{e(labels.SIGN_IN_BUTTON)}</button>
</form>"""
    body = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(labels.SIGN_IN_TITLE)} · {e(labels.APP_TITLE)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 0;
       background: #f5f6f8; color: #1f2933; }}
main {{ max-width: 420px; margin: 8vh auto; padding: 32px; background: #fff; border-radius: 12px;
       box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.5rem; margin: 0 0 1.25rem; }}
label {{ display: block; margin: 1rem 0 .35rem; font-weight: 600; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: .6rem; border: 1px solid #b8c0cc;
        border-radius: 6px; }}
button {{ margin-top: 1.5rem; width: 100%; font-size: 1.15rem; padding: .7rem; border: 0; border-radius: 6px;
         background: #c8102e; color: #fff; cursor: pointer; }}
.note {{ background: #eef4fb; padding: .6rem .8rem; border-radius: 6px; }}
.error {{ background: #fdecec; color: #8a1020; padding: .6rem .8rem; border-radius: 6px; }}
pre {{ white-space: pre-wrap; background: #f0f0f0; padding: .6rem; }}
</style></head>
<body><main><h1>{e(labels.APP_TITLE)}</h1>{"".join(notes)}{form}</main></body></html>"""
    response = HTMLResponse(body, headers={"cache-control": "no-store"})
    response.set_cookie(_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path=SIGN_IN_PATH)
    return response


async def show_sign_in(request: Request) -> Response:
    reason = request.query_params.get("m", "")
    next_path = safe_next(request.query_params.get("next"))
    if (await resolve_request(request.cookies)).account is not None:
        return RedirectResponse(next_path, status_code=303)  # already signed in: a bookmark of /signin
    message = labels.SESSION_ENDED.get(reason, "")
    return _sign_in_page(csrf=request.cookies.get(_CSRF_COOKIE, ""), next_path=next_path, message=message)


def sign_in_source(request: Request) -> str:
    """The address a sign-in's failures are counted by. uvicorn takes X-Forwarded-For as the client's
    address from 127.0.0.1 unless FORWARDED_ALLOW_IPS names the proxies to believe; where it names none, every
    request that says it was forwarded shares one count, so that a forged header picks no fresh address."""
    if "x-forwarded-for" in request.headers and "FORWARDED_ALLOW_IPS" not in os.environ:
        return FORWARDED_UNTRUSTED
    return request.client.host if request.client else ""


async def _small_body(request: Request) -> bytes | None:
    """The request's body if it has a declared length of at most _FORM_BYTES (read no further); else None.
    A chunked body declares none, and h11 would follow the chunks past any Content-Length beside them."""
    length = request.headers.get("content-length", "")
    if "transfer-encoding" in request.headers or not length.isdigit() or int(length) > _FORM_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _FORM_BYTES:
            return None
    return body


async def submit_sign_in(request: Request) -> Response:
    """Check the form (its one-time token against the cookie set with it, and the origin), then the password."""
    body = await _small_body(request)
    if body is None:
        return PlainTextResponse(labels.SIGN_IN_BAD_FORM, status_code=413)
    form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    field = {key: values[0] for key, values in form.items()}
    next_path = safe_next(field.get("next"))
    expected = request.cookies.get(_CSRF_COOKIE, "")
    sent = field.get("csrf", "").encode()  # bytes: compare_digest raises on non-ASCII text
    token_matches = _FORM_TOKEN.fullmatch(expected) and secrets.compare_digest(expected.encode(), sent)
    if not (token_matches and _from_this_site(request.scope)):
        return _sign_in_page(csrf="", next_path=next_path, error=labels.SIGN_IN_BAD_FORM)
    name, password = field.get("name", "")[:64], field.get("password", "")[:256]
    source = sign_in_source(request)

    def check() -> tuple[object, str]:
        try:
            account = sign_in(
                engine(),
                name,
                password,
                now=now_local(),
                source=source,
                max_failures=SETTINGS.signin_max_failures,
                lock_minutes=SETTINGS.signin_lock_minutes,
            )
            agent = request.headers.get("user-agent", "")
            lifetime = SETTINGS.session_lifetime_hours
            return start_session(engine(), account, now=now_local(), lifetime_hours=lifetime, user_agent=agent), ""
        except AccountError as exc:
            return None, labels.ACCOUNT_ERRORS[exc.code].format(detail=exc.detail)
        except DataAccessError:
            log.exception("sign-in failed")
            return None, labels.DATABASE_ERROR_FALLBACK

    token, error = await anyio.to_thread.run_sync(check)
    if not token:
        return _sign_in_page(csrf=expected, next_path=next_path, error=error, name=name)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        str(token),
        max_age=SETTINGS.session_lifetime_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(_CSRF_COOKIE, path=SIGN_IN_PATH)
    return response


# Downloads -------------------------------------------------------------------------------------------------


async def download(request: Request) -> Response:
    """A file offered to one session: served to that session only, built (and audited) at every fetch."""
    if request.method != "GET":  # Starlette answers HEAD on a GET route: that would build (and audit) it
        return PlainTextResponse("", status_code=405)
    resolved = await resolve_request(request.cookies)
    offer = downloads.claim(request.path_params["ticket"], request.cookies.get(SESSION_COOKIE, ""))
    if resolved.account is None or offer is None:
        return PlainTextResponse(labels.DOWNLOAD_REFUSED, status_code=403)
    try:
        data = await anyio.to_thread.run_sync(offer.build, resolved.account)  # audited: it writes to the database
    except DataAccessError:
        log.exception("download failed")
        return PlainTextResponse(labels.DATABASE_ERROR_FALLBACK, status_code=503)
    except OutOfScopeError:  # the session's account may not have this file (a full list for a city account)
        log.warning("download refused: out of scope")
        return PlainTextResponse(labels.DOWNLOAD_REFUSED, status_code=403)
    disposition = f"attachment; filename*=UTF-8''{quote(offer.file_name)}"
    headers = {"content-disposition": disposition, "cache-control": "no-store"}
    return Response(data, media_type=offer.mime, headers=headers)


routes = [
    Route(SIGN_IN_PATH, show_sign_in, methods=["GET"]),
    Route(SIGN_IN_PATH, submit_sign_in, methods=["POST"]),
    Route(downloads.ROUTE + "{ticket}", download, methods=["GET"]),
]


# The gate --------------------------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _cookies(scope: Scope) -> dict[str, str]:
    return Request(scope).cookies


def _upload_manager():
    from streamlit.runtime import Runtime

    return Runtime.instance().uploaded_file_mgr


# Bytes of uploads let through and not yet stored, per Streamlit session. Only the event loop's thread
# touches it (the gate is async code), so it needs no lock.
_in_flight: dict[str, int] = {}


def upload_refusal(role: str | None, session_id: str, size: int | None) -> str:
    """Why an upload is refused ("" when it may go on): who sends it, and what the server already holds."""
    if role not in IMPORT_ROLES:
        return labels.UPLOAD_NOT_ALLOWED
    limit = SETTINGS.upload_limit_mb << 20
    if size is None or size > limit + (1 << 20):  # the form's framing around the file
        return labels.UPLOAD_TOO_LARGE.format(mb=SETTINGS.upload_limit_mb)
    manager = _upload_manager()
    with manager._lock:  # the manager's own lock: its dictionaries change under uploads from other threads
        held = {sid: sum(len(f.data) for f in files.values()) for sid, files in manager.file_storage.items()}
    for sid, arriving in _in_flight.items():  # uploads under way count as held, or parallel ones all pass
        held[sid] = held.get(sid, 0) + arriving
    if held.get(session_id, 0) + size > SETTINGS.upload_session_limit_mb << 20:
        return labels.UPLOAD_SESSION_FULL.format(mb=SETTINGS.upload_session_limit_mb)
    if sum(held.values()) + size > SETTINGS.upload_total_limit_mb << 20:
        return labels.UPLOAD_SERVER_FULL
    return ""


class Gate:
    """In front of every request: pages and media need a session, uploads an account that may import, the
    metrics stay private, the socket may not clear everyone's caches, and no other site may frame a page."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if not _from_this_site(scope):  # Streamlit lets any port of this host in, and the cookie goes too
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, _without_clear_cache(receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        path = scope["path"]
        if path.startswith("/_stcore/metrics"):
            await PlainTextResponse("", status_code=404)(scope, receive, send)
        elif path.startswith("/_stcore/upload_file/") and scope["method"] in {"PUT", "POST"}:
            await self._upload(scope, receive, send)
        elif path.startswith("/media/"):
            if (await resolve_request(_cookies(scope))).account is None:
                await PlainTextResponse(labels.DOWNLOAD_REFUSED, status_code=403)(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        elif path.startswith(_STREAMLIT_PREFIXES) or path.startswith((SIGN_IN_PATH, downloads.ROUTE)):
            await self.app(scope, receive, send)
        elif not _is_navigation(scope):  # a browser's own fetch (/favicon.ico): Streamlit answers, with no data
            await self.app(scope, receive, send)
        else:  # one of the app's pages
            resolved = await resolve_request(_cookies(scope))
            if resolved.account is None:
                query = scope.get("query_string", b"").decode("latin-1")
                target = sign_in_url(path + (f"?{query}" if query else ""), resolved.reason)
                await RedirectResponse(target, status_code=303)(scope, receive, send)
            else:
                await self.app(scope, receive, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        resolved = await resolve_request(_cookies(scope))
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        # A chunked body declares no size, and h11 follows its chunks past any Content-Length beside them.
        size = int(length) if length.isdigit() and b"transfer-encoding" not in headers else None
        session_id = scope["path"].removeprefix("/_stcore/upload_file/").split("/")[0]
        role = resolved.account.role if resolved.account else None
        if refusal := upload_refusal(role, session_id, size):
            status = 403 if role not in IMPORT_ROLES else 413
            await PlainTextResponse(refusal, status_code=status)(scope, receive, send)
            return
        _in_flight[session_id] = _in_flight.get(session_id, 0) + size  # counted until Streamlit holds it
        try:
            await self.app(scope, receive, send)
        finally:
            _in_flight[session_id] -= size
            if not _in_flight[session_id]:
                del _in_flight[session_id]


def _from_this_site(scope: Scope) -> bool:
    """Whether a form post or a socket comes from this site's own page: its Origin (which browsers send on
    both) names this scheme, host and port. Another port of the same host is another site, though SameSite
    lets the cookie through to it; a client that sends no Origin is no browser carrying a cookie."""
    headers = Headers(scope=scope)
    origin = headers.get("origin")
    scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
    return origin is None or origin == f"{scheme}://{headers.get('host', '')}"


def _is_navigation(scope: Scope) -> bool:
    """Whether a request opens a page (only those are sent to sign in): a browser says so in Sec-Fetch-Dest;
    an older one or a script, by asking for HTML."""
    headers = Request(scope).headers
    if dest := headers.get("sec-fetch-dest"):
        return dest == "document"
    return "text/html" in headers.get("accept", "text/html")


def _with_security_headers(send: Send) -> Send:
    async def send_with_headers(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
        await send(message)

    return send_with_headers


def _without_clear_cache(receive: Receive) -> Receive:
    """Streamlit clears every user's caches on a `clear_cache` message from any socket: drop those."""

    async def receive_filtered() -> MutableMapping[str, Any]:
        while True:
            message = await receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data:
                back = BackMsg()
                try:
                    back.ParseFromString(data)
                except Exception:  # noqa: BLE001 - not ours to judge; Streamlit answers a bad message itself
                    return message
                if back.WhichOneof("type") == "clear_cache":
                    log.warning("a clear_cache message was dropped")
                    continue
            return message

    return receive_filtered
