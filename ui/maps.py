"""Map builders for the 覆盖地图 page: each returns a pydeck Deck or a plotly Figure and makes no st. call.

The map fetches nothing from outside: there is no basemap (`map_provider=None`, which pydeck writes as
the `__MAP_STYLE__` placeholder that Streamlit's frontend drops without falling back to Carto), and
the district and community boundaries are the base.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from data_access.areas import AreaPath
from metrics import columns as c
from metrics.columns import LOWER_IS_BETTER
from metrics.density import MEMBERS
from metrics.registry import DECIMALS, RATE_INDICATORS
from metrics.registry import MAP_INDICATORS as _ON_MAP
from ui import labels
from ui.charts import apply_theme
from ui.formatting import format_figure

# The indicators a map may be coloured by (declared on_map in metrics/registry.py): the rates, then the counts
MAP_INDICATORS = tuple(sorted(_ON_MAP, key=lambda key: key not in RATE_INDICATORS))
COMMUNITY_LAYER = "communities"
# ColorBrewer Reds, lightest (fine) to darkest (needs attention)
ATTENTION_COLOURS = ("#FEE5D9", "#FCAE91", "#FB6A4A", "#DE2D26", "#A50F15")
NO_DATA_COLOUR = "#D9DDE2"
BACKGROUND_COLOUR = (234, 240, 245, 255)  # a pale blue-grey around the city
BASE_COLOUR = (238, 234, 224, 255)  # the districts under the shown communities
OUTLINE_COLOUR = (255, 255, 255, 255)
DISTRICT_LINE_COLOUR = (82, 96, 109, 200)
STATION_COLOUR = (37, 99, 165, 255)
STATION_RANGE_FILL = (37, 99, 165, 36)
STATION_RANGE_LINE = (37, 99, 165, 150)
DENSITY_COLOUR = (31, 41, 51, 150)
COMMUNITY_OPACITY = 235
BIN_COUNT = 5
MAP_HEIGHT = 640
ASSUMED_WIDTH_PX = 760  # the narrowest map width we fit the view for (1280×720, sidebar open, legend beside)
MAX_ZOOM = 15.0
TILE_PX = 512  # deck.gl's world width in pixels at zoom 0
# Unit names as literal strings: pydeck turns a plain string argument into an accessor expression
METERS = pdk.types.String("meters")
PIXELS = pdk.types.String("pixels")


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what st.pydeck_chart sends) has no indentation: pydeck's two-space indent puts every
    coordinate on its own line, which more than doubles the size of the polygons."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


@dataclass(frozen=True)
class Bin:
    """One class of the colour scale: values from `low` to `high` (the last bin includes `high`)."""

    low: float
    high: float
    colour: str
    label: str


def _rgba(colour: str, alpha: int = 255) -> list[int]:
    value = colour.lstrip("#")
    return [int(value[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _is_rate(key: str) -> bool:
    return key in RATE_INDICATORS


def _best_value(key: str) -> float | None:
    """The best figure there is: 0 where lower is better, 100% for a rate where higher is; None for the rest."""
    return 0.0 if key in LOWER_IS_BETTER else 1.0 if _is_rate(key) else None


def _bin_label(key: str, low: float, high: float, last: bool) -> str:
    if _is_rate(key):
        same = format_figure(key, low) == format_figure(key, high)
        return format_figure(key, low) if same else f"{format_figure(key, low)}–{format_figure(key, high)}"
    top = high if last else high - 1
    return format_figure(key, low) if top <= low else f"{format_figure(key, low)}–{format_figure(key, top)}"


def compute_colour_bins(values: Iterable[Any], key: str, *, count: int = BIN_COUNT) -> list[Bin]:
    """Quantile classes of `values` (nulls ignored), ascending, coloured darker where `key` needs attention:
    low rates, high overdue counts. Edges are rounded as displayed (0.1% or whole counts). Empty when no value.
    One value everywhere is one mid-coloured class, or the lightest when it is the best there is (0 overdue)."""
    known = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna().to_numpy(dtype=float)
    if known.size == 0:
        return []
    digits = DECIMALS[key] + 2 if _is_rate(key) else 0  # a rate's decimals are its percentage's; counts are whole
    edges = np.unique(np.round(np.quantile(known, np.linspace(0, 1, count + 1)), digits))
    if edges.size == 1:
        edges = np.array([edges[0], edges[0]])
    bins = len(edges) - 1
    steps = np.round(np.linspace(0, len(ATTENTION_COLOURS) - 1, bins)).astype(int) if bins > 1 else np.array([2])
    if key not in LOWER_IS_BETTER:
        steps = steps[::-1]  # a low rate is the one to look at
    if edges[0] == edges[-1] == _best_value(key):
        steps = np.array([0])  # every area at the best there is (none overdue, all covered): nothing to look at
    return [
        Bin(
            low=float(edges[i]),
            high=float(edges[i + 1]),
            colour=ATTENTION_COLOURS[steps[i]],
            label=_bin_label(key, float(edges[i]), float(edges[i + 1]), i == bins - 1),
        )
        for i in range(bins)
    ]


def colour_of(value: Any, bins: list[Bin]) -> str:
    """The colour of `value` on the scale; the no-data grey for a null or an empty scale."""
    if value is None or not bins or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA_COLOUR
    highs = [b.high for b in bins[:-1]]
    return bins[int(np.searchsorted(highs, round(float(value), 3), side="right"))].colour


def _polygons(boundary: Any) -> list[list[list[list[float]]]]:
    """A GeoJSON Polygon or MultiPolygon (text) as a list of polygons (rings of [lon, lat]), 5 decimals."""
    if not isinstance(boundary, str) or not boundary.strip():
        return []
    try:
        geometry = json.loads(boundary)
    except ValueError:
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    parts = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[[[round(float(x), 5), round(float(y), 5)] for x, y, *_ in ring] for ring in polygon] for polygon in parts]


def _figure_value(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def community_rows(boundaries: pd.DataFrame, figures: pd.DataFrame, key: str, bins: list[Bin]) -> list[dict]:
    """One record per polygon (a MultiPolygon gives several): path, name, polygon, fill colour, tooltip text.

    The tooltip is plain text (Streamlit shows a "text" tooltip with innerText), so a name cannot inject HTML.
    """
    wanted = [name for name in (key, "active_members") if name in figures.columns]
    by_path = figures.set_index(c.PATH)[wanted].to_dict("index") if c.PATH in figures.columns else {}
    rows = []
    for area in boundaries.itertuples(index=False):
        figure = by_path.get(area.path, {})
        value = _figure_value(figure.get(key))
        members = _figure_value(figure.get("active_members"))
        tooltip = labels.MAP_TOOLTIP.format(
            name=area.name,
            indicator=labels.INDICATOR_LABELS[key],
            value=format_figure(key, value),
            members=format_figure("active_members", members),
        )
        fill = _rgba(colour_of(value, bins), COMMUNITY_OPACITY)
        for polygon in _polygons(area.boundary):
            rows.append({"path": area.path, "name": area.name, "polygon": polygon, "fill": fill, "tooltip": tooltip})
    return rows


def _bounds(rows: list[dict]) -> tuple[float, float, float, float] | None:
    points = [point for row in rows for ring in row["polygon"] for point in ring]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))


def fit_view(bounds: tuple[float, float, float, float], *, width_px: int, height_px: int) -> pdk.ViewState:
    """A view centred on `bounds` (west, south, east, north) at the largest zoom that shows all of it."""
    west, south, east, north = bounds
    span_x = max(east - west, 1e-4) / 360
    span_y = max(_mercator_y(north) - _mercator_y(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / (TILE_PX * span_x)), math.log2(height_px / (TILE_PX * span_y))) - 0.15
    middle_y = (_mercator_y(north) + _mercator_y(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle_y)) - math.pi / 2)
    return pdk.ViewState(
        longitude=(west + east) / 2, latitude=latitude, zoom=round(min(zoom, MAX_ZOOM), 2), pitch=0, bearing=0
    )


def _background_layer(bounds: tuple[float, float, float, float]) -> pdk.Layer:
    """A light rectangle well around the shown area, where a basemap would otherwise leave the page blank."""
    west, south, east, north = bounds
    pad = max(east - west, north - south, 0.05) * 3
    ring = [[west - pad, south - pad], [east + pad, south - pad], [east + pad, north + pad], [west - pad, north + pad]]
    return pdk.Layer(
        "PolygonLayer",
        id="background",
        data=[{"polygon": [ring]}],
        get_polygon="polygon",
        get_fill_color=list(BACKGROUND_COLOUR),
        stroked=False,
        pickable=False,
    )


def _district_rows(districts: pd.DataFrame) -> list[dict]:
    return [{"polygon": polygon} for boundary in districts["boundary"] for polygon in _polygons(boundary)]


def _points(frame: pd.DataFrame, columns: Mapping[str, str]) -> list[dict]:
    return [
        {name: (float(value) if isinstance(value, int | float | np.number) else value) for name, value in row.items()}
        for row in frame[list(columns)].rename(columns=columns).to_dict("records")
    ]


def _density_rows(density: pd.DataFrame, cell_m: float) -> list[dict]:
    if density.empty:
        return []
    largest = float(density[MEMBERS].max())
    radius = np.maximum(np.sqrt(density[MEMBERS] / largest) * cell_m * 0.48, cell_m * 0.12)
    return _points(density.assign(radius=radius), {c.LON: "lon", c.LAT: "lat", "radius": "radius"})


def build_community_map_deck(
    boundaries: pd.DataFrame,
    figures: pd.DataFrame,
    key: str,
    *,
    districts: pd.DataFrame | None = None,
    stations: pd.DataFrame | None = None,
    density: pd.DataFrame | None = None,
    radius_m: float,
    cell_m: float,
    height: int = MAP_HEIGHT,
) -> pdk.Deck:
    """Communities coloured by `key` (quantile classes, darker = needs attention) over the district base,
    with member density (grid cells), stations and their `radius_m` service circles, fitted to the communities.

    boundaries: path, name, boundary (fetch_boundaries); figures: path and the indicators (load_community_figures);
    districts: boundary; stations: name, lon, lat; density: lon, lat, members (compute_density_grid).
    Only the community layer is pickable: selecting a polygon selects its record (with `path`).
    """
    bins = compute_colour_bins(figures[key] if key in figures else [], key)
    rows = community_rows(boundaries, figures, key, bins)
    bounds = _bounds(rows)
    view = (
        fit_view(bounds, width_px=ASSUMED_WIDTH_PX, height_px=height)
        if bounds
        else pdk.ViewState(longitude=114.3, latitude=30.6, zoom=9)
    )
    layers = [_background_layer(bounds)] if bounds else []
    if districts is not None and not districts.empty:
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                id="district-base",
                data=_district_rows(districts),
                get_polygon="polygon",
                get_fill_color=list(BASE_COLOUR),
                stroked=False,
                pickable=False,
            )
        )
    layers.append(
        pdk.Layer(
            "PolygonLayer",
            id=COMMUNITY_LAYER,
            data=rows,
            get_polygon="polygon",
            get_fill_color="fill",
            get_line_color=list(OUTLINE_COLOUR),
            line_width_units=PIXELS,
            get_line_width=1,
            stroked=True,
            filled=True,
            pickable=True,
            auto_highlight=True,
            highlight_color=[232, 163, 61, 200],
        )
    )
    if density is not None and not density.empty:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="member-density",
                data=_density_rows(density, cell_m),
                get_position="[lon, lat]",
                get_radius="radius",
                radius_units=METERS,
                radius_min_pixels=1.5,
                get_fill_color=list(DENSITY_COLOUR),
                stroked=False,
                pickable=False,
            )
        )
    if stations is not None and not stations.empty:
        points = _points(stations, {c.NAME: "name", c.LON: "lon", c.LAT: "lat"})
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="station-range",
                data=points,
                get_position="[lon, lat]",
                get_radius=float(radius_m),
                radius_units=METERS,
                get_fill_color=list(STATION_RANGE_FILL),
                get_line_color=list(STATION_RANGE_LINE),
                line_width_units=PIXELS,
                get_line_width=1,
                stroked=True,
                filled=True,
                pickable=False,
            )
        )
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="stations",
                data=points,
                get_position="[lon, lat]",
                get_radius=5,
                radius_units=PIXELS,
                radius_min_pixels=4,
                get_fill_color=list(STATION_COLOUR),
                get_line_color=list(OUTLINE_COLOUR),
                line_width_units=PIXELS,
                get_line_width=1.5,
                stroked=True,
                pickable=False,
            )
        )
    if districts is not None and not districts.empty:
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                id="district-lines",
                data=_district_rows(districts),
                get_polygon="polygon",
                filled=False,
                stroked=True,
                get_line_color=list(DISTRICT_LINE_COLOUR),
                line_width_units=PIXELS,
                get_line_width=1.5,
                pickable=False,
            )
        )
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        map_provider=None,  # no basemap and no request to Carto or Mapbox (see the module docstring)
        tooltip={"text": "{tooltip}", "style": {"fontSize": "15px", "whiteSpace": "pre-line"}},
        height=height,
    )


def build_map_legend_figure(boundaries: pd.DataFrame, figures: pd.DataFrame, key: str) -> go.Figure:
    """The map's colour scale as a column of labelled swatches (ascending values, top down), plus 无数据 when a
    shown community has no figure; titled with what the map shows and how to read it."""
    bins = compute_colour_bins(figures[key] if key in figures else [], key)
    known = set(figures.loc[figures[key].notna(), c.PATH]) if key in figures else set()
    entries = [(b.label, b.colour) for b in bins]
    if not set(boundaries[c.PATH]) <= known:
        entries.append((labels.MAP_LEGEND_NO_DATA, NO_DATA_COLOUR))
    figure = go.Figure()
    for label, colour in entries:
        figure.add_trace(
            go.Bar(
                x=[1],
                y=[label],
                orientation="h",
                marker={"color": colour, "line": {"color": "white", "width": 2}},
                text=[label],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": 15, "color": "white" if colour in ATTENTION_COLOURS[3:] else "#1F2933"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.update_layout(bargap=0.08)
    figure.update_xaxes(visible=False, range=[0, 1])
    figure.update_yaxes(visible=False, autorange="reversed", type="category")
    title = labels.MAP_TITLE.format(indicator=labels.INDICATOR_LABELS[key])
    figure = apply_theme(
        figure,
        f"{title}<br><span style='font-size:14px'>{labels.MAP_LEGEND_HINT}</span>",
        height=70 + 40 * len(entries),
    )
    figure.update_layout(margin={"l": 0, "r": 0, "t": 64, "b": 0})
    return figure


def selected_area(selection: Any, current: AreaPath) -> AreaPath | None:
    """The community a map selection points at, when it is not the area already shown; else None.

    `selection` is what st.pydeck_chart returns with on_select: {"selection": {"objects": {layer: [record]}}}.
    """
    try:
        objects = selection["selection"]["objects"].get(COMMUNITY_LAYER) or []
    except (KeyError, TypeError, AttributeError):
        return None
    path = objects[0].get("path") if objects and isinstance(objects[0], Mapping) else None
    if not isinstance(path, str) or not path or path == str(current):
        return None
    try:
        target = AreaPath.parse(path)
    except ValueError:
        return None
    return target if target.level == "community" else None
