"""The 周例会 slides as plain data, and the same slides as a .pptx file.

Pure code (no st. calls): the page renders these slides on the projector and offers the .pptx
built from the very same objects, so both show the figures `cli.py report` gives. Only figures
of areas reach a slide: never a member's name, phone or list.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass
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

from data_access.areas import AreaPath
from metrics.columns import LOWER_IS_BETTER, NAME, REPORT_KEYS
from metrics.movers import compute_largest_moves
from metrics.periods import Week
from metrics.registry import DECIMALS, RATE_INDICATORS, REVIEW_INDICATORS
from metrics.report import Figure
from metrics.tables import DERIVED_RATES, RANKING_KEYS, compute_lagging, compute_ranking_table, compute_worst_first
from metrics.thresholds import Thresholds
from services.movers import WhatMoved
from services.review import ReviewInputs
from ui import labels
from ui.charts import BAD, GOOD, PRIMARY
from ui.formatting import change_of, format_change, format_figure, format_moves, negligible_change

log = logging.getLogger(__name__)

GOOD_TONE, BAD_TONE, FLAT_TONE = "good", "bad", "flat"
LAGGING_KEYS = RANKING_KEYS  # the closing slide's rankings: 总览's (coverage, overdue rate, 三联齐全)
MAX_LAGGING_NAMES = 8  # what fits one column of the closing slide
MOVED_KEYS = ("contact_coverage", "overdue", "three_way_complete")  # 本周变化's headline figures
MOVED_AREAS = 2  # areas named each way: one line of 32 px at 1280 px wide
MAX_LAGGING_NAMES_SHARED = 4  # the same when the slide names two levels (districts and streets), one above the other
NEXT_LEVEL = {"district": "street", "street": "community"}  # the level under the children the closing slide names
EAST_ASIAN_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Noto Sans CJK SC"
INK = "1F2933"
MUTED = "52606D"
TONE_COLOURS = {GOOD_TONE: GOOD, BAD_TONE: BAD, FLAT_TONE: "#" + MUTED}  # a change's meaning, as it is written


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
    short_weeks: tuple[str, ...] = ()  # the same weeks as the .pptx axis writes them (W47): never wraps
    definition: str = ""  # what the figure counts (ui.labels.INDICATOR_DEFINITIONS, settings filled in)


@dataclass(frozen=True)
class LaggingList:
    heading: str  # 联系覆盖率偏低
    items: tuple[str, ...]  # 北湖街道 62.3%
    level: str = ""  # the areas' level (street): the closing slide names the two levels apart


@dataclass(frozen=True)
class ClosingSlide:
    title: str  # 需要关注的街道
    lists: tuple[LaggingList, ...]  # empty at community level; per level, one per LAGGING_KEYS
    note: str

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels named, in order (区 before 街道)."""
        return tuple(dict.fromkeys(lagging.level for lagging in self.lists))

    def lists_of(self, level: str) -> tuple[LaggingList, ...]:
        return tuple(lagging for lagging in self.lists if lagging.level == level)


@dataclass(frozen=True)
class MovedLine:
    heading: str  # 联系覆盖率 较上周 ▼ -0.2 个百分点
    tone: str
    areas: str  # 升：江夏区 +0.1、洪山区 +0.1　降：江汉区 -0.4…, or "" when no area moved it


@dataclass(frozen=True)
class MovedSlide:
    title: str  # 本周变化
    flows: tuple[tuple[str, str], ...]  # (新增超期未联系, 133)
    follow_up: str  # 上周名单已联系 62% (ui.follow_up.closure_headline), or ""
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


def change_text(key: str, value: Figure, previous: Figure) -> str:
    change = change_of(key, value, previous)
    if change is None:
        return labels.REVIEW_CHANGE_UNKNOWN
    if not change:
        return labels.REVIEW_CHANGE_FLAT
    arrow = labels.REVIEW_ARROW_UP if change > 0 else labels.REVIEW_ARROW_DOWN
    return labels.REVIEW_CHANGE.format(arrow=arrow, change=format_change(key, value, previous))


def _week_number(name: str) -> int:
    return int(name.rsplit("W", 1)[-1])


def _week_tick(name: str) -> str:
    return labels.REVIEW_WEEK_TICK.format(number=_week_number(name))


def fitted_range(key: str, values: tuple[float | None, ...]) -> tuple[float, float]:
    """A value axis fitted to the figures, not from zero, so a week-on-week movement shows: the lowest and
    highest week with a margin, never below 0 for figures that cannot be, never above 100% for a share."""
    known = [v for v in values if v is not None and v == v]
    if not known:
        return 0.0, 1.0
    low, high = min(known), max(known)
    rate = key in RATE_INDICATORS or key in DERIVED_RATES
    span = high - low
    margin = span * 0.2 if span else (abs(high) * 0.05 or (0.01 if rate else 1.0))
    bottom, top = low - margin, high + margin
    if low >= 0:
        bottom = max(0.0, bottom)
    if rate and high <= 1:
        top = min(1.0, top)
    return bottom, top


def tone_colour(tone: str) -> str:
    """The colour of a change's meaning: green good news, red bad, grey neither (as the change is written)."""
    return TONE_COLOURS[tone]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def indicator_slide(
    key: str, figure: dict[str, Figure], trend: pd.DataFrame, *, thresholds: Thresholds | None = None
) -> IndicatorSlide:
    value, previous = figure["value"], figure["previous"]
    return IndicatorSlide(
        key=key,
        label=labels.INDICATOR_LABELS[key],
        value=format_figure(key, value),
        previous=labels.REVIEW_PREVIOUS.format(value=format_figure(key, previous)),
        change=change_text(key, value, previous),
        tone=tone_of(key, value, previous),
        weeks=tuple(_week_tick(str(name)) for name in trend.index),
        values=tuple(_number(v) for v in trend[key]) if key in trend else (),
        short_weeks=tuple(labels.REVIEW_WEEK_TICK_SHORT.format(number=_week_number(str(n))) for n in trend.index),
        definition=labels.INDICATOR_DEFINITIONS[key].format(**asdict(thresholds or Thresholds())),
    )


def lagging_names(children: pd.DataFrame, key: str) -> list[tuple[str, Figure]]:
    """(name, figure) of the areas lagging on `key` (metrics.tables.compute_lagging), worst first; ties in pinyin
    order. The overdue rate is computed from the table when it lacks it."""
    if children.empty:
        return []
    table = children if key in children else compute_ranking_table(children)
    lagging = compute_worst_first(table[compute_lagging(table, key)], key, name_column=NAME)
    return [(str(row[NAME]), row[key]) for _, row in lagging.iterrows()]


def _lagging_lists(table: pd.DataFrame, level: str, cap: int) -> list[LaggingList]:
    lists = []
    for key in LAGGING_KEYS:
        names = lagging_names(table, key)
        items = [labels.REVIEW_LAGGING_ITEM.format(name=name, value=format_figure(key, v)) for name, v in names]
        if len(items) > cap:
            rest = len(items) - cap + 1
            items = [*items[: cap - 1], labels.REVIEW_LAGGING_MORE.format(count=rest)]
        heading = labels.REVIEW_LAGGING_HEADINGS[key]
        lists.append(LaggingList(heading=heading, items=tuple(items) or (labels.REVIEW_NO_LAGGING,), level=level))
    return lists


def closing_slide(
    children: pd.DataFrame, *, child_level: str | None, area_name: str, below: pd.DataFrame | None = None
) -> ClosingSlide:
    """The child areas lagging on each of LAGGING_KEYS and, from `below` (every area one level under the
    children: the city's streets, a district's communities), those lagging there too, each with its figure."""
    if not child_level or children.empty:
        return ClosingSlide(
            title=labels.REVIEW_CLOSING_NO_CHILDREN_TITLE,
            lists=(),
            note=labels.REVIEW_NO_CHILDREN.format(area=area_name),
        )
    tables = {child_level: children}
    if child_level in NEXT_LEVEL and below is not None and not below.empty:
        tables[NEXT_LEVEL[child_level]] = below
    cap = MAX_LAGGING_NAMES if len(tables) == 1 else MAX_LAGGING_NAMES_SHARED
    lists = [lagging for level, table in tables.items() for lagging in _lagging_lists(table, level, cap)]
    names = [labels.LEVEL_NAMES[level] for level in tables]
    counts = labels.REVIEW_LEVEL_SEPARATOR.join(
        labels.REVIEW_LEVEL_COUNT.format(count=len(table), level=labels.LEVEL_NAMES[level])
        for level, table in tables.items()
    )
    return ClosingSlide(
        title=labels.REVIEW_CLOSING_TITLE.format(level=labels.REVIEW_LEVELS_JOIN.join(names)),
        lists=tuple(lists),
        note=labels.REVIEW_LAGGING_NOTE.format(counts=counts),
    )


def moved_slide(
    moved: WhatMoved, report: dict[str, dict[str, Figure]], *, child_level: str | None, follow_up: str = ""
) -> MovedSlide:
    """The week's member flows, whether last week's lists were worked, and for the headline indicators the child
    areas that moved them most."""
    flows = tuple((labels.FLOW_LABELS[flow], f"{count:,}") for flow, count in moved.flows.items())
    if not child_level:
        return MovedSlide(
            title=labels.REVIEW_MOVED_TITLE, flows=flows, follow_up=follow_up, lines=(), note=labels.REVIEW_MOVED_NOTE
        )
    lines = []
    for key in MOVED_KEYS:
        value, previous = report[key]["value"], report[key]["previous"]
        moves = compute_largest_moves(moved.movers[key], count=MOVED_AREAS, negligible=negligible_change(key))
        up, down = format_moves(key, moves, count=MOVED_AREAS, unit=False)
        areas = [labels.REVIEW_MOVED_UP.format(areas=up)] if up else []
        areas += [labels.REVIEW_MOVED_DOWN.format(areas=down)] if down else []
        lines.append(
            MovedLine(
                heading=f"{labels.INDICATOR_LABELS[key]} {change_text(key, value, previous)}",
                tone=tone_of(key, value, previous),
                areas=labels.REVIEW_MOVED_SEPARATOR.join(areas),
            )
        )
    level = labels.LEVEL_NAMES[child_level]
    return MovedSlide(
        title=labels.REVIEW_MOVED_TITLE,
        flows=flows,
        follow_up=follow_up,
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
    thresholds: Thresholds | None = None,
    below: pd.DataFrame | None = None,
    follow_up: str = "",
) -> Deck:
    """Title, what moved this week, one slide per indicator in `keys`, and the closing slide naming the lagging
    child areas and, for the level under them (`below`: every area one level under the children, shaped as
    `children`)."""
    week_text = labels.REVIEW_WEEK.format(week=week, start=week.start, end=week.end)
    title = TitleSlide(
        breadcrumb=breadcrumb if breadcrumb != area_name else "",
        area_name=area_name,
        week=week_text,
        as_of=labels.REVIEW_AS_OF.format(date=as_of) if as_of else "",
    )
    indicators = [indicator_slide(key, report[key], trend, thresholds=thresholds) for key in keys]
    closing = closing_slide(children, child_level=child_level, area_name=area_name, below=below)
    footer = labels.REVIEW_FOOTER.format(area=breadcrumb, week=week)
    what_moved = moved_slide(moved, report, child_level=child_level, follow_up=follow_up)
    return Deck(slides=(title, what_moved, *indicators, closing), footer=footer, synthetic=synthetic)


def breadcrumb_of(area: AreaPath) -> str:
    """武汉市 › 江汉区 › 北湖街道, as the pages write where they are."""
    return labels.BREADCRUMB_SEPARATOR.join((labels.CITY, *area.parts))


def area_name_of(area: AreaPath) -> str:
    return area.parts[-1] if area.parts else labels.CITY


def review_deck(
    inputs: ReviewInputs,
    *,
    week: Week,
    area: AreaPath,
    keys: tuple[str, ...],
    as_of: date | None,
    synthetic: bool,
    thresholds: Thresholds,
    follow_up: str = "",
) -> Deck:
    """The 周例会 deck of `area` for `week` (compose_slides; `follow_up` the closure headline of last week's lists,
    ui.formatting.closure_headline): one composition for the page and the digest."""
    return compose_slides(
        inputs.report,
        inputs.trend,
        inputs.children,
        inputs.moved,
        keys=keys,
        week=week,
        breadcrumb=breadcrumb_of(area),
        area_name=area_name_of(area),
        child_level=area.child_level,
        as_of=as_of,
        synthetic=synthetic,
        thresholds=thresholds,
        below=inputs.below,
        follow_up=follow_up,
    )


# ---- .pptx -------------------------------------------------------------------------------------

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 16:9, 13.333 × 7.5 in
MARGIN = Emu(457_200)  # 0.5 in


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
    data.categories = list(item.short_weeks or item.weeks)
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
    value_axis.minimum_scale, value_axis.maximum_scale = fitted_range(item.key, item.values)
    _one_line(chart.category_axis)
    colour = _rgb(tone_colour(item.tone))
    series = chart.plots[0].series[0]
    series.smooth = False
    series.format.line.color.rgb = colour
    series.format.line.width = Pt(3.5)
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = 8
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = colour
    series.marker.format.line.color.rgb = colour


def _one_line(axis) -> None:
    """Every category label on one line, level and unwrapped (W37 … W48), each one shown."""
    axis.tick_labels.font.size = Pt(14)
    body = axis._element.get_or_add_txPr().find(qn("a:bodyPr"))
    body.set("rot", "0")
    body.set("vert", "horz")
    body.set("wrap", "none")
    skip = axis._element.find(qn("c:tickLblSkip"))
    if skip is None:  # in the schema's order: before tickMarkSkip and noMultiLvlLbl, after the rest
        skip = OxmlElement("c:tickLblSkip")
        later = [axis._element.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
        following = next((element for element in later if element is not None), None)
        if following is not None:
            following.addprevious(skip)
        else:
            axis._element.append(skip)
    skip.set("val", "1")


def _excel_format(key: str) -> str:
    digits = DECIMALS.get(key, 0)
    decimals = "." + "0" * digits if digits else ""
    return f"0{decimals}%" if key in RATE_INDICATORS else f"#,##0{decimals}"


def _add_closing(slide, item: ClosingSlide) -> None:
    """The title; a column per ranking (its heading once, at the top); per level (区, then 街道) a row of lists,
    under the level's name when there are two."""
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "heading", MARGIN, MARGIN, width, Emu(800_000), [(item.title, 40, INK, True)])
    if not item.lists:
        _text_box(slide, "note", MARGIN, Emu(2_000_000), width, Emu(1_000_000), [(item.note, 32, INK, False)])
        return
    levels = item.levels
    keys = len(item.lists_of(levels[0]))
    column = Emu(int(width / keys))
    for index, lagging in enumerate(item.lists_of(levels[0])):
        left = MARGIN + column * index
        _text_box(
            slide,
            f"ranking_{index}",
            left,
            Emu(1_300_000),
            column,
            Emu(420_000),
            [(lagging.heading, 24, PRIMARY, True)],
        )
    top, bottom = Emu(1_750_000), Emu(5_400_000)
    row = Emu(int((bottom - top) / len(levels)))
    named = len(levels) > 1
    size = 20 if named else 24
    number = 0
    for row_index, level in enumerate(levels):
        row_top = top + row * row_index
        if named:
            label = labels.LEVEL_NAMES[level]
            _text_box(slide, f"level_{row_index}", MARGIN, row_top, width, Emu(380_000), [(label, 22, INK, True)])
        lists_top = row_top + (Emu(400_000) if named else 0)
        for index, lagging in enumerate(item.lists_of(level)):
            lines = [(text, size, INK, False) for text in lagging.items]
            left = MARGIN + column * index
            height = row - (Emu(420_000) if named else Emu(20_000))
            _text_box(slide, f"lagging_{number}", left, lists_top, column, height, lines)
            number += 1
    _text_box(slide, "note", MARGIN, Emu(5_450_000), width, Emu(450_000), [(item.note, 18, MUTED, False)])


def _add_moved(slide, item: MovedSlide) -> None:
    width = SLIDE_WIDTH - 2 * MARGIN
    _text_box(slide, "heading", MARGIN, MARGIN, width, Emu(800_000), [(item.title, 40, INK, True)])
    tile = Emu(int(width / len(item.flows)))
    for index, (label, count) in enumerate(item.flows):
        lines = [(count, 44, INK, True), (label, 18, MUTED, False)]
        _text_box(slide, f"flow_{index}", MARGIN + tile * index, Emu(1_350_000), tile, Emu(1_100_000), lines)
    lines = [(item.follow_up, 24, INK, True)] if item.follow_up else []
    for line in item.lines:
        lines.append((line.heading, 26, TONE_COLOURS[line.tone], True))
        lines += [(line.areas, 20, INK, False)] if line.areas else []
    if lines:
        _text_box(slide, "moves", MARGIN, Emu(2_600_000), width, Emu(2_900_000), lines)
    _text_box(slide, "note", MARGIN, Emu(5_550_000), width, Emu(400_000), [(item.note, 16, MUTED, False)])


def speaker_notes(item: Slide, deck: Deck) -> str:
    """What the presenter reads beside a slide: an indicator's definition and its figures against last week's;
    the title's area and week; what the week's flows count; on the closing slide, how the lagging areas are picked."""
    if isinstance(item, TitleSlide):
        return labels.REVIEW_NOTES_TITLE.format(area=item.area_name, week=item.week)
    if isinstance(item, MovedSlide):
        return "\n".join((item.note, labels.REVIEW_NOTES_MOVED))
    if isinstance(item, IndicatorSlide):
        definition = labels.REVIEW_NOTES_DEFINITION.format(definition=item.definition)
        figures = labels.REVIEW_NOTES_FIGURES.format(value=item.value, previous=item.previous, change=item.change)
        return f"{item.label}\n{definition}\n{figures}"
    if isinstance(item, ClosingSlide):
        return "\n".join(line for line in (item.note, labels.REVIEW_NOTES_CLOSING) if line)
    return ""  # a kind of slide without notes of its own


def build_pptx(deck: Deck) -> bytes:
    """The deck as a 16:9 .pptx: title, what moved, one slide per indicator (figure, last week, change, a native
    12-week line chart on an axis fitted to the figures, in the colour of the change's meaning), the closing slide;
    every slide carries the footer, speaker notes (speaker_notes) and, for sample data, the synthetic note."""
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
        slide.notes_slide.notes_text_frame.text = speaker_notes(item, deck)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
