"""The Monday digest (cli.py digest): the week on one page, as HTML (and, rendered, a PNG), and as a group robot's
Markdown message for 企业微信 or 钉钉.

Pure code (no st. calls). Only figures of areas and area names reach it, from the review's own inputs
(services.review.ReviewInputs) and the follow-up closure's counts: never a member's name, phone or list.
Every value is html.escape'd in the page and every area name escaped in the Markdown (ui.text).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from string import Template

import pandas as pd

from data_access.areas import AreaPath
from metrics.follow_up import Closure
from metrics.movers import compute_largest_moves
from metrics.periods import Week
from services.review import ReviewInputs
from ui import labels
from ui.charts import BAD, FONT_FAMILY, GOOD, PRIMARY
from ui.formatting import closure_headline, format_figure, format_moves, negligible_change
from ui.slides import LAGGING_KEYS, MOVED_KEYS, area_name_of, breadcrumb_of, change_text, lagging_names, tone_of
from ui.text import escape_chat_markdown

# The headline figures, in this order: two to a row on a phone
DIGEST_KEYS = (
    "active_members",
    "new_registrations",
    "contact_coverage",
    "overdue",
    "lost_contact",
    "three_way_complete",
    "station_visits",
    "demands_overdue_open",
)
DIGEST_MOVED_AREAS = 2  # areas named each way per indicator
DIGEST_LAGGING_NAMES = 5  # names per ranking before 等另外 N 个
PAGE_WIDTH = 540  # CSS pixels: a phone's screen; the PNG is rendered at twice that
WECOM_MAX_BYTES = 4096  # 企业微信's limit on a markdown message's content (UTF-8)
DINGTALK_MAX_BYTES = 20_000
WEBHOOK_KINDS = ("wecom", "dingtalk")


@dataclass(frozen=True)
class DigestFigure:
    key: str
    label: str
    value: str  # format_figure
    previous: str  # format_figure of last week's
    change: str  # 较上周 ▲ +345
    tone: str  # good, bad or flat (ui.slides.tone_of)


@dataclass(frozen=True)
class DigestMove:
    key: str
    heading: str  # 联系覆盖率 较上周 ▼ -0.2 个百分点
    tone: str
    moves: pd.DataFrame  # compute_largest_moves: path, name, contribution


@dataclass(frozen=True)
class DigestLagging:
    heading: str  # 联系覆盖率偏低
    names: tuple[tuple[str, str], ...]  # (北湖街道, 62.3%), worst first
    more: int  # lagging areas not named


@dataclass(frozen=True)
class Digest:
    area_name: str
    breadcrumb: str
    week: Week
    week_text: str  # 2026-W46（2026-11-09 至 2026-11-15）
    as_of: str  # 数据截至 2026-11-22, or ""
    synthetic: bool
    figures: tuple[DigestFigure, ...]
    flows: tuple[tuple[str, str, str], ...]  # (key, 新增超期未联系, 133)
    child_level: str | None
    moves: tuple[DigestMove, ...]  # empty at community level
    lagging: tuple[DigestLagging, ...]  # empty at community level
    closure: str  # 上周名单已联系 62%


def _pair(figure: dict) -> tuple:
    return figure["value"], figure["previous"]


def _figure(key: str, figure: dict) -> DigestFigure:
    value, previous = figure["value"], figure["previous"]
    return DigestFigure(
        key=key,
        label=labels.INDICATOR_LABELS[key],
        value=format_figure(key, value),
        previous=format_figure(key, previous),
        change=change_text(key, value, previous),
        tone=tone_of(key, value, previous),
    )


def _lagging(children: pd.DataFrame) -> tuple[DigestLagging, ...]:
    lists = []
    for key in LAGGING_KEYS:
        named = [(name, format_figure(key, value)) for name, value in lagging_names(children, key)]
        shown = named[:DIGEST_LAGGING_NAMES]
        lists.append(
            DigestLagging(heading=labels.REVIEW_LAGGING_HEADINGS[key], names=tuple(shown), more=len(named) - len(shown))
        )
    return tuple(lists)


def compose_digest(
    inputs: ReviewInputs, *, week: Week, area: AreaPath, as_of: date | None, synthetic: bool, closure: Closure
) -> Digest:
    """The digest of `area` for `week`: the headline figures against last week, the member flows, the child areas
    that moved the review's headline indicators most (ui.slides.MOVED_KEYS), the lagging child areas (the closing
    slide's rankings) and how far last week's exported lists got."""
    report, moved = inputs.report, inputs.moved
    child_level = area.child_level if not inputs.children.empty else None
    moves = ()
    if child_level:
        moves = tuple(
            DigestMove(
                key=key,
                heading=f"{labels.INDICATOR_LABELS[key]} {change_text(key, *_pair(report[key]))}",
                tone=tone_of(key, *_pair(report[key])),
                moves=compute_largest_moves(
                    moved.movers[key], count=DIGEST_MOVED_AREAS, negligible=negligible_change(key)
                ),
            )
            for key in MOVED_KEYS
        )
    return Digest(
        area_name=area_name_of(area),
        breadcrumb=breadcrumb_of(area),
        week=week,
        week_text=labels.REVIEW_WEEK.format(week=week, start=week.start, end=week.end),
        as_of=labels.REVIEW_AS_OF.format(date=as_of) if as_of else "",
        synthetic=synthetic,
        figures=tuple(_figure(key, report[key]) for key in DIGEST_KEYS),
        flows=tuple((key, labels.FLOW_LABELS[key], f"{count:,}") for key, count in moved.flows.items()),
        child_level=child_level,
        moves=moves,
        lagging=_lagging(inputs.children) if child_level else (),
        closure=closure_headline(closure),
    )


def _move_areas(move: DigestMove, escape) -> str:
    up, down = format_moves(move.key, move.moves, count=DIGEST_MOVED_AREAS, escape=escape, unit=False)
    parts = [labels.REVIEW_MOVED_UP.format(areas=up)] if up else []
    parts += [labels.REVIEW_MOVED_DOWN.format(areas=down)] if down else []
    return labels.REVIEW_MOVED_SEPARATOR.join(parts)


def _lagging_items(lagging: DigestLagging, escape) -> str:
    items = [labels.DIGEST_LAGGING_ITEM.format(name=escape(name), value=value) for name, value in lagging.names]
    items += [labels.REVIEW_LAGGING_MORE.format(count=lagging.more)] if lagging.more else []
    return labels.DIGEST_NAMES_JOIN.join(items) or labels.REVIEW_NO_LAGGING


# ---- HTML ---------------------------------------------------------------------------------------

# Static CSS only (constants, never data): one column a phone's width, figures two to a row
DIGEST_CSS = Template("""
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #FFFFFF; }
body { font-family: $font; color: #1F2933; width: ${width}px; padding: 20px 18px 18px; font-size: 16px;
  line-height: 1.5; -webkit-text-size-adjust: 100%; }
h1 { font-size: 22px; margin: 0; color: $primary; line-height: 1.3; }
.where { font-size: 20px; font-weight: 700; margin-top: 4px; overflow-wrap: anywhere; }
.week, .muted { color: #52606D; font-size: 14px; }
.synthetic { color: #8A4B00; font-size: 14px; font-weight: 700; }
h2 { font-size: 17px; margin: 18px 0 8px; padding-left: 8px; border-left: 4px solid $primary; line-height: 1.3; }
.figures { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.figure { background: #F5F7FA; border-radius: 8px; padding: 8px 10px; min-width: 0; }
.figure .label { font-size: 14px; color: #3E4C59; }
.figure .value { font-size: 26px; font-weight: 800; line-height: 1.25; font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere; }
.figure .previous { font-size: 13px; color: #52606D; }
.figure .change { font-size: 14px; font-weight: 700; }
.good { color: $good; }
.bad { color: $bad; }
.flat { color: #52606D; }
.flows { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.flow { text-align: center; background: #F5F7FA; border-radius: 8px; padding: 6px 4px; min-width: 0; }
.flow .count { font-size: 22px; font-weight: 800; font-variant-numeric: tabular-nums; }
.flow .label { font-size: 13px; color: #3E4C59; overflow-wrap: anywhere; }
.move { margin-bottom: 6px; }
.move .heading { font-weight: 700; }
.move .areas, .lagging .items { font-size: 15px; overflow-wrap: anywhere; }
.lagging { margin-bottom: 6px; }
.lagging .heading { font-weight: 700; color: $primary; }
.closure { font-size: 18px; font-weight: 700; }
.footer { margin-top: 16px; font-size: 13px; color: #52606D; overflow-wrap: anywhere; }
""").substitute(font=FONT_FAMILY, width=PAGE_WIDTH, primary=PRIMARY, good=GOOD, bad=BAD)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def build_digest_html(digest: Digest) -> str:
    """The one page as a self-contained HTML document: inline CSS, no script, no image, no link; every value
    escaped. A phone's width (PAGE_WIDTH), for a group chat."""
    parts = [
        f"<h1>{_e(labels.DIGEST_TITLE)}</h1>",
        f'<div class="where">{_e(digest.breadcrumb)}</div>',
        f'<div class="week">{_e(digest.week_text)}</div>',
    ]
    if digest.synthetic:
        parts.append(f'<div class="synthetic">{_e(labels.SYNTHETIC_BANNER)}</div>')
    parts.append(f'<h2>{_e(labels.DIGEST_FIGURES)}</h2><div class="figures">')
    for figure in digest.figures:
        parts.append(
            f'<div class="figure" data-key="{_e(figure.key)}"><div class="label">{_e(figure.label)}</div>'
            f'<div class="value">{_e(figure.value)}</div>'
            f'<div class="previous">{_e(labels.REVIEW_PREVIOUS.format(value=figure.previous))}</div>'
            f'<div class="change {_e(figure.tone)}">{_e(figure.change)}</div></div>'
        )
    parts.append(f'</div><h2>{_e(labels.DIGEST_FLOWS)}</h2><div class="flows">')
    for key, label, count in digest.flows:
        parts.append(
            f'<div class="flow" data-flow="{_e(key)}"><div class="count">{_e(count)}</div>'
            f'<div class="label">{_e(label)}</div></div>'
        )
    parts.append("</div>")
    if digest.child_level:
        level = labels.LEVEL_NAMES[digest.child_level]
        parts.append(f"<h2>{_e(labels.DIGEST_MOVERS.format(level=level))}</h2>")
        for move in digest.moves:
            areas = _move_areas(move, html.escape)  # names escaped one by one, the rest is our own text
            parts.append(
                f'<div class="move" data-key="{_e(move.key)}">'
                f'<div class="heading {_e(move.tone)}">{_e(move.heading)}</div>'
                + (f'<div class="areas">{areas}</div>' if areas else "")
                + "</div>"
            )
        parts.append(f"<h2>{_e(labels.DIGEST_LAGGING.format(level=level))}</h2>")
        for lagging in digest.lagging:
            parts.append(
                f'<div class="lagging"><span class="heading">{_e(lagging.heading)}</span>：'
                f'<span class="items">{_lagging_items(lagging, html.escape)}</span></div>'
            )
        parts.append(f'<div class="muted">{_e(labels.DIGEST_LAGGING_NOTE)}</div>')
    else:
        parts.append(f'<div class="muted">{_e(labels.DIGEST_NO_CHILDREN.format(area=digest.area_name))}</div>')
    parts.append(f'<h2>{_e(labels.DIGEST_CLOSURE)}</h2><div class="closure">{_e(digest.closure)}</div>')
    footer = [digest.as_of, labels.DIGEST_PRIVACY] if digest.as_of else [labels.DIGEST_PRIVACY]
    parts.append(f'<div class="footer">{_e(" · ".join(footer))}</div>')
    title = f"{labels.DIGEST_TITLE} · {digest.area_name} · {digest.week}"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width={PAGE_WIDTH}">'
        # No request may leave the page: nothing but inline styles is allowed to load
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{DIGEST_CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


# ---- group robot --------------------------------------------------------------------------------


def build_digest_markdown(digest: Digest, *, max_bytes: int = WECOM_MAX_BYTES) -> str:
    """The digest as a group robot's Markdown: headline figures, flows, top movers, lagging areas, closure. Area
    names are Markdown-escaped (the rest is our own text); cut at a line to `max_bytes` (UTF-8), saying where the
    rest is."""
    esc = escape_chat_markdown
    # Blocks apart by a blank line: 钉钉 runs lines of one paragraph together
    lines = [f"### {labels.DIGEST_TITLE}", "", f"**{esc(digest.breadcrumb)}** {digest.week_text}"]
    if digest.synthetic:
        lines += ["", f"> {labels.SYNTHETIC_BANNER}"]
    lines += ["", f"**{labels.DIGEST_FIGURES}**"]
    lines += [
        "- " + labels.DIGEST_FIGURE_LINE.format(label=f.label, value=f.value, previous=f.previous, change=f.change)
        for f in digest.figures
    ]
    flows = labels.DIGEST_FLOWS_JOIN.join(
        labels.DIGEST_FLOW_ITEM.format(label=label, count=count) for _, label, count in digest.flows
    )
    lines += ["", f"**{labels.DIGEST_FLOWS}**", flows]
    if digest.child_level:
        level = labels.LEVEL_NAMES[digest.child_level]
        lines += ["", f"**{labels.DIGEST_MOVERS.format(level=level)}**"]
        for move in digest.moves:
            areas = _move_areas(move, esc)
            lines.append(f"- {move.heading}" + (f"：{areas}" if areas else ""))
        lines += ["", f"**{labels.DIGEST_LAGGING.format(level=level)}**"]
        lines += [f"- {lag.heading}：{_lagging_items(lag, esc)}" for lag in digest.lagging]
    lines += ["", f"**{labels.DIGEST_CLOSURE}**：{digest.closure}"]
    return _cut(lines, max_bytes)


def _cut(lines: list[str], max_bytes: int) -> str:
    text = "\n".join(lines)
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    tail = "\n" + labels.DIGEST_MORE
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line]).encode("utf-8")) + len(tail.encode("utf-8")) > max_bytes:
            break
        kept.append(line)
    return "\n".join(kept) + tail


def webhook_payload(digest: Digest, kind: str) -> dict:
    """The JSON a group robot takes: 企业微信 {"msgtype": "markdown", "markdown": {"content"}}, 钉钉
    {"msgtype": "markdown", "markdown": {"title", "text"}}."""
    if kind == "dingtalk":
        title = f"{labels.DIGEST_TITLE} · {digest.area_name} · {digest.week}"
        text = build_digest_markdown(digest, max_bytes=DINGTALK_MAX_BYTES)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": build_digest_markdown(digest)}}
    raise ValueError(f"unknown webhook kind {kind!r}")
