"""The 周例会 page's parts: full-screen slides for a projector, moved by buttons, keys or a timer.

Everything shown is built by ui.slides (figures of areas only, no personal data). Data reaches the
page only as html.escape'd text in st.html; the one unsafe st.markdown carries static CSS.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from string import Template

import plotly.graph_objects as go
import streamlit as st

from metrics.report import Figure
from ui import downloads, labels
from ui.auth import current_account, require_session, sign_out
from ui.charts import BAD, GOOD, PRIMARY, apply_theme, number_format
from ui.data import load_meta
from ui.slides import (
    LAGGING_KEYS,
    ClosingSlide,
    Deck,
    IndicatorSlide,
    MovedSlide,
    Slide,
    TitleSlide,
    fitted_range,
    tone_colour,
)
from ui.widgets import View, friendly_errors, render_sidebar, stop_if_area_empty

_SLIDE = "review_slide"  # session key: the index shown (0 = title)
_CHANGED_AT = "review_changed_at"  # session key: when the slide last changed (auto-advance)
_DECK = "review_deck"  # session key: which week and area the index belongs to
MIN_AUTO_SECONDS = 5
_URL_NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII only: "²" and "٣" pass str.isdigit(), and int() fails or reads them
# A fixed height lets the trend chart fill what is left of the slide (it keeps no minimum there); the CSS
# below then sizes the body by the viewport instead, so the chart fits 1280×720 and 1920×1080 alike.
SLIDE_BODY_HEIGHT = 600

# Static CSS only (no data in it): hide the app's chrome, size the slide for a projector at 1920×1080 or
# 1280×720 read from five metres: headline ≥ 120 px, every label ≥ 32 px, dark on white.
SLIDE_CSS = Template("""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMain"] { overflow: hidden; }
[data-testid="stMainBlockContainer"] {
  max-width: none; height: 100vh; box-sizing: border-box; padding: 2.5vh 3vw 1.5vh 3vw;
  display: flex; flex-direction: column;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]:has(.st-key-review_body),
[data-testid="stMainBlockContainer"] [data-testid="stLayoutWrapper"]:has(.st-key-review_body),
.st-key-review_body { flex: 1 1 0; min-height: 0; }
.st-key-review_body { height: auto !important; max-height: none !important; overflow: hidden !important; }
.review-slide { color: #111827; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
.review-top { display: flex; justify-content: space-between; align-items: baseline; gap: 2vw; }
.review-label { font-size: clamp(40px, 6vh, 72px); font-weight: 700; line-height: 1.2; }
.review-counter { font-size: 32px; color: #3E4C59; white-space: nowrap; }
.review-figures { display: flex; align-items: center; gap: 4vw; margin-top: 1vh; }
.review-headline { font-size: clamp(120px, 17vh, 200px); font-weight: 800; line-height: 1.2;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.review-compare { display: flex; flex-direction: column; gap: 1vh; }
.review-previous { font-size: clamp(32px, 4.5vh, 52px); color: #3E4C59; white-space: nowrap; }
.review-change { font-size: clamp(36px, 5.5vh, 64px); font-weight: 700; white-space: nowrap; }
.review-good { color: $good; }
.review-bad { color: $bad; }
.review-flat { color: #3E4C59; }
.review-kicker { font-size: clamp(36px, 5vh, 56px); color: $primary; font-weight: 700; margin-top: 8vh; }
.review-title-slide .review-headline { margin: 2vh 0; }
.review-line { font-size: clamp(32px, 4.5vh, 52px); line-height: 1.5; }
.review-muted { color: #3E4C59; }
.review-grid { display: grid; grid-template-columns: repeat($rankings, minmax(0, 1fr)); column-gap: 3vw;
  row-gap: 1.5vh; margin-top: 2.5vh; align-items: start; }
.review-grid-named { grid-template-columns: max-content repeat($rankings, minmax(0, 1fr)); }
.review-grid h3 { font-size: clamp(32px, 4.2vh, 48px); color: $primary; margin: 0; padding: 0 0 0 0.9em;
  line-height: 1.3; text-align: left; }
.review-level { font-size: clamp(32px, 4.2vh, 48px); font-weight: 700; line-height: 1.4; color: #3E4C59; }
/* The bullets sit inside each list's own box: outside it, the slide's overflow cut them off at the left edge. */
.review-grid ul { font-size: clamp(32px, 4.2vh, 48px); margin: 0; padding: 0 0 0 1.1em; list-style-position: outside;
  min-width: 0; }
.review-grid li { font-size: 1em; line-height: 1.4; margin: 0; overflow-wrap: anywhere; }
.review-note { font-size: 32px; color: #3E4C59; margin-top: 3vh; }
.review-flows { display: flex; gap: 3vw; margin-top: 1vh; }
.review-flow-count { font-size: clamp(44px, 7.5vh, 96px); font-weight: 800; line-height: 1.1;
  font-variant-numeric: tabular-nums; }
.review-flow-label { font-size: 32px; color: #3E4C59; white-space: nowrap; }
.review-follow-up { font-size: 32px; font-weight: 700; margin-top: 1.5vh; }
.review-moves { margin-top: 2vh; display: flex; flex-direction: column; gap: 1.2vh; }
.review-move-head { font-size: clamp(36px, 4.6vh, 52px); font-weight: 700; line-height: 1.3; }
.review-move-areas { font-size: 32px; line-height: 1.3; }
/* 720 lines: the figures and the areas first; the note (how contributions add up) is in the .pptx */
@media (max-height: 800px) { .review-moved .review-note { display: none; } }
.review-footer { font-size: 32px; color: #3E4C59; white-space: nowrap; display: flex; gap: 0.6em; min-width: 0; }
.review-synthetic { color: #8A4B00; flex: none; }
.review-where { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.st-key-review_controls { align-items: center; flex-wrap: nowrap; }
.st-key-review_controls button p, .st-key-review_controls a p { font-size: 20px; }
.st-key-review_page_up, .st-key-review_page_down { display: none; }
/* A phone, upright or on its side: the slide scrolls, sized by the screen's width, the controls wrap. */
@media (max-width: 700px), (max-height: 500px) {
  [data-testid="stMain"] { overflow: auto; }
  [data-testid="stMainBlockContainer"] { height: auto; min-height: 100vh; padding: 3vh 4vw; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]:has(.st-key-review_body),
  [data-testid="stMainBlockContainer"] [data-testid="stLayoutWrapper"]:has(.st-key-review_body),
  .st-key-review_body { flex: none; overflow: visible !important; }
  .st-key-review_body [data-testid="stPlotlyChart"] { height: 45vh; }
  .review-label, .review-kicker { font-size: clamp(22px, 6vw, 40px); }
  .review-grid h3, .review-level { font-size: clamp(16px, 4.5vw, 28px); }
  .review-headline { font-size: clamp(56px, 16vw, 120px); white-space: normal; overflow-wrap: anywhere; }
  .review-flows { flex-wrap: wrap; gap: 2vh 6vw; }
  .review-flow-count { font-size: clamp(32px, 9vw, 56px); }
  .review-flow-label, .review-move-areas { font-size: clamp(16px, 4.5vw, 28px); white-space: normal; }
  .review-move-head { font-size: clamp(20px, 5.5vw, 36px); }
  .review-figures { flex-direction: column; align-items: flex-start; gap: 1.5vh; }
  .review-kicker { margin-top: 2vh; }
  .review-counter, .review-previous, .review-change, .review-line, .review-grid ul, .review-note,
  .review-footer { font-size: clamp(16px, 4.5vw, 28px); white-space: normal; }
  .review-footer { flex-wrap: wrap; }
  .st-key-review_controls { flex-wrap: wrap; }
  .st-key-review_controls > div:first-child { flex: 1 0 100% !important; max-width: 100% !important; }
  .st-key-review_body .xtick text, .st-key-review_body .ytick text { font-size: 14px !important; }
  .st-key-review_body .gtitle { font-size: 18px !important; }
  .st-key-review_controls button p, .st-key-review_controls a p { font-size: 16px; }
}
</style>
""").substitute(good=GOOD, bad=BAD, primary=PRIMARY, rankings=len(LAGGING_KEYS))  # constants, never data


def hide_chrome() -> None:
    """The slide styles (static CSS, no data) that hide the sidebar, header and toolbar."""
    st.markdown(SLIDE_CSS, unsafe_allow_html=True)


def read_view() -> tuple[View, dict[str, str]]:
    """The week and area from the URL, as every page reads them; the pickers and banner go to the hidden sidebar."""
    with friendly_errors():
        meta = load_meta()
    if "data_kind" not in meta:
        st.info(labels.NO_DATA)
        render_exit_link()
        st.stop()
    with st.sidebar:
        view = render_sidebar()
    return view, meta


def render_exit_link() -> None:
    """Back to 总览, whose sidebar has the navigation and the pickers this page hides."""
    st.page_link("pages/overview.py", label=labels.REVIEW_EXIT)


def stop_if_empty(view: View, report: dict[str, dict[str, Figure]]) -> None:
    """An area without members gets the usual message, and a way out of the full-screen page."""
    if not report["active_members"]["value"] and not report["active_members"]["previous"]:
        render_exit_link()
    stop_if_area_empty(view, report)


def auto_seconds() -> int | None:
    """?auto=N turns on auto-advance every N seconds (at least MIN_AUTO_SECONDS); anything else, off."""
    seconds = url_number("auto")
    return max(MIN_AUTO_SECONDS, seconds) if seconds else None


def url_number(name: str) -> int | None:
    """?name= as a whole number of at most four ASCII digits; anything else None, never an exception."""
    raw = st.query_params.get(name, "")
    return int(raw) if _URL_NUMBER.fullmatch(raw) else None


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def slide_html(slide: Slide, number: int, total: int) -> str:
    """The slide's text as HTML; every value in it is escaped."""
    counter = f'<div class="review-counter">{_e(labels.REVIEW_SLIDE_NUMBER.format(number=number, total=total))}</div>'
    if isinstance(slide, TitleSlide):
        lines = [line for line in (slide.breadcrumb, slide.week) if line]
        as_of = f'<div class="review-line review-muted">{_e(slide.as_of)}</div>' if slide.as_of else ""
        return (
            '<div class="review-slide review-title-slide">'
            f'<div class="review-top"><div class="review-kicker">{_e(labels.REVIEW_TITLE)}</div>{counter}</div>'
            f'<div class="review-headline">{_e(slide.area_name)}</div>'
            + "".join(f'<div class="review-line">{_e(line)}</div>' for line in lines)
            + as_of
            + "</div>"
        )
    if isinstance(slide, MovedSlide):
        flows = "".join(
            f'<div class="review-flow"><div class="review-flow-count">{_e(count)}</div>'
            f'<div class="review-flow-label">{_e(label)}</div></div>'
            for label, count in slide.flows
        )
        moves = "".join(
            f'<div class="review-move"><div class="review-move-head review-{_e(line.tone)}">{_e(line.heading)}</div>'
            + (f'<div class="review-move-areas">{_e(line.areas)}</div>' if line.areas else "")
            + "</div>"
            for line in slide.lines
        )
        return (
            '<div class="review-slide review-moved">'
            f'<div class="review-top"><div class="review-label">{_e(slide.title)}</div>{counter}</div>'
            f'<div class="review-flows">{flows}</div>'
            + (f'<div class="review-follow-up">{_e(slide.follow_up)}</div>' if slide.follow_up else "")
            + (f'<div class="review-moves">{moves}</div>' if moves else "")
            + f'<div class="review-note">{_e(slide.note)}</div></div>'
        )
    if isinstance(slide, IndicatorSlide):
        return (
            '<div class="review-slide">'
            f'<div class="review-top"><div class="review-label">{_e(slide.label)}</div>{counter}</div>'
            '<div class="review-figures">'
            f'<div class="review-headline">{_e(slide.value)}</div>'
            '<div class="review-compare">'
            f'<div class="review-previous">{_e(slide.previous)}</div>'
            f'<div class="review-change review-{_e(slide.tone)}">{_e(slide.change)}</div>'
            "</div></div></div>"
        )
    return (
        '<div class="review-slide">'
        f'<div class="review-top"><div class="review-label">{_e(slide.title)}</div>{counter}</div>'
        + closing_grid_html(slide)
        + f'<div class="review-note">{_e(slide.note)}</div></div>'
    )


def closing_grid_html(slide: ClosingSlide) -> str:
    """The lagging lists as a grid: a column per ranking, its heading once on top; a row per level (区, then
    街道), named at the row's start when there are two. Empty when nothing is compared."""
    if not slide.lists:
        return ""
    levels = slide.levels
    named = len(levels) > 1
    first = slide.lists_of(levels[0])
    cells = ['<div class="review-grid-corner"></div>'] if named else []
    cells += [f"<h3>{_e(lagging.heading)}</h3>" for lagging in first]
    for level in levels:
        if named:
            cells.append(f'<div class="review-level">{_e(labels.LEVEL_NAMES[level])}</div>')
        cells += [
            "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in lagging.items) + "</ul>"
            for lagging in slide.lists_of(level)
        ]
    kind = "review-grid review-grid-named" if named else "review-grid"
    return f'<div class="{kind}">{"".join(cells)}</div>'


def footer_html(deck: Deck) -> str:
    """Where and when, after the synthetic note (first, so a long area path never cuts it off)."""
    synthetic = f'<span class="review-synthetic">{_e(labels.SYNTHETIC_BANNER)}</span>' if deck.synthetic else ""
    return f'<div class="review-footer">{synthetic}<span class="review-where">{_e(deck.footer)}</span></div>'


def build_review_trend_figure(slide: IndicatorSlide) -> go.Figure:
    """The indicator's 12 weeks in letters a room can read, the last week marked, in the colour of the change's
    meaning (green good news, red bad) on an axis fitted to the figures, so a week's movement shows."""
    sizes = [10] * (len(slide.values) - 1) + [18]
    colour = tone_colour(slide.tone)
    figure = go.Figure(
        go.Scatter(
            x=list(slide.weeks),
            y=list(slide.values),
            mode="lines+markers",
            line={"color": colour, "width": 5},
            marker={"size": sizes, "color": colour},
            hoverinfo="skip",
        )
    )
    figure = apply_theme(figure, labels.REVIEW_TREND)
    figure.update_layout(
        height=None,
        font={"size": 26, "color": "#111827"},
        title={"font": {"size": 32, "color": "#3E4C59"}},
        margin={"l": 10, "r": 20, "t": 56, "b": 10},
    )
    tick = {"size": 26, "color": "#1F2933"}
    labelled = list(slide.weeks)[::-2]  # every other week, always the last: legible at 1280 px wide
    figure.update_xaxes(type="category", tickangle=0, tickfont=tick, tickvals=labelled, ticktext=labelled)
    figure.update_yaxes(
        tickformat=number_format(slide.key), range=list(fitted_range(slide.key, slide.values)), tickfont=tick, nticks=5
    )
    return figure


def _current(total: int, deck_id: str) -> int:
    """The slide index: from the session, else (first visit, or another week or area) from ?slide= (1-based),
    kept within the deck."""
    if st.session_state.get(_DECK) != deck_id:
        st.session_state[_DECK] = deck_id
        st.session_state.pop(_SLIDE, None)
    if _SLIDE not in st.session_state:
        number = url_number("slide")
        st.session_state[_SLIDE] = number - 1 if number else 0
    index = min(max(0, st.session_state[_SLIDE]), total - 1)
    st.session_state[_SLIDE] = index
    return index


def _go(step: int, total: int) -> None:
    st.session_state[_SLIDE] = min(max(0, st.session_state.get(_SLIDE, 0) + step), total - 1)
    st.session_state[_CHANGED_AT] = time.monotonic()


def _auto_step(total: int, seconds: int) -> None:
    """On a timed run, move on (after the last slide, back to the first); a manual move restarts the wait."""
    now = time.monotonic()
    changed = st.session_state.setdefault(_CHANGED_AT, now)
    if now - changed >= seconds - 1:
        st.session_state[_SLIDE] = (st.session_state.get(_SLIDE, 0) + 1) % total
        st.session_state[_CHANGED_AT] = now


def render_review(deck: Deck, *, pptx: Callable[[], bytes], file_name: str, auto: int | None) -> None:
    """The slide (text, trend chart), the footer and the controls: ← → PageUp PageDown or 上一页/下一页,
    ?slide= kept in the URL, ?auto=N moving on by itself, a small PPT download in the corner."""
    total = len(deck.slides)

    @st.fragment(run_every=auto)
    @friendly_errors()  # a timed rerun runs this part alone, outside the frame's and the page's
    def show() -> None:
        require_session()  # a timed rerun runs this part alone: an ended session must stop it here
        _current(total, deck.footer)
        if auto:
            _auto_step(total, auto)
        index = _current(total, deck.footer)
        st.query_params["slide"] = str(index + 1)
        slide = deck.slides[index]
        with st.container(key="review_body", gap="small", height=SLIDE_BODY_HEIGHT, border=False):
            st.html(slide_html(slide, index + 1, total))
            if isinstance(slide, IndicatorSlide) and any(v is not None for v in slide.values):
                st.plotly_chart(
                    build_review_trend_figure(slide),
                    height="stretch",
                    config={"displayModeBar": False, "staticPlot": True},
                )
        with st.container(key="review_controls", horizontal=True, gap="small"):
            st.html(footer_html(deck), width="stretch")
            if auto:
                st.html(
                    f'<div class="review-footer">{_e(labels.REVIEW_AUTO.format(seconds=auto))}</div>', width="content"
                )
            st.button(labels.REVIEW_PREV, key="review_prev", on_click=_go, args=(-1, total), shortcut="Left")
            st.button(labels.REVIEW_NEXT, key="review_next", on_click=_go, args=(1, total), shortcut="Right")
            st.button(labels.REVIEW_PREV, key="review_page_up", on_click=_go, args=(-1, total), shortcut="PageUp")
            st.button(labels.REVIEW_NEXT, key="review_page_down", on_click=_go, args=(1, total), shortcut="PageDown")
            downloads.offer_download(
                labels.REVIEW_DOWNLOAD, lambda _account: pptx(), file_name=file_name, mime=downloads.PPTX,
                key="review_download",
            )  # fmt: skip
            render_exit_link()
            st.button(labels.SIGN_OUT, key="review_sign_out", on_click=sign_out, type="tertiary")
        if current_account() is None:  # signed out here: leave the slides for the sign-in page, not just this part
            st.rerun(scope="app")

    show()
