"""The 周例会 page (AppTest): every slide runs, shows the figures of `cli.py report`, and no personal data."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from app_support import app_test, download_links
from google.protobuf import text_format
from pptx import Presentation
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import ui.data
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import DataAccessError, get_engine
from data_access.lookups import fetch_meta
from data_access.schema import members_table
from metrics.periods import last_complete_week, today_in_china
from metrics.privacy import mask_name, mask_phone
from metrics.registry import REVIEW_INDICATORS
from metrics.thresholds import Thresholds
from services.report import weekly_report
from services.sample import build_sample
from ui import downloads, labels
from ui.formatting import format_figure

AREA = "江岸区"
SLIDES = len(REVIEW_INDICATORS) + 3  # title, what moved, the default slides, closing


pytestmark = pytest.mark.usefixtures("clear_caches")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'demo.sqlite'}"
    engine = get_engine(url)
    build_sample(engine, seed=5, until=today_in_china(), size="demo", thresholds=Thresholds())
    with engine.connect() as conn:
        people = conn.execute(select(members_table.c.name, members_table.c.phone)).all()
    return url, people


def open_review(monkeypatch, url: str, **query: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test()
    app.switch_page("pages/review.py")
    app.query_params.update(query)
    return app.run()


def slide_html(app: AppTest) -> str:
    return app.html[0].value


def all_text(app: AppTest) -> str:
    """Every element's content, main area and sidebar alike, as text."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(texts)


def test_every_slide_shows_the_report_figures_and_no_personal_data(monkeypatch, demo):
    url, people = demo
    week = last_complete_week(today_in_china())
    report = weekly_report(
        get_engine(url), scope=CITY_SCOPE, week=week, area=AreaPath.parse(AREA), thresholds=Thresholds()
    )
    forbidden = {v for name, phone in people for v in (name, phone, mask_name(name), mask_phone(phone)) if v}
    for number in range(1, SLIDES + 1):
        app = open_review(monkeypatch, url, area=AREA, slide=str(number))
        assert not app.exception, number
        html = slide_html(app)
        assert labels.REVIEW_SLIDE_NUMBER.format(number=number, total=SLIDES) in html
        if number == 2:
            assert f'<div class="review-label">{labels.REVIEW_MOVED_TITLE}</div>' in html
            assert labels.FOLLOW_UP_NO_LISTS[7] in html  # nobody exported a list in this city
        if 2 < number < SLIDES:
            key = REVIEW_INDICATORS[number - 3]
            assert f'<div class="review-label">{labels.INDICATOR_LABELS[key]}</div>' in html
            assert f'<div class="review-headline">{format_figure(key, report[key]["value"])}</div>' in html
            assert labels.REVIEW_PREVIOUS.format(value=format_figure(key, report[key]["previous"])) in html
        assert labels.SYNTHETIC_BANNER in app.html[1].value  # small, on every slide
        assert app.query_params["slide"] == str(number)
        shown = "\n".join(h.value for h in app.html)
        assert not re.search(r"1\d{10}|\d{3}\*{4}\d{4}|\*", shown)  # no phone, masked or not
        text = all_text(app)  # everything sent to the browser, the hidden sidebar and chart data included
        assert not [value for value in forbidden if value in text], number
    assert f'<div class="review-headline">{AREA}</div>' in slide_html(open_review(monkeypatch, url, area=AREA))


def test_buttons_move_through_the_slides_and_stop_at_the_ends(monkeypatch, demo):
    url, _ = demo
    app = open_review(monkeypatch, url)
    assert "1 / " in slide_html(app)
    app.button(key="review_next").click().run()
    assert not app.exception
    assert f"2 / {SLIDES}" in slide_html(app) and app.query_params["slide"] == "2"
    app.button(key="review_page_down").click().run()
    assert f"3 / {SLIDES}" in slide_html(app)
    app.button(key="review_prev").click().run()
    app.button(key="review_page_up").click().run()
    app.button(key="review_prev").click().run()
    assert f"1 / {SLIDES}" in slide_html(app) and app.query_params["slide"] == "1"
    last = open_review(monkeypatch, url, slide="99")  # out of range: the last slide
    assert f"{SLIDES} / {SLIDES}" in slide_html(last)
    last.button(key="review_next").click().run()
    assert f"{SLIDES} / {SLIDES}" in slide_html(last)


def test_week_and_area_come_from_the_url(monkeypatch, demo):
    url, _ = demo
    app = open_review(monkeypatch, url, week="2026-W40", area=AREA)
    assert not app.exception
    assert "2026-W40（2026-09-28 至 2026-10-04）" in slide_html(app)
    assert app.query_params["week"] == "2026-W40" and app.query_params["area"] == AREA
    closing = open_review(monkeypatch, url, week="2026-W40", area=AREA, slide=str(SLIDES))
    assert "需要关注的街道" in slide_html(closing)


def test_slides_setting_chooses_and_orders_the_indicators(monkeypatch, demo):
    url, _ = demo
    chosen = dataclasses.replace(ui.data.SETTINGS, review_slides="overdue,contact_coverage")
    monkeypatch.setattr(ui.data, "SETTINGS", chosen)
    app = open_review(monkeypatch, url, slide="3")
    assert "3 / 5" in slide_html(app)
    assert labels.INDICATOR_LABELS["overdue"] in slide_html(app)


def test_download_offers_the_pptx(monkeypatch, demo):
    url, _ = demo
    app = open_review(monkeypatch, url, area=AREA)
    [(label, path)] = download_links(app)
    assert label == labels.REVIEW_DOWNLOAD
    offer = downloads.claim(path.removeprefix(downloads.ROUTE), app.session_state["session_token"])
    assert len(Presentation(io.BytesIO(offer.build(app.session_state["account"]))).slides) > 1


def test_empty_database_shows_what_to_do(monkeypatch, sqlite_url):
    app = open_review(monkeypatch, sqlite_url)
    assert not app.exception
    assert [i.value for i in app.info] == [labels.NO_DATA]
    assert not [h for h in app.html if 'class="review-slide' in h.value]  # no slide (the page's CSS aside)


def test_date_of_the_data_is_on_the_title_slide(monkeypatch, demo):
    url, _ = demo
    with get_engine(url).connect() as conn:
        until = fetch_meta(conn)["sample_until"]
    app = open_review(monkeypatch, url)
    assert labels.REVIEW_AS_OF.format(date=until) in slide_html(app)


def test_another_area_starts_at_the_title_slide(monkeypatch, demo):
    url, _ = demo
    app = open_review(monkeypatch, url)
    app.button(key="review_next").click().run()
    app.button(key="review_next").click().run()
    assert f"3 / {SLIDES}" in slide_html(app)
    app.switch_page("pages/overview.py").run()  # the leader picks another area there, and comes back
    app.session_state["view_area"] = AREA
    app.query_params.clear()
    app.switch_page("pages/review.py").run()
    assert not app.exception
    assert f"1 / {SLIDES}" in slide_html(app) and f">{AREA}<" in slide_html(app)


def test_sign_out_is_on_the_slides_too(monkeypatch, demo):
    url, _ = demo
    monkeypatch.setenv("DATABASE_URL", url)
    app = app_test()
    app.switch_page("pages/review.py")
    app.run()
    app.button(key="review_sign_out").click().run()
    assert [i.value for i in app.info] == [labels.SIGNED_OUT]


def test_a_database_gone_under_the_slides_timer_says_so_in_chinese(monkeypatch, demo):
    """The timer reruns the slides' fragment alone, outside the frame's friendly_errors; its first call, the
    session check, is the one to meet the database gone."""
    import ui.review

    def gone() -> None:
        raise DataAccessError("unreachable")

    url, _ = demo
    monkeypatch.setattr(ui.review, "require_session", gone)
    app = open_review(monkeypatch, url)
    assert not app.exception
    assert [e.value for e in app.error] == [labels.DATABASE_ERRORS["unreachable"]]


@pytest.mark.parametrize("raw", ["²", "١", "2²", " 2", "+2", "-1", "0x2", "12345", ""])
def test_a_slide_number_not_in_ascii_digits_shows_the_title_slide(monkeypatch, demo, raw):
    """ "²" passes str.isdigit() but not int(): the page must not crash on it."""
    url, _ = demo
    app = open_review(monkeypatch, url, slide=raw)
    assert not app.exception
    assert f"1 / {SLIDES}" in slide_html(app) and app.query_params["slide"] == "1"


@pytest.mark.parametrize(("raw", "seconds"), [("²", None), ("٣٠", None), ("0", None), ("12345", None), ("2", 5),
                                              ("30", 30)])  # fmt: skip
def test_auto_advance_takes_ascii_digits_only_and_at_least_the_minimum(monkeypatch, demo, raw, seconds):
    url, _ = demo
    app = open_review(monkeypatch, url, auto=raw)
    assert not app.exception
    shown = [h.value for h in app.html]
    auto = [labels.REVIEW_AUTO.format(seconds=seconds)] if seconds else []
    assert [h for h in shown if "自动翻页" in h] == [f'<div class="review-footer">{a}</div>' for a in auto]
