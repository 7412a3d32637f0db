"""覆盖地图: communities coloured by an indicator, stations with their service radius, member density.

Clicking a community drills down to it. The map asks no host but the app's own (no basemap).
"""

import streamlit as st

from ui import labels
from ui.data import (
    DENSITY_CELL_M,
    SETTINGS,
    load_community_boundaries,
    load_community_figures,
    load_district_boundaries,
    load_member_density,
    load_open_stations,
)
from ui.maps import MAP_HEIGHT, MAP_INDICATORS, build_community_map_deck, build_map_legend_figure, selected_area
from ui.text import escape_markdown
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame, set_area

require_app_frame()
st.title(labels.PAGE_MAP)
view = render_sidebar()
with friendly_errors():
    boundaries = load_community_boundaries(str(view.area), view.data_version, str(view.scope))
    figures = load_community_figures(*view.args)
render_view_caption(view)
if boundaries.empty:
    st.info(labels.MAP_NO_BOUNDARIES.format(area=escape_markdown(view.area_name)))
    st.stop()

drillable = view.area.level != "community"  # a community has nothing further to drill into
map_column, side = st.columns([4, 1])
with side:
    key = st.selectbox(
        labels.MAP_PICK_INDICATOR,
        MAP_INDICATORS,
        format_func=labels.INDICATOR_LABELS.get,
        key="map_indicator",
        placeholder=labels.PICK_PLACEHOLDER,
    )
    show_stations = st.toggle(labels.MAP_SHOW_STATIONS, value=True, key="map_show_stations")
    show_density = st.toggle(labels.MAP_SHOW_DENSITY, value=True, key="map_show_density")
    st.plotly_chart(build_map_legend_figure(boundaries, figures, key), config={"displayModeBar": False})
    st.caption(
        labels.MAP_NOTE.format(radius=SETTINGS.thresholds.station_radius_m, cell=DENSITY_CELL_M[view.area.level])
    )
    if drillable:
        st.caption(labels.MAP_DRILL_HINT)
with friendly_errors():
    districts = load_district_boundaries(view.data_version)
    stations = load_open_stations(str(view.week), view.data_version, str(view.scope)) if show_stations else None
    density = load_member_density(*view.args) if show_density else None

deck = build_community_map_deck(
    boundaries,
    figures,
    key,
    districts=districts,
    stations=stations,
    density=density,
    radius_m=SETTINGS.thresholds.station_radius_m,
    cell_m=DENSITY_CELL_M[view.area.level],
)
with map_column:
    event = st.pydeck_chart(
        deck,
        height=MAP_HEIGHT,
        width="stretch",
        alt=labels.MAP_ALT.format(area=view.area_name, indicator=labels.INDICATOR_LABELS[key]),
        on_select="rerun" if drillable else "ignore",
        selection_mode="single-object",
        key=f"map_{view.area}",
    )
if drillable and (target := selected_area(event, view.area)) is not None:
    set_area(target)
    st.rerun()
