"""The map builders: layers present, no basemap URL, plain-text tooltips, colours by indicator, drill-down."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import pytest

from data_access.areas import AreaPath
from ui import labels
from ui.maps import (
    ATTENTION_COLOURS,
    COMMUNITY_LAYER,
    MAX_ZOOM,
    NO_DATA_COLOUR,
    build_community_map_deck,
    build_map_legend_figure,
    colour_of,
    community_rows,
    compute_colour_bins,
    fit_view,
    selected_area,
)

EVIL = '<img src=x onerror="alert(1)">社区'


def square(lon: float, lat: float, size: float = 0.01, digits: int = 7) -> str:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [[[round(x, digits), round(y, digits)] for x, y in ring]]})


def city() -> tuple[pd.DataFrame, pd.DataFrame]:
    paths = [
        "江汉区/北湖街道/环保社区",
        "江汉区/北湖街道/世彩社区",
        f"江汉区/北湖街道/{EVIL}",
        "江汉区/北湖街道/空社区",
    ]
    boundaries = pd.DataFrame(
        {
            "path": paths,
            "name": [p.rsplit("/", 1)[-1] for p in paths],
            "lon": [114.30, 114.32, 114.34, 114.36],
            "lat": [30.60] * 4,
            "boundary": [square(114.30, 30.60), square(114.32, 30.60), square(114.34, 30.60), square(114.36, 30.60)],
        }
    )
    figures = pd.DataFrame(
        {
            "path": paths[:3],
            "active_members": [12345, 20, 8],
            "contact_coverage": [0.875, 0.5, 0.25],
            "overdue": [3, 40, 7],
        }
    )
    return boundaries, figures


def deck_json(deck: pdk.Deck) -> dict:
    return json.loads(deck.to_json())


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def full_deck(key: str = "contact_coverage") -> pdk.Deck:
    boundaries, figures = city()
    districts = pd.DataFrame({"boundary": [square(114.29, 30.59, 0.1)]})
    stations = pd.DataFrame({"name": ["环保社区党群服务中心"], "lon": [114.305], "lat": [30.605]})
    density = pd.DataFrame({"lon": [114.305, 114.325], "lat": [30.605, 30.605], "members": [1, 9]})
    return build_community_map_deck(
        boundaries, figures, key, districts=districts, stations=stations, density=density, radius_m=1000, cell_m=500
    )


def test_layers_present_and_only_communities_pickable():
    spec = deck_json(full_deck())
    ids = [item["id"] for item in spec["layers"]]
    assert ids == [
        "background",
        "district-base",
        COMMUNITY_LAYER,
        "member-density",
        "station-range",
        "stations",
        "district-lines",
    ]
    assert [item["id"] for item in spec["layers"] if item.get("pickable")] == [COMMUNITY_LAYER]
    service = layer(spec, "station-range")
    assert service["getRadius"] == 1000.0 and service["radiusUnits"] == "meters"
    assert layer(spec, "stations")["radiusUnits"] == "pixels"
    assert layer(spec, "member-density")["radiusUnits"] == "meters"
    assert len(layer(spec, "member-density")["data"]) == 2  # grid cells, not members


def test_no_basemap_is_asked_for():
    text = full_deck().to_json()
    spec = json.loads(text)
    # pydeck writes map_provider=None as this placeholder, which Streamlit drops without a Carto fallback;
    # an absent or null mapStyle would make Streamlit fetch Carto's positron style.
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert "mapProvider" not in spec
    for word in ("http", "carto", "mapbox", "maplibre"):
        assert word not in text.lower()


def test_tooltip_is_plain_text_so_a_name_cannot_inject_html():
    deck = full_deck()
    assert set(deck._tooltip) == {"text", "style"}  # never "html": Streamlit sets a text tooltip with innerText
    assert deck._tooltip["text"] == "{tooltip}"
    rows = layer(deck_json(deck), COMMUNITY_LAYER)["data"]
    evil = next(row for row in rows if row["name"] == EVIL)
    assert evil["tooltip"].splitlines()[0] == EVIL  # shown as the literal characters, not parsed
    first = next(row for row in rows if row["name"] == "环保社区")
    assert first["tooltip"].splitlines()[1:] == ["联系覆盖率：87.5%", "在册流动党员：12,345"]
    empty = next(row for row in rows if row["name"] == "空社区")
    assert empty["tooltip"].splitlines()[1:] == ["联系覆盖率：—", "在册流动党员：—"]


def test_colours_follow_the_indicator():
    def fills(key: str) -> dict[str, list[int]]:
        rows = layer(deck_json(full_deck(key)), COMMUNITY_LAYER)["data"]
        return {row["name"]: row["fill"][:3] for row in rows}

    def rgb(colour: str) -> list[int]:
        return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]

    coverage = fills("contact_coverage")
    assert coverage[EVIL] == rgb(ATTENTION_COLOURS[-1])  # the lowest rate is the darkest
    assert coverage["环保社区"] == rgb(ATTENTION_COLOURS[0])
    assert coverage["空社区"] == rgb(NO_DATA_COLOUR)
    overdue = fills("overdue")
    assert overdue["世彩社区"] == rgb(ATTENTION_COLOURS[-1])  # the most overdue is the darkest
    assert overdue["环保社区"] == rgb(ATTENTION_COLOURS[0])
    assert coverage != overdue


def test_colour_bins_are_labelled_as_displayed():
    rates = compute_colour_bins([0.2, 0.4, 0.6, 0.8, 1.0, None], "contact_coverage")
    assert rates[0].label == "20.0%–36.0%" and rates[-1].label == "84.0%–100.0%"
    assert [b.colour for b in rates] == list(reversed(ATTENTION_COLOURS))
    counts = compute_colour_bins([0, 0, 0, 1, 2, 3, 10], "overdue")
    assert [b.label for b in counts] == ["0–1", "2", "3–10"]  # whole counts, the last class includes its top
    assert colour_of(1, counts) == counts[0].colour and colour_of(2, counts) == counts[1].colour
    assert compute_colour_bins([None, float("nan")], "overdue") == []
    single = compute_colour_bins([0.6, 0.6], "contact_coverage")
    assert [b.label for b in single] == ["60.0%"]
    assert colour_of(0.6, single) == single[0].colour and colour_of(None, single) == NO_DATA_COLOUR


def test_multipolygons_are_split_and_coordinates_rounded():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[114.1234567, 30.1], [114.2, 30.1], [114.2, 30.2], [114.1234567, 30.1]]],
            [[[114.3, 30.3], [114.4, 30.3], [114.4, 30.4], [114.3, 30.3]]],
        ],
    }
    boundaries = pd.DataFrame(
        {
            "path": ["区/街/甲社区", "区/街/乙社区"],
            "name": ["甲社区", "乙社区"],
            "boundary": [json.dumps(multi), "not json"],
        }
    )
    rows = community_rows(boundaries, pd.DataFrame(), "contact_coverage", [])
    assert [row["name"] for row in rows] == ["甲社区", "甲社区"]
    assert rows[0]["polygon"][0][0] == [114.12346, 30.1]


def test_the_view_is_fitted_to_the_shown_area():
    wide = fit_view((114.0, 30.3, 114.6, 30.9), width_px=900, height_px=600)
    narrow = fit_view((114.30, 30.60, 114.31, 30.61), width_px=900, height_px=600)
    assert wide.longitude == pytest.approx(114.3) and 30.55 < wide.latitude < 30.65
    assert 8 < wide.zoom < narrow.zoom <= MAX_ZOOM
    tiny = fit_view((114.3, 30.6, 114.3, 30.6), width_px=900, height_px=600)
    assert tiny.zoom == MAX_ZOOM


def test_a_selected_community_drills_down():
    here = AreaPath(("江汉区",))
    pick = {
        "selection": {
            "indices": {COMMUNITY_LAYER: [0]},
            "objects": {COMMUNITY_LAYER: [{"path": "江汉区/北湖街道/环保社区"}]},
        }
    }
    assert selected_area(pick, here) == AreaPath(("江汉区", "北湖街道", "环保社区"))
    assert selected_area(pick, AreaPath(("江汉区", "北湖街道", "环保社区"))) is None  # already there
    assert selected_area({"selection": {"indices": {}, "objects": {}}}, here) is None
    assert selected_area({"selection": {"objects": {"stations": [{"path": "江汉区/北湖街道/环保社区"}]}}}, here) is None
    assert selected_area({"selection": {"objects": {COMMUNITY_LAYER: [{"path": "江汉区"}]}}}, here) is None
    assert selected_area(None, here) is None


def test_legend_shows_each_class_and_no_data():
    boundaries, figures = city()
    figure = build_map_legend_figure(boundaries, figures, "contact_coverage")
    assert isinstance(figure, go.Figure)
    texts = [trace.text[0] for trace in figure.data]
    assert texts[-1] == labels.MAP_LEGEND_NO_DATA  # 空社区 has no figure
    assert all("%" in text for text in texts[:-1])
    assert labels.INDICATOR_LABELS["contact_coverage"] in figure.layout.title.text
    complete = build_map_legend_figure(boundaries.iloc[:3], figures, "overdue")
    assert labels.MAP_LEGEND_NO_DATA not in [trace.text[0] for trace in complete.data]


def test_the_demand_indicators_colour_by_their_direction_and_a_null_rate_is_grey():
    boundaries, figures = city()
    figures = figures.assign(
        # As the community table holds them: an object column, None where nothing was raised in the window
        demand_resolution_rate=pd.Series([0.8, None, 0.4], dtype=object),
        demands_overdue_open=[0, 5, 2],
    )

    def fills(key: str) -> dict[str, list[int]]:
        deck = build_community_map_deck(boundaries, figures, key, radius_m=1000, cell_m=500)
        return {row["name"]: row["fill"][:3] for row in layer(deck_json(deck), COMMUNITY_LAYER)["data"]}

    def rgb(colour: str) -> list[int]:
        return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]

    resolution = fills("demand_resolution_rate")
    assert resolution[EVIL] == rgb(ATTENTION_COLOURS[-1])  # the lowest resolution rate is the darkest
    assert resolution["环保社区"] == rgb(ATTENTION_COLOURS[0])
    assert resolution["世彩社区"] == resolution["空社区"] == rgb(NO_DATA_COLOUR)  # a null figure, and no row
    overdue = fills("demands_overdue_open")
    assert overdue["世彩社区"] == rgb(ATTENTION_COLOURS[-1])  # the most demands overdue is the darkest
    assert overdue["环保社区"] == rgb(ATTENTION_COLOURS[0])

    legend = build_map_legend_figure(boundaries.iloc[:3], figures, "demand_resolution_rate")
    texts = [trace.text[0] for trace in legend.data]
    assert texts[-1] == labels.MAP_LEGEND_NO_DATA  # 世彩社区 has a row but no figure
    assert texts[0].startswith("40.0%–") and texts[-2].endswith("–80.0%")
    rows = community_rows(boundaries, figures, "demand_resolution_rate", [])
    assert next(r for r in rows if r["name"] == "世彩社区")["tooltip"].splitlines()[1] == "诉求办结率：—"


def test_one_value_everywhere_is_light_when_it_is_the_best_there_is():
    assert [b.colour for b in compute_colour_bins([0, 0, 0], "demands_overdue_open")] == [ATTENTION_COLOURS[0]]
    assert [b.colour for b in compute_colour_bins([1.0, 1.0], "contact_coverage")] == [ATTENTION_COLOURS[0]]
    assert [b.colour for b in compute_colour_bins([3, 3], "demands_overdue_open")] == [ATTENTION_COLOURS[2]]
    assert [b.colour for b in compute_colour_bins([0.0, 0.0], "demand_resolution_rate")] == [ATTENTION_COLOURS[2]]
