"""The 周例会 slides as plain data, and the same slides as a .pptx file.

Pure code (no st. calls): the page renders these slides on the projector and offers the .pptx
built from the very same objects, so both show the figures `cli.py report` gives. Only figures
of areas reach a slide: never a member's name, phone or list.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from metrics.columns import LOWER_IS_BETTER, NAME, REPORT_KEYS
from metrics.movers import compute_largest_moves
from metrics.periods import Week
from metrics.registry import DECIMALS, RATE_INDICATORS, REVIEW_INDICATORS
from metrics.report import Figure
from metrics.tables import compute_lagging
from services.movers import WhatMoved
from ui import labels
from ui.charts import BAD, GOOD, PRIMARY
from ui.formatting import change_of, format_change, format_figure, format_moves, negligible_change

log = logging.getLogger(__name__)

GOOD_TONE, BAD_TONE, FLAT_TONE = "good", "bad", "flat"
LAGGING_KEYS = ("contact_coverage", "overdue")  # the closing slide's two rankings
MAX_LAGGING_NAMES = 8  # what fits one column of the closing slide
MOVED_KEYS = ("contact_coverage", "overdue", "three_way_complete")  # 本周变化's headline figures
MOVED_AREAS = 2  # areas named each way: one line of 32 px at 1280 px wide
EAST_ASIAN_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Noto Sans CJK SC"
INK = "1F2933"
MUTED = "52606D"


@dataclass(frozen=True)
class TitleSlide:
    breadcrumb: str  # 武汉市 › 江汉区, or "" for the city itself
    area_name: str  # 江汉区
    week: str  # 2026-W47（2026-11-16 至 2026-11-22）
    as_of: str  # 数据截至 2026-11-22, or "" when unknown


@dataclass(frozen=True)
class IndicatorSlide:
    key: str
    label: str
    value: str  # as format_figure gives it
    previous: str  # 上周 12,000
    change: str  # 较上周 ▲ +345
    tone: str  # good, bad or flat: the change's meaning, not its sign
    weeks: tuple[str, ...]  # tick labels of the trend (第47周)
    values: tuple[float | None, ...]  # the trend's figures (rates as fractions)


@dataclass(frozen=True)
class LaggingList:
    heading: str  # 联系覆盖率偏低
    items: tuple[str, ...]  # 北湖街道 62.3%


@dataclass(frozen=True)
class ClosingSlide:
    title: str  # 需要关注的街道
    lists: tuple[LaggingList, ...]  # empty at community level
    note: str


@dataclass(frozen=True)
class MovedLine:
    heading: str  # 联系覆盖率 较上周 ▼ -0.2 个百分点
    tone: str
    areas: str  # 升：江夏区 +0.1、洪山区 +0.1　降：江汉区 -0.4…, or "" when no area moved it


@dataclass(frozen=True)
class MovedSlide:
    title: str  # 本周变化
    flows: tuple[tuple[str, str], ...]  # (新增超期未联系, 133)
    lines: tuple[MovedLine, ...]  # empty at community level
    note: str


Slide = TitleSlide | MovedSlide | IndicatorSlide | ClosingSlide


@dataclass(frozen=True)
class Deck:
    slides: tuple[Slide, ...]
    footer: str  # 武汉市 › 江汉区 · 2026-W47
    synthetic: bool


def parse_slide_keys(text: str) -> tuple[str, ...]:
    """The indicator keys of a DASHBOARD_REVIEW_SLIDES value, in its order; unknown keys are logged and
    dropped, repeats kept once; nothing usable means the default slides (metrics.registry.REVIEW_INDICATORS)."""
    wanted = [part.strip() for part in (text or "").split(",") if part.strip()]
    unknown = [key for key in wanted if key not in REPORT_KEYS]
    if unknown:
        log.warning("DASHBOARD_REVIEW_SLIDES: unknown indicator keys ignored: %s", ", ".join(unknown))
    keys = tuple(dict.fromkeys(key for key in wanted if key in REPORT_KEYS))
    return keys or REVIEW_INDICATORS


def data_as_of(meta: dict[str, str]) -> date | None:
    """The last day the data speaks for: the sample's end date, else the end of the last precomputed week."""
    if meta.get("sample_until"):
        return date.fromisoformat(meta["sample_until"])
    if meta.get("summary_last_week"):
        return Week.containing(date.fromisoformat(meta["summary_last_week"])).end
    return None


def tone_of(key: str, value: Figure, previous: Figure) -> str:
    """Whether the change is good news: up is good, except for the indicators where lower is better."""
    change = change_of(key, value, previous)
    if not change:
        return FLAT_TONE
    return GOOD_TONE if (change > 0) != (key in LOWER_IS_BETTER) else BAD_TONE


def _change_text(key: str, value: Figure, previous: Figure) -> str:
    change = change_of(key, value, previous)
    if change is None:
        return labels.REVIEW_CHANGE_UNKNOWN
    if not change:
        return labels.REVIEW_CHANGE_FLAT
    arrow = labels.REVIEW_ARROW_UP if change > 0 else labels.REVIEW_ARROW_DOWN
    return labels.REVIEW_CHANGE.format(arrow=arrow, change=format_change(key, value, previous))


def _week_tick(name: str) -> str:
    return labels.REVIEW_WEEK_TICK.format(number=int(name.rsplit("W", 1)[-1]))


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def indicator_slide(key: str, figure: dict[str, Figure], trend: pd.DataFrame) -> IndicatorSlide:
    value, previous = figure["value"], figure["previous"]
    return IndicatorSlide(
        key=key,
        label=labels.INDICATOR_LABELS[key],
        value=format_figure(key, value),
        previous=labels.REVIEW_PREVIOUS.format(value=format_figure(key, previous)),
        change=_change_text(key, value, previous),
        tone=tone_of(key, value, previous),
        weeks=tuple(_week_tick(str(name)) for name in trend.index),
        values=tuple(_number(v) for v in trend[key]) if key in trend else (),
    )


def lagging_names(children: pd.DataFrame, key: str) -> list[tuple[str, Figure]]:
    """(name, figure) of the child areas lagging on `key` (metrics.tables.compute_lagging), worst first."""
    if children.empty:
        return []
    lagging = children[compute_lagging(children, key)]
    ordered = lagging.sort_values(key, ascending=key not in LOWER_IS_BETTER, kind="stable")  # ties: pinyin order
    return [(str(row[NAME]), row[key]) for _, row in ordered.iterrows()]


def closing_slide(children: pd.DataFrame, *, child_level: str | None, area_name: str) -> ClosingSlide:
    if not child_level or children.empty:
        return ClosingSlide(
            title=labels.REVIEW_CLOSING_NO_CHILDREN_TITLE,
            lists=(),
            note=labels.REVIEW_NO_CHILDREN.format(area=area_name),
        )
    lists = []
    for key in LAGGING_KEYS:
        names = lagging_names(children, key)
        items = [labels.REVIEW_LAGGING_ITEM.format(name=name, value=format_figure(key, v)) for name, v in names]
        if len(items) > MAX_LAGGING_NAMES:
            rest = len(items) - MAX_LAGGING_NAMES + 1
            items = [*items[: MAX_LAGGING_NAMES - 1], labels.REVIEW_LAGGING_MORE.format(count=rest)]
        heading = labels.REVIEW_LAGGING_HEADINGS[key]
        lists.append(LaggingList(heading=heading, items=tuple(items) or (labels.REVIEW_NO_LAGGING,)))
    level = labels.LEVEL_NAMES[child_level]
    return ClosingSlide(
        title=labels.REVIEW_CLOSING_TITLE.format(level=level),
        lists=tuple(lists),
        note=labels.REVIEW_LAGGING_NOTE.format(level=level, count=len(children)),
    )


def moved_slide(moved: WhatMoved, report: dict[str, dict[str, Figure]], *, child_level: str | None) -> MovedSlide:
    """The week's member flows, and for the headline indicators the child areas that moved them most."""
    flows = tuple((labels.FLOW_LABELS[flow], f"{count:,}") for flow, count in moved.flows.items())
    if not child_level:
        return MovedSlide(title=labels.REVIEW_MOVED_TITLE, flows=flows, lines=(), note=labels.REVIEW_MOVED_NOTE)
    lines = []
    for key in MOVED_KEYS:
        value, previous = report[key]["value"], report[key]["previous"]
        moves = compute_largest_moves(moved.movers[key], count=MOVED_AREAS, negligible=negligible_change(key))
        up, down = format_moves(key, moves, count=MOVED_AREAS, unit=False)
        areas = [labels.REVIEW_MOVED_UP.format(areas=up)] if up else []
        areas += [labels.REVIEW_MOVED_DOWN.format(areas=down)] if down else []
        lines.append(
            MovedLine(
                heading=f"{labels.INDICATOR_LABELS[key]} {_change_text(key, value, previous)}",
                tone=tone_of(key, value, previous),
                areas=labels.REVIEW_MOVED_SEPARATOR.join(areas),
            )
        )
    level = labels.LEVEL_NAMES[child_level]
    return MovedSlide(
        title=labels.REVIEW_MOVED_TITLE,
        flows=flows,
        lines=tuple(lines),
        note=labels.REVIEW_MOVED_NOTE + labels.REVIEW_MOVED_LEVEL.format(level=level),
    )


def compose_slides(
    report: dict[str, dict[str, Figure]],
    trend: pd.DataFrame,
    children: pd.DataFrame,
    moved: WhatMoved,
    *,
    keys: tuple[str, ...],
    week: Week,
    breadcrumb: str,
    area_name: str,
    child_level: str | None,
    as_of: date | None,
    synthetic: bool,
) -> Deck:
    """Title, what moved this week, one slide per indicator in `keys`, and the closing slide naming the lagging
    child areas."""
    week_text = labels.REVIEW_WEEK.format(week=week, start=week.start, end=week.end)
    title = TitleSlide(
        breadcrumb=breadcrumb if breadcrumb != area_name else "",
        area_name=area_name,
        week=week_text,
        as_of=labels.REVIEW_AS_OF.format(date=as_of) if as_of else "",
    )
    indicators = [indicator_slide(key, report[key], trend) for key in keys]
    closing = closing_slide(children, child_level=child_level, area_name=area_name)
    footer = labels.REVIEW_FOOTER.format(area=breadcrumb, week=week)
    what_moved = moved_slide(moved, report, child_level=child_level)
    return Deck(slides=(title, what_moved, *indicators, closing), footer=footer, synthetic=synthetic)


# ---- .pptx -------------------------------------------------------------------------------------

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.333 × 7.5 in
MARGIN = Emu(457_200)  # 0.5 in
TONE_COLOURS = {GOOD_TONE: GOOD, BAD_TONE: BAD, FLAT_TONE: "#" + MUTED}


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _set_fonts(rpr) -> None:
    """Latin and East Asian typefaces on a run (or default run) property, so Chinese renders in a CJK font."""
    for tag, face in (("a:latin", LATIN_FONT), ("a:ea", EAST_ASIAN_FONT)):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set("typeface", face)
    # The schema wants latin before ea, after any fill.
    latin, ea = rpr.find(qn("a:latin")), rpr.find(qn("a:ea"))
    latin.addnext(ea)
    rpr.set("lang", "zh-CN")


def _text_box(slide, name: str, left, top, width, height, lines, *, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    """A text box named `name`; `lines` are (text, size in pt, colour, bold) — one paragraph each."""
    box = slide.shapes.add_textbox(left, top, width, height)
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for index, (text, size, colour, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)
        _set_fonts(run._r.get_or_add_rPr())
    return box


def _footer(slide, deck: Deck, number: int) -> None:
    top = SLIDE_HEIGHT - MARGIN - Emu(400_000)
    width = SLIDE_WIDTH - 2 * MARGIN
    text = deck.footer + (labels.REVIEW_FOOTER_SEPARATOR + labels.SYNTHETIC_BANNER if deck.synthetic else "")
    _text_box(slide, "footer", MARGIN, top, width - Emu(1_500_000), Emu(400_000), [(text, 16, MUTED, False)])
    counter = labels.REVIEW_SLIDE_NUMBER.format(number=number, total=len(deck.slides))
    _text_box(
        slide,
        "slide_number",
        SLIDE_WIDTH - MARGIN - Emu(1_500_000),
        top,
        Emu(1_500_000),
        Emu(400_000),
        [(counter, 16, MUTED, False)],
        align=PP_ALIGN.RIGHT,
    )


def _add_title(slide, item: TitleSlide) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "heading", MARGIN, Emu(900_000), width, Emu(700_000), [(labels.REVIEW_TITLE, 32, PRIMARY, True)])
    _text_box(slide, "headline", MARGIN, Emu(1_700_000), width, Emu(1_500_000), [(item.area_name, 80, INK, True)])
    lines = [(item.breadcrumb, 28, MUTED, False)] if item.breadcrumb else []
    lines.append((item.week, 32, INK, False))
    if item.as_of:
        lines.append((item.as_of, 24, MUTED, False))
    _text_box(slide, "details", MARGIN, Emu(3_300_000), width, Emu(2_000_000), lines)


def _add_indicator(slide, item: IndicatorSlide) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "label", MARGIN, MARGIN, width, Emu(700_000), [(item.label, 36, INK, True)])
    half = Emu(int(width * 0.45))
    _text_box(slide, "headline", MARGIN, Emu(1_250_000), half, Emu(1_500_000), [(item.value, 88, INK, True)])
    _text_box(slide, "previous", MARGIN, Emu(2_850_000), half, Emu(550_000), [(item.previous, 28, MUTED, False)])
    _text_box(
        slide,
        "change",
        MARGIN,
        Emu(3_450_000),
        half,
        Emu(650_000),
        [(item.change, 28, TONE_COLOURS[item.tone], True)],
    )
    if item.values and any(v is not None for v in item.values):
        _add_trend_chart(slide, item, left=MARGIN + half, top=Emu(1_250_000), width=width - half)


def _add_trend_chart(slide, item: IndicatorSlide, *, left, top, width) -> None:
    """The 12 weeks as a native line chart (editable in PowerPoint), its number format the indicator's."""
    data = CategoryChartData(number_format=_excel_format(item.key))
    data.categories = list(item.weeks)
    data.add_series(item.label, list(item.values))
    height = SLIDE_HEIGHT - top - MARGIN - Emu(500_000)
    shape = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    shape.name = "trend"
    chart = shape.chart
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = labels.REVIEW_TREND
    title_run = chart.chart_title.text_frame.paragraphs[0].runs[0]
    title_run.font.size = Pt(20)
    title_run.font.color.rgb = _rgb(MUTED)
    _set_fonts(title_run._r.get_or_add_rPr())
    chart.font.size = Pt(16)  # 16 pt of a 7.5 in slide is 32 px on a 1080-line projector
    chart.font.color.rgb = _rgb(INK)
    _set_fonts(chart._chartSpace.txPr.find(qn("a:p")).find(qn("a:pPr")).find(qn("a:defRPr")))
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format = _excel_format(item.key)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.minimum_scale = 0
    series = chart.plots[0].series[0]
    series.smooth = False
    series.format.line.color.rgb = _rgb(PRIMARY)
    series.format.line.width = Pt(3.5)
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = 8
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = _rgb(PRIMARY)
    series.marker.format.line.color.rgb = _rgb(PRIMARY)


def _excel_format(key: str) -> str:
    digits = DECIMALS.get(key, 0)
    decimals = "." + "0" * digits if digits else ""
    return f"0{decimals}%" if key in RATE_INDICATORS else f"#,##0{decimals}"


def _add_closing(slide, item: ClosingSlide) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "heading", MARGIN, MARGIN, width, Emu(800_000), [(item.title, 40, INK, True)])
    if not item.lists:
        _text_box(slide, "note", MARGIN, Emu(2_000_000), width, Emu(1_000_000), [(item.note, 32, INK, False)])
        return
    column = Emu(int(width / len(item.lists)))
    for index, lagging in enumerate(item.lists):
        lines = [(lagging.heading, 28, PRIMARY, True)] + [(text, 24, INK, False) for text in lagging.items]
        left = MARGIN + column * index
        _text_box(slide, f"lagging_{index}", left, Emu(1_400_000), column, Emu(4_000_000), lines)
    _text_box(slide, "note", MARGIN, Emu(5_450_000), width, Emu(450_000), [(item.note, 18, MUTED, False)])


def _add_moved(slide, item: MovedSlide) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "heading", MARGIN, MARGIN, width, Emu(800_000), [(item.title, 40, INK, True)])
    tile = Emu(int(width / len(item.flows)))
    for index, (label, count) in enumerate(item.flows):
        lines = [(count, 44, INK, True), (label, 18, MUTED, False)]
        _text_box(slide, f"flow_{index}", MARGIN + tile * index, Emu(1_350_000), tile, Emu(1_100_000), lines)
    lines = []
    for line in item.lines:
        lines.append((line.heading, 26, TONE_COLOURS[line.tone], True))
        lines += [(line.areas, 20, INK, False)] if line.areas else []
    if lines:
        _text_box(slide, "moves", MARGIN, Emu(2_600_000), width, Emu(2_900_000), lines)
    _text_box(slide, "note", MARGIN, Emu(5_550_000), width, Emu(400_000), [(item.note, 16, MUTED, False)])


def build_pptx(deck: Deck) -> bytes:
    """The deck as a 16:9 .pptx: title, what moved, one slide per indicator (figure, last week, change, a native 12-week
    line chart), the closing slide; every slide carries the footer and, for sample data, the synthetic note."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = presentation.slide_layouts[6]
    for number, item in enumerate(deck.slides, start=1):
        slide = presentation.slides.add_slide(blank)
        if isinstance(item, TitleSlide):
            _add_title(slide, item)
        elif isinstance(item, MovedSlide):
            _add_moved(slide, item)
        elif isinstance(item, IndicatorSlide):
            _add_indicator(slide, item)
        else:
            _add_closing(slide, item)
        _footer(slide, deck, number)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
