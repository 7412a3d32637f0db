"""The 周例会 slides (ui/slides.py): what each slide says, and the .pptx built from them.

The .pptx of the demo city is checked against `cli.py report --json` and for personal data.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from sqlalchemy import select

import cli
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import get_engine
from data_access.schema import members_table
from metrics.columns import REPORT_KEYS
from metrics.periods import Week
from metrics.privacy import mask_name, mask_phone
from metrics.registry import FLOWS, REVIEW_INDICATORS
from metrics.tables import compute_child_table, compute_indicator_table
from metrics.thresholds import Thresholds
from services.figures import totals_by_area, week_totals
from services.movers import WhatMoved, what_moved
from services.report import weekly_report
from services.sample import build_sample
from ui import labels
from ui.formatting import format_figure
from ui.slides import (
    BAD_TONE,
    FLAT_TONE,
    GOOD_TONE,
    MAX_LAGGING_NAMES,
    ClosingSlide,
    IndicatorSlide,
    MovedSlide,
    TitleSlide,
    build_pptx,
    compose_slides,
    data_as_of,
    lagging_names,
    parse_slide_keys,
    tone_of,
)

WEEK = Week.parse("2026-W46")
CJK = re.compile(r"[\u4e00-\u9fff]")


def tiny_report() -> dict:
    figures = {key: {"value": 10, "previous": 8} for key in REPORT_KEYS}
    figures["contact_coverage"] = {"value": 0.625, "previous": 0.6}
    figures["overdue"] = {"value": 12, "previous": 9}
    figures["station_coverage"] = {"value": None, "previous": None}
    return figures


def tiny_trend(weeks: int = 12) -> pd.DataFrame:
    names = [str(WEEK.shifted(-i)) for i in range(weeks - 1, -1, -1)]
    frame = pd.DataFrame({key: [float(i) for i in range(weeks)] for key in REPORT_KEYS}, index=names)
    return frame.assign(station_coverage=None)


def tiny_children(count: int = 8) -> pd.DataFrame:
    names = [f"街道{i}" for i in range(count)]
    return pd.DataFrame(
        {
            "path": [f"某区/{n}" for n in names],
            "name": names,
            "active_members": [100] * count,
            "contact_coverage": [0.1 * (i + 1) for i in range(count)],
            "overdue": [count - i for i in range(count)],
            "three_way_complete": [0.05 * (i + 1) for i in range(count)],
        }
    )


def tiny_moved() -> WhatMoved:
    """街道1 lifted every figure by 0.02 and 街道2 lowered it by 0.01: for a rate 2 and 1 points, for a count
    nothing that shows."""
    movers = pd.DataFrame({"path": ["某区/街道2", "某区/街道1"], "contribution": [-0.01, 0.02]})
    return WhatMoved(movers=dict.fromkeys(REPORT_KEYS, movers), flows={flow: 10 + i for i, flow in enumerate(FLOWS)})


def compose(keys=REPORT_KEYS, children=None, child_level="street", synthetic=True):
    return compose_slides(
        tiny_report(),
        tiny_trend(),
        tiny_children() if children is None else children,
        tiny_moved(),
        follow_up="上周名单已联系 62%",
        keys=keys,
        week=WEEK,
        breadcrumb="武汉市 › 某区",
        area_name="某区",
        child_level=child_level,
        as_of=date(2026, 11, 22),
        synthetic=synthetic,
    )


def test_slide_keys_setting_keeps_order_drops_unknown_and_defaults_to_all(caplog):
    assert parse_slide_keys(",".join(REPORT_KEYS)) == REPORT_KEYS
    assert parse_slide_keys(" overdue, contact_coverage ,overdue") == ("overdue", "contact_coverage")
    assert parse_slide_keys("overdue,nonsense") == ("overdue",)
    assert "nonsense" in caplog.text
    assert parse_slide_keys("") == REVIEW_INDICATORS
    assert parse_slide_keys("nonsense") == REVIEW_INDICATORS


def test_data_date_is_the_sample_end_else_the_last_precomputed_week():
    assert data_as_of({"sample_until": "2026-11-22", "summary_last_week": "2026-11-16"}) == date(2026, 11, 22)
    assert data_as_of({"summary_last_week": "2026-11-09"}) == date(2026, 11, 15)
    assert data_as_of({}) is None


@pytest.mark.parametrize(
    ("key", "value", "previous", "tone"),
    [
        ("contact_coverage", 0.7, 0.6, GOOD_TONE),
        ("contact_coverage", 0.6, 0.7, BAD_TONE),
        ("overdue", 12, 9, BAD_TONE),
        ("lost_contact", 3, 5, GOOD_TONE),
        ("idle_stations", 4, 2, BAD_TONE),
        ("active_members", 5, 5, FLAT_TONE),
        ("contact_coverage", 0.60001, 0.6, FLAT_TONE),  # shows as +0.0 个百分点
        ("station_coverage", None, 0.5, FLAT_TONE),
    ],
)
def test_change_is_coloured_by_its_meaning(key, value, previous, tone):
    assert tone_of(key, value, previous) == tone


def test_deck_is_title_then_what_moved_then_one_slide_per_indicator_then_closing():
    deck = compose()
    assert isinstance(deck.slides[0], TitleSlide)
    assert isinstance(deck.slides[1], MovedSlide)
    assert isinstance(deck.slides[-1], ClosingSlide)
    indicators = deck.slides[2:-1]
    assert [s.key for s in indicators] == list(REPORT_KEYS)
    coverage = next(s for s in indicators if s.key == "contact_coverage")
    assert (coverage.value, coverage.tone) == ("62.5%", GOOD_TONE)
    assert coverage.previous == labels.REVIEW_PREVIOUS.format(value="60.0%")
    assert "+2.5 个百分点" in coverage.change and labels.REVIEW_ARROW_UP in coverage.change
    overdue = next(s for s in indicators if s.key == "overdue")
    assert (overdue.value, overdue.tone) == ("12", BAD_TONE)
    assert len(overdue.weeks) == 12 and overdue.weeks[-1] == "第46周"
    missing = next(s for s in indicators if s.key == "station_coverage")
    assert missing.value == "—" and missing.change == labels.REVIEW_CHANGE_UNKNOWN
    assert deck.slides[0].week == "2026-W46（2026-11-09 至 2026-11-15）"
    assert deck.slides[0].as_of == "数据截至 2026-11-22"
    assert deck.synthetic


def test_chosen_slides_in_the_chosen_order():
    deck = compose(keys=("overdue", "active_members"))
    assert [s.key for s in deck.slides if isinstance(s, IndicatorSlide)] == ["overdue", "active_members"]
    assert len(deck.slides) == 5


def test_what_moved_names_the_areas_that_moved_the_headline_figures_each_way():
    moved = compose().slides[1]
    assert moved.title == labels.REVIEW_MOVED_TITLE
    assert moved.flows[0] == (labels.FLOW_LABELS["newly_registered"], "10") and len(moved.flows) == len(FLOWS)
    coverage, overdue, three_way = moved.lines
    assert coverage.heading.startswith("联系覆盖率 ") and coverage.tone == GOOD_TONE  # 60.0% → 62.5%
    assert coverage.heading.endswith("+2.5 个百分点")
    assert coverage.areas == "升：街道1 +2.0　　降：街道2 -1.0"  # points, as the heading says
    assert overdue.tone == BAD_TONE and overdue.areas == ""  # 0.02 people shows as nothing
    assert three_way.heading.startswith("三联齐全率 ")
    community = compose(children=pd.DataFrame(), child_level=None).slides[1]
    assert community.lines == () and community.flows == moved.flows
    assert moved.follow_up == community.follow_up == "上周名单已联系 62%"


def test_closing_slide_names_the_lagging_quarter_worst_first():
    children = tiny_children(8)
    assert [name for name, _ in lagging_names(children, "contact_coverage")] == ["街道0", "街道1"]
    assert [name for name, _ in lagging_names(children, "overdue")] == ["街道0", "街道1"]
    assert [name for name, _ in lagging_names(children, "overdue_rate")] == ["街道0", "街道1"]
    closing = compose(children=children).slides[-1]
    coverage, overdue_rate, three_way = closing.lists
    assert coverage.heading == labels.REVIEW_LAGGING_HEADINGS["contact_coverage"]
    assert coverage.items == ("街道0  10.0%", "街道1  20.0%")
    assert overdue_rate.items == ("街道0  8.0%", "街道1  7.0%")
    assert three_way.items == ("街道0  5.0%", "街道1  10.0%")
    assert closing.title == "需要关注的街道" and closing.levels == ("street",)


def test_closing_slide_caps_a_long_list_and_speaks_at_community_level():
    many = tiny_children(60)  # a quarter is 15
    closing = compose(children=many).slides[-1]
    assert len(closing.lists[0].items) == MAX_LAGGING_NAMES
    assert closing.lists[0].items[-1] == labels.REVIEW_LAGGING_MORE.format(count=15 - MAX_LAGGING_NAMES + 1)
    community = compose(children=pd.DataFrame(), child_level=None).slides[-1]
    assert community.lists == () and "某区" in community.note


def slide_texts(slide) -> dict[str, str]:
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


def test_pptx_is_16_9_with_one_slide_per_indicator_native_charts_and_cjk_fonts():
    deck = compose()
    presentation = Presentation(io.BytesIO(build_pptx(deck)))
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    slides = list(presentation.slides)
    assert len(slides) == len(REPORT_KEYS) + 3
    assert slide_texts(slides[0])["headline"] == "某区"
    moved = slide_texts(slides[1])
    assert moved["heading"] == labels.REVIEW_MOVED_TITLE and moved["flow_0"] == "10\n新报到"
    assert moved["moves"].startswith("上周名单已联系 62%\n")
    assert "升：街道1 +2.0" in moved["moves"]
    for slide, item in zip(slides[2:-1], deck.slides[2:-1], strict=True):
        texts = slide_texts(slide)
        assert texts["label"] == item.label
        assert texts["headline"] == item.value
        assert texts["change"] == item.change
        charts = [shape.chart for shape in slide.shapes if shape.has_chart]
        if item.key == "station_coverage":  # no figure in any week: no chart
            assert not charts
            continue
        assert len(charts) == 1
        assert list(charts[0].plots[0].categories) == list(item.short_weeks)
        assert list(charts[0].plots[0].series[0].values) == list(item.values)
    assert "街道0  10.0%" in slide_texts(slides[-1])["lagging_0"]
    for slide in slides:
        assert labels.SYNTHETIC_BANNER in slide_texts(slide)["footer"]
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for run in (r for p in shape.text_frame.paragraphs for r in p.runs):
                if CJK.search(run.text):
                    ea = run._r.rPr.find(qn("a:ea"))
                    assert ea is not None and ea.get("typeface"), run.text


def test_pptx_shapes_stay_on_the_slide_and_apart():
    presentation = Presentation(io.BytesIO(build_pptx(compose())))
    width, height = presentation.slide_width, presentation.slide_height
    for number, slide in enumerate(presentation.slides, start=1):
        boxes = [(s.name, s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes]
        for name, left, top, right, bottom in boxes:
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, (number, name)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
                assert apart, (number, a[0], b[0])


def test_pptx_of_real_data_has_no_synthetic_note():
    presentation = Presentation(io.BytesIO(build_pptx(compose(synthetic=False))))
    assert all(labels.SYNTHETIC_BANNER not in slide_texts(s)["footer"] for s in presentation.slides)


# ---- the demo city ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('slides') / 'demo.sqlite'}"
    engine = get_engine(url)
    build_sample(engine, seed=11, until=date(2026, 11, 23), size="demo", thresholds=Thresholds())
    with engine.connect() as conn:
        people = conn.execute(select(members_table.c.name, members_table.c.phone)).all()
    return url, people


def demo_deck(url: str, week: Week, area: AreaPath):
    engine, thresholds = get_engine(url), Thresholds()
    report = weekly_report(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=thresholds)
    run = [week.shifted(-i) for i in range(11, -1, -1)]
    trend = compute_indicator_table(week_totals(engine, scope=CITY_SCOPE, area=area, weeks=run, thresholds=thresholds))
    trend = trend.set_axis([str(w) for w in run])
    totals = totals_by_area(
        engine, scope=CITY_SCOPE, area=area, weeks=[week, week.previous], level=area.child_level, thresholds=thresholds
    )
    children = compute_child_table(totals, week_start=week.start, previous_start=week.previous.start)
    children = children.assign(name=children["path"].str.rsplit("/", n=1).str[-1])
    moved = what_moved(engine, scope=CITY_SCOPE, week=week, area=area, thresholds=thresholds)
    return compose_slides(
        report,
        trend,
        children,
        moved,
        keys=REPORT_KEYS,
        week=week,
        breadcrumb=" › ".join(("武汉市", *area.parts)),
        area_name=area.parts[-1] if area.parts else "武汉市",
        child_level=area.child_level,
        as_of=None,
        synthetic=True,
    )


def pptx_text(data: bytes) -> str:
    presentation = Presentation(io.BytesIO(data))
    return "\n".join(
        shape.text_frame.text for slide in presentation.slides for shape in slide.shapes if shape.has_text_frame
    )


@pytest.mark.parametrize("area", ["", "江岸区"])
def test_pptx_figures_equal_cli_report(demo, area, capsys):
    url, _ = demo
    week = Week.parse("2026-W46")
    assert cli.main(["report", "--db", url, "--week", str(week), *(["--area", area] if area else []), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert cli.main(["report", "--db", url, "--week", str(week), *(["--area", area] if area else []), "--explain",
                     "--json"]) == 0  # fmt: skip
    flows = json.loads(capsys.readouterr().out)["flows"]
    data = build_pptx(demo_deck(url, week, AreaPath.parse(area)))
    moved, *slides = list(Presentation(io.BytesIO(data)).slides)[1:-1]
    assert [slide_texts(moved)[f"flow_{i}"] for i in range(len(FLOWS))] == [
        f"{flows[flow]:,}\n{labels.FLOW_LABELS[flow]}" for flow in FLOWS
    ]
    assert len(slides) == len(REPORT_KEYS)
    for slide, key in zip(slides, REPORT_KEYS, strict=True):
        texts = slide_texts(slide)
        assert texts["label"] == labels.INDICATOR_LABELS[key]
        assert texts["headline"] == format_figure(key, expected[key]["value"])
        assert texts["previous"] == labels.REVIEW_PREVIOUS.format(value=format_figure(key, expected[key]["previous"]))


def test_pptx_carries_no_personal_data(demo):
    url, people = demo
    text = pptx_text(build_pptx(demo_deck(url, Week.parse("2026-W47"), AreaPath.parse("江岸区"))))
    assert len(people) > 1000
    assert "*" not in text  # no masked name or phone either
    assert not re.search(r"1\d{10}", text)
    found = [
        value
        for name, phone in people
        for value in (name, phone, mask_name(name), mask_phone(phone))
        if value and value in text
    ]
    assert not found
