"""驿站服务: the week's station indicators, visits trend, services, weekday x hour, rankings and idle stations."""

import streamlit as st

from metrics.stations import compute_busiest_quietest, compute_idle_stations
from ui import labels
from ui.charts import build_trend_figure
from ui.data import load_report, load_station_visit_counts, load_trend, load_visit_patterns
from ui.stations import render_headline, render_heatmap, render_idle_table, render_rankings, render_services
from ui.text import escape_markdown
from ui.widgets import friendly_errors, render_sidebar, render_view_caption, require_app_frame

require_app_frame()
st.title(labels.PAGE_STATIONS)
view = render_sidebar()
with friendly_errors():
    report = load_report(*view.args)
    trend = load_trend(*view.args)
    counts = load_station_visit_counts(*view.args)
    patterns = load_visit_patterns(*view.args)
    previous = load_visit_patterns(str(view.week.previous), str(view.area), view.data_version, str(view.scope))
render_view_caption(view)
if counts.empty:
    st.info(labels.STATIONS_NONE.format(area=escape_markdown(view.area_name)))
    st.stop()
busiest, quietest = compute_busiest_quietest(counts, end=view.week.end)
idle = compute_idle_stations(counts, end=view.week.end)

render_headline(report, trend, patterns.demands, previous.demands)
st.caption(labels.STATIONS_TREND_NOTE)
left, right = st.columns(2)
left.plotly_chart(build_trend_figure(trend, "station_visits", height=360), config={"displayModeBar": False})
with right:
    render_services(patterns)
render_heatmap(patterns)
render_rankings(busiest, quietest)
render_idle_table(idle)
