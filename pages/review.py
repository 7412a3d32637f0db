"""周例会: the week's indicators as full-screen slides for a projector, and the same slides as a .pptx."""

from services.review import ReviewInputs
from ui import labels
from ui.data import SETTINGS, load_area_table, load_children, load_report, load_trend, load_what_moved
from ui.follow_up import headline_for
from ui.review import auto_seconds, hide_chrome, read_view, render_review, stop_if_empty
from ui.slides import build_pptx, data_as_of, parse_slide_keys, review_deck
from ui.widgets import friendly_errors, require_app_frame

require_app_frame()
hide_chrome()
view, meta = read_view()
with friendly_errors():
    report = load_report(*view.args)
    # The closing slide names the lagging areas one level further down too: the city's streets, a district's
    # communities
    levels = view.area.levels_below
    inputs = ReviewInputs(
        report=report,
        trend=load_trend(*view.args),
        children=load_children(*view.args),
        moved=load_what_moved(*view.args),
        below=load_area_table(*view.args, levels[1]) if len(levels) > 1 else None,
    )
    follow_up = headline_for(view)  # whether last week's exported lists were worked
stop_if_empty(view, report)

deck = review_deck(
    inputs,
    week=view.week,
    area=view.area,
    keys=parse_slide_keys(SETTINGS.review_slides),
    as_of=data_as_of(meta),
    synthetic=view.synthetic,
    thresholds=SETTINGS.thresholds,
    follow_up=follow_up,
)
render_review(
    deck,
    pptx=lambda: build_pptx(deck),
    file_name=labels.REVIEW_FILE_NAME.format(area=view.area_name, week=view.week),
    auto=auto_seconds(),
)
