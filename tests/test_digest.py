"""The Monday digest (cli.py digest, ui/digest.py, services/delivery.py) on the demo city: the summary's figures are
the report's and what_moved's, no personal data leaves, the deck is the review's, and the group robot gets the JSON
its kind takes; the PNG is rendered where Chromium is."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, require_browser
from pptx import Presentation
from sqlalchemy import select

import cli
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.schema import members_table
from metrics.follow_up import Closure
from metrics.periods import Week
from metrics.privacy import mask_name, mask_phone
from metrics.registry import FLOWS, REVIEW_INDICATORS
from metrics.thresholds import Thresholds
from services.movers import what_moved
from services.report import weekly_report
from services.review import review_inputs
from ui import labels
from ui.digest import DIGEST_KEYS, WECOM_MAX_BYTES, build_digest_html, build_digest_markdown, compose_digest
from ui.formatting import format_figure

WEEK = Week.parse("2026-W46")
NO_CHROMIUM = "/nonexistent/chromium"
_FIGURE = re.compile(
    r'<div class="figure" data-key="(\w+)"><div class="label">(.*?)</div><div class="value">(.*?)</div>'
    r'<div class="previous">(.*?)</div>'
)
_FLOW = re.compile(r'<div class="flow" data-flow="(\w+)"><div class="count">(.*?)</div>')


def run_digest(url: str, out: Path, *extra: str, area: str = "") -> int:
    return cli.main(["digest", "--db", url, "--week", str(WEEK), "--out", str(out),
                     *(["--area", area] if area else []), *extra])  # fmt: skip


def page_text(page: str) -> str:
    """What a reader sees: the page without its style sheet and tags."""
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))


@pytest.fixture(scope="module", params=["", "江岸区"], ids=["city", "district"])
def written(request, demo_url, tmp_path_factory):
    """The digest written for the city and a district (no Chromium asked: the PNG has a test of its own)."""
    out = tmp_path_factory.mktemp("digest")
    mp = pytest.MonkeyPatch()
    mp.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    try:
        assert run_digest(demo_url, out, area=request.param) == 0
    finally:
        mp.undo()
    return request.param, out


def _file(out: Path, template: str, area: str) -> Path:
    name = area.rsplit("/", 1)[-1] if area else labels.CITY
    return out / template.format(area=name, week=WEEK)


def test_summary_figures_are_the_reports(demo_url, written):
    area, out = written
    page = _file(out, labels.DIGEST_HTML_FILE, area).read_text(encoding="utf-8")
    report = weekly_report(
        get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse(area), thresholds=Thresholds()
    )
    found = {key: (label, value, previous) for key, label, value, previous in _FIGURE.findall(page)}
    assert list(found) == list(DIGEST_KEYS)
    for key, (label, value, previous) in found.items():
        assert html.unescape(label) == labels.INDICATOR_LABELS[key]
        assert html.unescape(value) == format_figure(key, report[key]["value"])
        assert html.unescape(previous) == labels.REVIEW_PREVIOUS.format(
            value=format_figure(key, report[key]["previous"])
        )


def test_summary_flows_are_what_moved(demo_url, written):
    area, out = written
    page = _file(out, labels.DIGEST_HTML_FILE, area).read_text(encoding="utf-8")
    moved = what_moved(
        get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse(area), thresholds=Thresholds()
    )
    assert dict(_FLOW.findall(page)) == {flow: f"{moved.flows[flow]:,}" for flow in FLOWS}
    assert labels.DIGEST_LAGGING.format(level=labels.LEVEL_NAMES[AreaPath.parse(area).child_level]) in page


def test_summary_is_self_contained(written):
    area, out = written
    page = _file(out, labels.DIGEST_HTML_FILE, area).read_text(encoding="utf-8")
    for needle in ("http://", "https://", "src=", "<link", "<script", "@import", "url(", "<img"):
        assert needle not in page
    assert "Noto Sans CJK SC" in page and 'charset="utf-8"' in page


def test_deck_is_the_reviews(written):
    area, out = written
    presentation = Presentation(io.BytesIO(_file(out, labels.REVIEW_FILE_NAME, area).read_bytes()))
    assert len(presentation.slides) == 1 + 1 + len(REVIEW_INDICATORS) + 1  # title, 本周变化, indicators, closing
    moved = {shape.name: shape.text_frame.text for shape in presentation.slides[1].shapes if shape.has_text_frame}
    assert moved["moves"].startswith(labels.FOLLOW_UP_NO_LISTS[7])  # as /review says it: no list exported
    assert not _file(out, labels.DIGEST_PNG_FILE, area).exists()


def test_no_personal_data_leaves(demo_url, written):
    area, out = written
    with get_engine(demo_url).connect() as conn:
        people = conn.execute(select(members_table.c.name, members_table.c.phone)).all()
    assert len(people) > 1000
    inputs = review_inputs(
        get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse(area), thresholds=Thresholds()
    )
    digest = compose_digest(inputs, week=WEEK, area=AreaPath.parse(area), as_of=None, synthetic=True,
                            closure=Closure())  # fmt: skip
    page = page_text(_file(out, labels.DIGEST_HTML_FILE, area).read_text(encoding="utf-8"))
    message = build_digest_markdown(digest)
    assert "*" not in page  # no masked name or phone either
    for text in (page, message):
        assert not re.search(r"1\d{10}", text)
        found = [value for name, phone in people for value in (name, phone, mask_name(name), mask_phone(phone))
                 if value and value in text]  # fmt: skip
        assert not found


def _demo_digest(demo_url: str, area: str = "江岸区"):
    inputs = review_inputs(
        get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse(area), thresholds=Thresholds()
    )
    return compose_digest(inputs, week=WEEK, area=AreaPath.parse(area), as_of=None, synthetic=True,
                          closure=Closure(members=8, contacted=5, pending=3, lists=1))  # fmt: skip


def test_every_value_is_escaped(demo_url):
    digest = _demo_digest(demo_url)
    hostile = "<b>江岸区</b>&*_[x](y)"
    move = digest.moves[0]
    moves = move.moves.assign(name=[hostile] * len(move.moves))
    lagging = dataclasses.replace(digest.lagging[0], names=((hostile, "1.0%"),))
    digest = dataclasses.replace(
        digest,
        breadcrumb=f"武汉市 › {hostile}",
        moves=(dataclasses.replace(move, moves=moves), *digest.moves[1:]),
        lagging=(lagging, *digest.lagging[1:]),
    )
    page = build_digest_html(digest)
    assert "<b>" not in page and html.escape(hostile) in page
    message = build_digest_markdown(digest)
    assert hostile not in message
    assert r"\<b\>江岸区\</b\>&\*\_\[x\]\(y\)" in message
    assert "上周名单已联系 62%" in message and "上周名单已联系 62%" in page


def test_message_fits_the_robot(demo_url):
    digest = _demo_digest(demo_url)
    long = dataclasses.replace(digest, lagging=tuple(dataclasses.replace(lag, names=(("某街道" * 30, "1%"),) * 40)
                                                     for lag in digest.lagging))  # fmt: skip
    message = build_digest_markdown(long)
    assert len(message.encode("utf-8")) <= WECOM_MAX_BYTES
    assert message.endswith(labels.DIGEST_MORE)


# ---- the group robot ----------------------------------------------------------------------------


class _Robot(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {"path": self.path, "type": self.headers["Content-Type"], "body": json.loads(self.rfile.read(length))}
        )
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def robot():
    """A group robot on 127.0.0.1 (a thread); yields (its URL, the requests it received)."""
    _Robot.received = []
    _Robot.answer = {"errcode": 0, "errmsg": "ok"}
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test", _Robot.received
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_webhook_posts_the_kinds_json(demo_url, tmp_path, robot, monkeypatch, capsys, kind):
    url, received = robot
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    monkeypatch.setenv("DASHBOARD_DIGEST_WEBHOOK_KIND", kind)
    assert run_digest(demo_url, tmp_path, "--webhook", url, area="江岸区") == 0
    assert labels.DIGEST_POSTED.format(kind=labels.DIGEST_KINDS[kind]) in capsys.readouterr().out
    (request,) = received
    assert request["path"] == "/cgi-bin/webhook/send?key=test"
    assert request["type"].startswith("application/json")
    body = request["body"]
    assert body["msgtype"] == "markdown"
    if kind == "wecom":
        assert set(body["markdown"]) == {"content"}
        text = body["markdown"]["content"]
        assert len(text.encode("utf-8")) <= WECOM_MAX_BYTES
    else:
        assert set(body["markdown"]) == {"title", "text"}
        text = body["markdown"]["text"]
        assert "江岸区" in body["markdown"]["title"]
    moved = what_moved(get_engine(demo_url), scope=CITY_SCOPE, week=WEEK, area=AreaPath.parse("江岸区"),
                       thresholds=Thresholds())  # fmt: skip
    for flow in FLOWS:
        assert f"{labels.FLOW_LABELS[flow]} {moved.flows[flow]:,}" in text
    for heading in labels.REVIEW_LAGGING_HEADINGS.values():
        assert heading in text
    assert labels.INDICATOR_LABELS["contact_coverage"] in text and labels.FOLLOW_UP_NO_LISTS[7] in text


def test_refused_connection_is_a_chinese_error(demo_url, tmp_path, monkeypatch, capsys):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    code = run_digest(demo_url, tmp_path, "--webhook", f"http://127.0.0.1:{port}/send", area="江岸区")
    err = capsys.readouterr().err
    assert code == cli.EXIT_DELIVERY != 0
    assert "无法连接群机器人地址" in err and "Traceback" not in err
    assert _file(tmp_path, labels.DIGEST_HTML_FILE, "江岸区").exists()  # the files are written all the same


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/send", "file:///etc/passwd", "127.0.0.1:8080/send"])
def test_only_http_urls(demo_url, tmp_path, monkeypatch, capsys, url):
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    assert run_digest(demo_url, tmp_path, "--webhook", url, area="江岸区") == cli.EXIT_DELIVERY
    assert "只接受 http:// 或 https://" in capsys.readouterr().err


def test_robot_refusing_is_an_error(demo_url, tmp_path, robot, monkeypatch, capsys):
    url, _ = robot
    _Robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    assert run_digest(demo_url, tmp_path, "--webhook", url, area="江岸区") == cli.EXIT_DELIVERY
    assert "群机器人拒收消息" in capsys.readouterr().err


def test_unknown_kind_is_a_usage_error(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DIGEST_WEBHOOK_KIND", "slack")
    assert run_digest(demo_url, tmp_path, "--webhook", "http://127.0.0.1:9/x") == cli.EXIT_USAGE
    assert "DASHBOARD_DIGEST_WEBHOOK_KIND" in capsys.readouterr().err


# ---- the PNG ------------------------------------------------------------------------------------


def test_png_skipped_without_chromium(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    assert run_digest(demo_url, tmp_path, area="江岸区/一元街") == 0
    assert "未生成图片" in capsys.readouterr().err
    assert _file(tmp_path, labels.DIGEST_HTML_FILE, "一元街").exists()
    assert not _file(tmp_path, labels.DIGEST_PNG_FILE, "一元街").exists()
    assert run_digest(demo_url, tmp_path, "--png", area="江岸区/一元街") == cli.EXIT_DELIVERY


def test_png_is_written(demo_url, tmp_path, capsys):
    require_browser()
    assert run_digest(demo_url, tmp_path, "--png") == 0
    png = _file(tmp_path, labels.DIGEST_PNG_FILE, "")
    assert str(png) in capsys.readouterr().out
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1080 and height > width  # a phone's page at twice its CSS pixels, the whole of it
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "digest_city.png").write_bytes(data)


def test_a_community_has_no_areas_to_compare(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    assert run_digest(demo_url, tmp_path, area="江岸区/一元街/兰亭社区") == 0
    page = _file(tmp_path, labels.DIGEST_HTML_FILE, "兰亭社区").read_text(encoding="utf-8")
    assert labels.DIGEST_NO_CHILDREN.format(area="兰亭社区") in page
    assert len(_FLOW.findall(page)) == len(FLOWS) and len(_FIGURE.findall(page)) == len(DIGEST_KEYS)
    assert _file(tmp_path, labels.REVIEW_FILE_NAME, "兰亭社区").exists()


def test_unknown_area_names_the_nearest(demo_url, tmp_path, capsys):
    assert run_digest(demo_url, tmp_path, area="江岸区/一元") == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "找不到区域" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written for an area that is not there


def test_last_weeks_lists_closure(demo_url, tmp_path, monkeypatch):
    """A list exported in the week (on a copy of the demo city): the digest says how far it got, as 联系情况 does."""
    import sqlite3
    from datetime import datetime

    from data_access.areas import Scope
    from data_access.follow_up import insert_follow_up_list
    from data_access.members import fetch_member_list
    from services.follow_up import follow_up_closure
    from ui.formatting import closure_headline

    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url, street = f"sqlite:///{copy}", AreaPath.parse("江岸区/一元街")
    engine, scope = get_engine(url), Scope("street", street)
    with engine.begin() as conn:
        members = fetch_member_list(conn, scope=scope, area=street, end=WEEK.start)["member_id"].head(20)
        insert_follow_up_list(conn, scope=scope, area=street, week_start=WEEK.previous.start, kind="overdue",
                              account="test", at=datetime(2026, 11, 10, 9, 0), member_ids=members)  # fmt: skip
    closure = follow_up_closure(engine, scope=CITY_SCOPE, area=street, as_of=WEEK.end)
    assert closure.lists == 1 and closure.members > 0
    monkeypatch.setenv("DASHBOARD_CHROMIUM_PATH", NO_CHROMIUM)
    assert run_digest(url, tmp_path / "out", area=str(street)) == 0
    page = _file(tmp_path / "out", labels.DIGEST_HTML_FILE, "一元街").read_text(encoding="utf-8")
    assert f'<div class="closure">{html.escape(closure_headline(closure))}</div>' in page
    assert labels.FOLLOW_UP_HEADLINE[7].split(" ")[0] in page
    deck = Presentation(io.BytesIO(_file(tmp_path / "out", labels.REVIEW_FILE_NAME, "一元街").read_bytes()))
    assert closure_headline(closure) in [shape.text_frame.text.split("\n")[0] for shape in deck.slides[1].shapes
                                         if shape.has_text_frame]  # fmt: skip


def test_silent_robot_times_out():
    from services.delivery import DeliveryError, post_webhook

    with socket.socket() as sock:  # listens, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        with pytest.raises(DeliveryError) as raised:
            post_webhook(f"http://127.0.0.1:{sock.getsockname()[1]}/send", {"msgtype": "markdown"}, timeout=0.5)
    assert raised.value.code == "timeout"
    assert "超时" in labels.DIGEST_WEBHOOK_ERRORS[raised.value.code].format(detail=raised.value.detail)
