"""The review's trend, on screen and in the .pptx: in the colour of the change's meaning, on an axis fitted to
the figures (not from zero), the .pptx weeks as W37 … W48 on one line, and speaker notes on every slide."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from slide_support import nothing_moved

from metrics.periods import Week
from metrics.registry import REPORT_KEYS
from metrics.thresholds import Thresholds
from ui import labels
from ui.charts import BAD, GOOD
from ui.review import build_review_trend_figure
from ui.slides import IndicatorSlide, build_pptx, compose_slides, fitted_range

WEEK = Week.parse("2026-W48")  # W37 … W48


def trend() -> pd.DataFrame:
    names = [str(WEEK.shifted(-i)) for i in range(11, -1, -1)]
    frame = pd.DataFrame({key: [10.0 + i for i in range(12)] for key in REPORT_KEYS}, index=names)
    return frame.assign(contact_coverage=[0.80 + 0.002 * i for i in range(12)], overdue=[500.0 + i for i in range(12)])


def report() -> dict:
    figures = {key: {"value": 21, "previous": 20} for key in REPORT_KEYS}
    figures["contact_coverage"] = {"value": 0.822, "previous": 0.82}  # up: good news
    figures["overdue"] = {"value": 511, "previous": 510}  # up: bad news
    figures["active_members"] = {"value": 21, "previous": 21}  # level
    return figures


def deck(thresholds: Thresholds | None = None):
    return compose_slides(
        report(), trend(), pd.DataFrame(), nothing_moved(), keys=REPORT_KEYS, week=WEEK, breadcrumb="武汉市 › 某区",
        area_name="某区", child_level=None, as_of=date(2026, 11, 29), synthetic=True, thresholds=thresholds,
    )  # fmt: skip


def slide_of(key: str, thresholds: Thresholds | None = None) -> IndicatorSlide:
    return next(s for s in deck(thresholds).slides if isinstance(s, IndicatorSlide) and s.key == key)


@pytest.mark.parametrize(
    ("key", "colour"), [("contact_coverage", GOOD), ("overdue", BAD), ("active_members", "#52606D")]
)
def test_the_trend_is_drawn_in_the_colour_of_the_change_s_meaning(key, colour):
    figure = build_review_trend_figure(slide_of(key))
    assert figure.data[0].line.color == colour and figure.data[0].marker.color == colour


def test_the_trend_axis_is_fitted_to_the_figures_not_from_zero():
    bottom, top = build_review_trend_figure(slide_of("overdue")).layout.yaxis.range
    assert 490 < bottom < 500 and 511 < top < 520  # 500 … 511, a margin each side
    bottom, top = build_review_trend_figure(slide_of("contact_coverage")).layout.yaxis.range
    assert 0.79 < bottom < 0.80 and 0.822 < top < 0.83


def test_a_fitted_axis_stays_within_what_the_figure_can_be():
    assert fitted_range("contact_coverage", (0.99, 1.0)) == (pytest.approx(0.988), 1.0)  # never above 100%
    assert fitted_range("overdue", (0.0, 3.0))[0] == 0  # never below zero
    assert fitted_range("overdue", (5.0, 5.0)) == (4.75, 5.25)  # level: a margin still
    assert fitted_range("overdue", (0.0, 0.0)) == (0.0, 1.0)
    assert fitted_range("overdue", (None, None)) == (0.0, 1.0)


def pptx_slides(thresholds: Thresholds | None = None):
    return list(Presentation(io.BytesIO(build_pptx(deck(thresholds)))).slides)


def test_the_pptx_chart_reads_w37_to_w48_on_one_line_on_a_fitted_axis_in_the_meaning_s_colour():
    items = {s.key: s for s in deck().slides if isinstance(s, IndicatorSlide)}
    for slide in pptx_slides()[1:-1]:
        charts = [shape.chart for shape in slide.shapes if shape.has_chart]
        if not charts:
            continue
        chart = charts[0]
        assert list(chart.plots[0].categories) == [f"W{n}" for n in range(37, 49)]
        body = chart.category_axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
        assert (body.get("wrap"), body.get("rot")) == ("none", "0")
        assert chart.category_axis._element.find(qn("c:tickLblSkip")).get("val") == "1"
    by_label = {s.shapes[0].text_frame.text: s for s in pptx_slides()[1:-1]}
    overdue = next(shape.chart for shape in by_label[items["overdue"].label].shapes if shape.has_chart)
    assert (overdue.value_axis.minimum_scale, overdue.value_axis.maximum_scale) == fitted_range(
        "overdue", items["overdue"].values
    )
    assert overdue.value_axis.minimum_scale > 0
    assert str(overdue.plots[0].series[0].format.line.color.rgb) == BAD.lstrip("#").upper()
    coverage = next(shape.chart for shape in by_label[items["contact_coverage"].label].shapes if shape.has_chart)
    assert str(coverage.plots[0].series[0].format.line.color.rgb) == GOOD.lstrip("#").upper()


def test_every_pptx_slide_has_speaker_notes_with_the_definition_and_last_week():
    slides = pptx_slides()
    items = deck().slides
    for slide in slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    assert labels.REVIEW_NOTES_MOVED in slides[1].notes_slide.notes_text_frame.text  # 本周变化: what the flows count
    for slide, item in zip(slides[2:-1], items[2:-1], strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert labels.INDICATOR_DEFINITIONS[item.key].format(**asdict(Thresholds())) in notes
        assert item.previous in notes  # 上周 …
    coverage = next(s for s, i in zip(slides, items, strict=True) if getattr(i, "key", "") == "contact_coverage")
    notes = coverage.notes_slide.notes_text_frame.text
    assert "30 天内" in notes and "上周 82.0%" in notes


def test_the_notes_say_the_days_the_figures_were_computed_with():
    slide = slide_of("contact_coverage", Thresholds(contact_window_days=45))
    assert "45 天内" in slide.definition
