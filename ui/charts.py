"""Chart builders: each returns a plotly Figure and makes no st. call, so it can be unit-tested.

One colour scheme and one CJK-capable font stack, set here and nowhere else.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.columns import LOWER_IS_BETTER
from ui import labels

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
PRIMARY = "#B22222"  # party red: the series a chart is about
NEUTRAL = "#9AA5B1"  # grey: context
GOOD = "#2E7D32"
BAD = "#C62828"
HIGHLIGHT = "#E8A33D"  # gold: the lagging ones
SEQUENCE = ("#B22222", "#E8A33D", "#3B6EA5", "#5C946E", "#8E6C8A", "#9AA5B1", "#C97B63", "#4F5D75")
SEQUENTIAL = "Reds"
_RATE_FORMAT = ".1%"
_COUNT_FORMAT = ",.0f"


def number_format(key: str) -> str:
    """The d3 format of an indicator's values: 87.5% for rates, 12,345 for counts, one or two decimals otherwise."""
    if key in labels.RATE_INDICATORS:
        return _RATE_FORMAT
    return {"contacts_per_member_30d": ",.2f", "volunteer_hours": ",.1f"}.get(key, _COUNT_FORMAT)


def apply_theme(figure: go.Figure, title: str, *, height: int = 360) -> go.Figure:
    """The house style: title that says what the chart answers, CJK font, quiet grid, no plotly logo."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT_FAMILY, "size": 14, "color": "#1F2933"},
        colorway=list(SEQUENCE),
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        separators=".,",
    )
    figure.update_xaxes(showgrid=False, linecolor="#CBD2D9", automargin=True)
    figure.update_yaxes(gridcolor="#E4E7EB", zerolinecolor="#CBD2D9", automargin=True)
    return figure


def build_trend_figure(trend: pd.DataFrame, key: str, *, height: int = 260) -> go.Figure:
    """One indicator over the weeks of `trend` (indexed by week name), the last week marked."""
    values = trend[key]
    figure = go.Figure(
        go.Scatter(
            x=list(trend.index),
            y=values,
            mode="lines+markers",
            line={"color": PRIMARY, "width": 3},
            marker={"size": 6},
            hovertemplate=f"%{{x}}：%{{y:{number_format(key)}}}<extra></extra>",
        )
    )
    figure.update_yaxes(tickformat=number_format(key), rangemode="tozero", title=None)
    figure.update_xaxes(title=labels.AXIS_WEEK, tickangle=0, nticks=6)
    title = labels.TREND_TITLE.format(indicator=labels.INDICATOR_LABELS[key])
    return apply_theme(figure, title, height=height)


def build_ranking_figure(
    table: pd.DataFrame, key: str, *, lagging: pd.Series, title: str, name_column: str = "name"
) -> go.Figure:
    """Areas as horizontal bars, worst at the top; the lagging ones in gold, the rest grey."""
    worst_first = key not in LOWER_IS_BETTER
    ordered = table.assign(_lagging=lagging).sort_values(key, ascending=not worst_first, na_position="first")
    ordered = ordered.iloc[::-1]  # plotly draws the first bar at the bottom
    figure = go.Figure(
        go.Bar(
            x=ordered[key],
            y=ordered[name_column],
            orientation="h",
            marker={"color": [HIGHLIGHT if flag else NEUTRAL for flag in ordered["_lagging"]]},
            texttemplate=f"%{{x:{number_format(key)}}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}：%{{x:{number_format(key)}}}<extra></extra>",
        )
    )
    figure.update_xaxes(tickformat=number_format(key), title=labels.INDICATOR_LABELS[key], rangemode="tozero")
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(260, 60 + 26 * len(ordered)))


def build_bar_figure(
    frame: pd.DataFrame, *, x: str, y: str, title: str, x_title: str, y_title: str, value_format: str = _COUNT_FORMAT
) -> go.Figure:
    """A plain vertical bar chart with each bar's value written on it."""
    figure = go.Figure(
        go.Bar(
            x=frame[x],
            y=frame[y],
            marker={"color": PRIMARY},
            texttemplate=f"%{{y:{value_format}}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{x}}：%{{y:{value_format}}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=x_title, type="category")
    figure.update_yaxes(title=y_title, tickformat=value_format, rangemode="tozero")
    return apply_theme(figure, title)
