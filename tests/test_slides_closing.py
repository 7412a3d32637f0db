"""The review's closing slide names who is behind at two levels: the city's districts (its children) and every
street under it, a district's streets and every community, each with its figure, on screen and in the .pptx."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from pptx import Presentation
from slide_support import nothing_moved

from metrics.periods import Week
from metrics.registry import REPORT_KEYS
from ui import labels
from ui.review import slide_html
from ui.slides import MAX_LAGGING_NAMES_SHARED, ClosingSlide, Deck, build_pptx, compose_slides

WEEK = Week.parse("2026-W46")


def areas(prefix: str, names: list[str]) -> pd.DataFrame:
    count = len(names)
    return pd.DataFrame(
        {
            "path": [f"{prefix}{n}" for n in names],
            "name": names,
            "active_members": [100 * (i + 1) for i in range(count)],
            "overdue": [10] * count,  # the same count: by rate the smallest area is the worst
            "contact_coverage": [0.5 + 0.05 * i for i in range(count)],
            "three_way_complete": [0.2 + 0.05 * i for i in range(count)],
        }
    )


DISTRICTS = areas("", ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区"])
STREETS = areas("某区/", [f"第{i}街道" for i in range(1, 25)])  # a quarter is 6: more than fit


def deck(streets: pd.DataFrame | None = STREETS, child_level: str = "district") -> Deck:
    figures = {key: {"value": 1, "previous": 1} for key in REPORT_KEYS}
    weeks = [str(WEEK.shifted(-i)) for i in range(11, -1, -1)]
    trend = pd.DataFrame({key: [1.0] * 12 for key in REPORT_KEYS}, index=weeks)
    return compose_slides(
        figures, trend, DISTRICTS, nothing_moved(), keys=("overdue",), week=WEEK, breadcrumb="武汉市",
        area_name="武汉市", child_level=child_level, as_of=date(2026, 11, 22), synthetic=True, below=streets,
    )  # fmt: skip


def closing(streets: pd.DataFrame | None = STREETS, child_level: str = "district") -> ClosingSlide:
    return deck(streets, child_level).slides[-1]


def test_the_city_s_closing_slide_names_lagging_districts_and_streets_with_their_figures():
    slide = closing()
    assert slide.levels == ("district", "street")
    assert slide.title == "需要关注的区和街道"
    districts, streets = slide.lists_of("district"), slide.lists_of("street")
    headings = [
        labels.REVIEW_LAGGING_HEADINGS[key] for key in ("contact_coverage", "overdue_rate", "three_way_complete")
    ]
    assert [lagging.heading for lagging in districts] == [lagging.heading for lagging in streets] == headings
    assert districts[0].items == ("江岸区  50.0%", "江汉区  55.0%")  # two of eight, worst first
    assert districts[1].items == ("江岸区  10.0%", "江汉区  5.0%")  # the overdue rate: 10 of 100, 10 of 200
    assert len(streets[0].items) == MAX_LAGGING_NAMES_SHARED
    assert streets[0].items[:3] == ("第1街道  50.0%", "第2街道  55.0%", "第3街道  60.0%")
    assert streets[0].items[-1] == labels.REVIEW_LAGGING_MORE.format(count=6 - MAX_LAGGING_NAMES_SHARED + 1)
    assert "8 个区、24 个街道" in slide.note


def test_a_district_s_closing_slide_names_its_streets_and_communities_a_street_s_its_communities():
    slide = closing(child_level="street")
    assert slide.levels == ("street", "community") and slide.title == "需要关注的街道和社区"
    assert closing(streets=None, child_level="street").levels == ("street",)
    assert closing(streets=None).levels == ("district",)
    assert closing(child_level="community").levels == ("community",)  # nothing under a street's communities


def test_the_closing_grid_names_each_level_and_heads_each_ranking_once():
    html = slide_html(closing(), 3, 3)
    assert html.count("<h3>") == 3
    assert html.count('class="review-level"') == 2 and "第1街道  50.0%" in html
    assert 'class="review-level"' not in slide_html(closing(streets=None, child_level="street"), 3, 3)


def test_the_pptx_closing_slide_has_both_levels_in_boxes_that_stay_apart():
    presentation = Presentation(io.BytesIO(build_pptx(deck())))
    width, height = presentation.slide_width, presentation.slide_height
    slide = list(presentation.slides)[-1]
    texts = {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}
    assert texts["level_0"] == "区" and texts["level_1"] == "街道"
    assert "江岸区  50.0%" in texts["lagging_0"] and "第1街道  50.0%" in texts["lagging_3"]
    assert texts["ranking_1"] == labels.REVIEW_LAGGING_HEADINGS["overdue_rate"]
    boxes = [(s.name, s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes]
    for name, left, top, right, bottom in boxes:
        assert 0 <= left < right <= width and 0 <= top < bottom <= height, name
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2], (a[0], b[0])
    assert labels.REVIEW_NOTES_CLOSING in slide.notes_slide.notes_text_frame.text
