"""Chart builders: each returns a plotly Figure and makes no st. call, so it can be unit-tested.

One colour scheme and one CJK-capable font stack, set here and nowhere else. Names (of areas, stations, categories)
go into a figure through ui.text.escape_plotly_labels: plotly reads HTML tags, links included, in its labels.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.registry import BY_KEY, DECIMALS, RATE_INDICATORS
from metrics.tables import DERIVED_RATES, is_lower_better
from ui import labels
from ui.text import escape_plotly, escape_plotly_labels

FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
PRIMARY = "#B22222"  # party red: the series a chart is about
NEUTRAL = "#9AA5B1"  # grey: context
GOOD = "#2E7D32"
BAD = "#C62828"
HIGHLIGHT = "#E8A33D"  # gold: the lagging ones
CONTEXT_BLUE = "#3B6EA5"  # a change that is neither good nor bad news (a count of size)
SEQUENCE = ("#B22222", "#E8A33D", "#3B6EA5", "#5C946E", "#8E6C8A", "#9AA5B1", "#C97B63", "#4F5D75")
SEQUENTIAL = "Reds"
_COUNT_FORMAT = ",.0f"


def number_format(key: str) -> str:
    """The d3 format of an indicator's values: 87.5% for rates, 12,345 for counts, one or two decimals otherwise."""
    if key in DERIVED_RATES:
        return f".{DERIVED_RATES[key]}%"
    digits = DECIMALS.get(key, 0)
    return f".{digits}%" if key in RATE_INDICATORS else f",.{digits}f"


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
    lowest_is_worst = not is_lower_better(key)
    ordered = table.assign(_lagging=lagging).sort_values(
        key, ascending=lowest_is_worst, na_position="last", kind="stable"
    )  # ties keep the table's (pinyin) order
    ordered = ordered.iloc[::-1]  # plotly draws the first bar at the bottom
    figure = go.Figure(
        go.Bar(
            x=ordered[key],
            y=escape_plotly_labels(ordered[name_column]),
            orientation="h",
            marker={"color": [HIGHLIGHT if flag else NEUTRAL for flag in ordered["_lagging"]]},
            texttemplate=f"%{{x:{number_format(key)}}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}：%{{x:{number_format(key)}}}<extra></extra>",
        )
    )
    figure.update_xaxes(tickformat=number_format(key), title=labels.COLUMN_LABELS[key], rangemode="tozero")
    figure.update_yaxes(title=None, type="category")
    figure = apply_theme(figure, title, height=max(260, 60 + 26 * len(ordered)))
    return figure.update_layout(margin={"r": 56})  # room for the longest bar's figure beside it


def build_bar_figure(
    frame: pd.DataFrame, *, x: str, y: str, title: str, x_title: str, y_title: str, value_format: str = _COUNT_FORMAT
) -> go.Figure:
    """A plain vertical bar chart with each bar's value written on it."""
    figure = go.Figure(
        go.Bar(
            x=escape_plotly_labels(frame[x]),
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


_TICK_FORMAT = ",~f"  # axis ticks: 2,500 and 12.5, no trailing zeros


def build_funnel_figure(steps: list[str], counts: list[int], shares: list[float | None], *, title: str) -> go.Figure:
    """A funnel, one bar per step (its Chinese name), each with its count and, where there is one, its share of
    the step before (87.5%)."""
    # A narrow bar (0 has none) would shrink its words to nothing inside it: its count goes beside it, alone, so
    # that it fits a phone's width too (its share stays in the hover)
    widest = max(counts, default=0)
    inside = [bool(count) and count >= widest * 0.4 for count in counts]
    shown = [
        labels.FUNNEL_TEXT_SHARE.format(count=count, share=f"{share:.1%}")
        if share is not None and wide
        else labels.FUNNEL_TEXT.format(count=count)
        for count, share, wide in zip(counts, shares, inside, strict=True)
    ]
    hover = [
        labels.FUNNEL_TEXT.format(count=count)
        if share is None
        else labels.FUNNEL_TEXT_SHARE.format(count=count, share=f"{share:.1%}")
        for count, share in zip(counts, shares, strict=True)
    ]
    figure = go.Figure(
        go.Funnel(
            y=steps,
            x=counts,
            text=shown,
            textinfo="text",
            textposition=["inside" if wide else "outside" for wide in inside],
            customdata=hover,
            marker={"color": [PRIMARY if i == len(steps) - 1 else NEUTRAL for i in range(len(steps))]},
            connector={"line": {"color": "#CBD2D9"}},
            hovertemplate="%{y}：%{customdata}<extra></extra>",
        )
    )
    figure = apply_theme(figure, title, height=120 + 60 * len(steps))
    figure.update_yaxes(title=None, tickfont={"size": 15, "color": "#1F2933"})  # the steps read from the back row
    return figure


def build_histogram_figure(
    histogram: pd.DataFrame, *, x: str, y: str, share: str, title: str, x_title: str, y_title: str
) -> go.Figure:
    """Bars of a distribution, each labelled with its count and share; the first bucket (e.g. "0") in gold."""
    shares = [None if value is None or pd.isna(value) else float(value) for value in histogram[share]]
    text = [
        f"{count:,.0f}" + ("" if part is None else f"（{part:.1%}）")
        for count, part in zip(histogram[y], shares, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=escape_plotly_labels(histogram[x].astype(str)),
            y=histogram[y],
            marker={"color": [HIGHLIGHT if i == 0 else PRIMARY for i in range(len(histogram))]},
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{x}}：%{{y:{_COUNT_FORMAT}}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=x_title, type="category")
    figure.update_yaxes(title=y_title, tickformat=_COUNT_FORMAT, rangemode="tozero")
    return apply_theme(figure, title, height=400)


def build_stacked_bar_figure(
    table: pd.DataFrame, *, names: dict[str, str], title: str, x_title: str, y_title: str
) -> go.Figure:
    """One stacked bar per row of `table` (index on the x axis), one segment per column, named by `names`."""
    shown = {column: escape_plotly(names.get(column, str(column))) for column in table.columns}
    figure = go.Figure(
        [
            go.Bar(
                x=escape_plotly_labels(str(label) for label in table.index),
                y=table[column],
                name=shown[column],
                marker={"color": SEQUENCE[i % len(SEQUENCE)]},
                hovertemplate=f"%{{x}} {shown[column]}：%{{y:{_COUNT_FORMAT}}}<extra></extra>",
            )
            for i, column in enumerate(table.columns)
        ]
    )
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_xaxes(title=x_title, type="category", tickangle=0, nticks=6)
    figure.update_yaxes(title=y_title, tickformat=_COUNT_FORMAT, rangemode="tozero")
    return apply_theme(figure, title, height=400)


def build_lines_figure(trend: pd.DataFrame, keys: list[str], *, title: str, height: int = 400) -> go.Figure:
    """Several indicators of the same kind over the weeks of `trend` (indexed by week name), one line each."""
    value_format = number_format(keys[0])
    figure = go.Figure(
        [
            go.Scatter(
                x=list(trend.index),
                y=trend[key],
                name=labels.INDICATOR_LABELS[key],
                mode="lines+markers",
                line={"color": SEQUENCE[i % len(SEQUENCE)], "width": 3},
                marker={"size": 6},
                hovertemplate=f"%{{x}} {labels.INDICATOR_LABELS[key]}：%{{y:{value_format}}}<extra></extra>",
            )
            for i, key in enumerate(keys)
        ]
    )
    # no tickangle: plotly keeps the week names level on a desk and slants them on a phone, where they would overlap
    figure.update_xaxes(title=labels.AXIS_WEEK, type="category", nticks=6)
    figure.update_yaxes(title=None, tickformat=value_format, rangemode="tozero")
    return apply_theme(figure, title, height=height)


def build_grouped_bar_figure(
    table: pd.DataFrame, keys: list[str], *, title: str, name_column: str = "name"
) -> go.Figure:
    """Areas as horizontal bar groups, one bar per indicator, sorted by the first indicator (largest at the top)."""
    ordered = table.sort_values(keys[0], ascending=True, kind="stable")  # plotly draws the first row at the bottom
    colours = (HIGHLIGHT, PRIMARY, NEUTRAL)
    figure = go.Figure(
        [
            go.Bar(
                x=ordered[key],
                y=escape_plotly_labels(ordered[name_column]),
                name=labels.INDICATOR_LABELS[key],
                orientation="h",
                marker={"color": colours[i % len(colours)]},
                texttemplate=f"%{{x:{number_format(key)}}}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}} {labels.INDICATOR_LABELS[key]}：%{{x:{number_format(key)}}}<extra></extra>",
            )
            for i, key in reversed(list(enumerate(keys)))  # the first indicator drawn on top of each group
        ]
    )
    figure.update_layout(barmode="group", legend={"traceorder": "reversed"})
    figure.update_xaxes(title=labels.AXIS_MEMBERS, tickformat=number_format(keys[0]), rangemode="tozero")
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(300, 80 + 22 * len(keys) * len(ordered)))


def build_week_bars_figure(
    values: pd.Series, *, title: str, y_title: str, value_format: str = _COUNT_FORMAT, peak_text: str | None = None
) -> go.Figure:
    """One bar per week (index: week names, oldest first); the last (chosen) week in red, the others grey.

    `peak_text`, a format with {week} and {hours}, annotates the highest week when given.
    """
    weeks = [str(label) for label in values.index]
    numbers = pd.to_numeric(values, errors="coerce").fillna(0)
    figure = go.Figure(
        go.Bar(
            x=weeks,
            y=numbers,
            marker={"color": [PRIMARY if i == len(weeks) - 1 else NEUTRAL for i in range(len(weeks))]},
            hovertemplate=f"%{{x}}：%{{y:{value_format}}}<extra></extra>",
        )
    )
    if peak_text and len(weeks) and numbers.max() > 0:
        peak = int(numbers.to_numpy().argmax())
        figure.add_annotation(
            x=weeks[peak],
            y=float(numbers.iloc[peak]),
            text=peak_text.format(week=weeks[peak], hours=float(numbers.iloc[peak])),
            # near an edge the label leans inwards so it is not cut off
            xanchor="right" if peak > 0.8 * len(weeks) else "left" if peak < 0.2 * len(weeks) else "center",
            showarrow=True,
            arrowhead=0,
            ax=0,
            ay=-30,
            font={"size": 14, "color": PRIMARY},
        )
    # no tickangle: plotly keeps the week names level on a desk and slants them on a phone, where they would overlap
    figure.update_xaxes(title=labels.AXIS_WEEK, type="category", nticks=9)
    figure.update_yaxes(title=y_title, tickformat=_TICK_FORMAT, rangemode="tozero")
    return apply_theme(figure, title, height=380)


def build_horizontal_bar_figure(
    frame: pd.DataFrame, *, x: str, y: str, title: str, x_title: str, value_format: str = _COUNT_FORMAT
) -> go.Figure:
    """Horizontal bars in the frame's order from the top (largest first reads as a ranking), values written on."""
    ordered = frame.iloc[::-1]  # plotly draws the first bar at the bottom
    figure = go.Figure(
        go.Bar(
            x=ordered[x],
            y=escape_plotly_labels(ordered[y]),
            orientation="h",
            marker={"color": PRIMARY},
            texttemplate=f"%{{x:{value_format}}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}：%{{x:{value_format}}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=x_title, tickformat=_TICK_FORMAT, rangemode="tozero")
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(300, 70 + 32 * len(ordered)))


def build_horizontal_stacked_figure(
    table: pd.DataFrame, *, label: str, parts: dict[str, str], colours: tuple[str, ...], title: str, x_title: str
) -> go.Figure:
    """One horizontal bar per row of `table` in its order from the top, stacked from the columns of `parts`
    (column → name, in stacking order), the total written after the bar."""
    ordered = table.iloc[::-1]  # plotly draws the first row at the bottom
    names = escape_plotly_labels(ordered[label])
    figure = go.Figure(
        [
            go.Bar(
                x=ordered[column],
                y=names,
                name=escape_plotly(name),
                orientation="h",
                marker={"color": colours[i % len(colours)]},
                hovertemplate=f"%{{y}} {escape_plotly(name)}：%{{x:{_COUNT_FORMAT}}}<extra></extra>",
            )
            for i, (column, name) in enumerate(parts.items())
        ]
    )
    totals = ordered[list(parts)].sum(axis=1)
    figure.add_trace(  # the total after each bar, as text only
        go.Scatter(
            x=totals,
            y=names,
            mode="text",
            text=[f"{total:,.0f}" for total in totals],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    # counts: no 0.5 tick between 0 and 1 when the bars are short
    figure.update_xaxes(
        title=x_title, tickformat=_TICK_FORMAT, rangemode="tozero", dtick=1 if totals.max() <= 8 else None
    )
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(300, 110 + 32 * len(ordered)))


def build_station_ranking_figure(
    frame: pd.DataFrame, *, label: str, value: str, title: str, hover: str | None = None
) -> go.Figure:
    """Stations as horizontal bars in the frame's order from the top, visits written on each bar.

    A station with no visit is drawn in gold (its bar is empty, so its 0 carries the colour); the
    others in red. `hover`, a column, adds a line to each bar's tooltip (e.g. the area path).
    """
    ordered = frame.iloc[::-1]  # plotly draws the first bar at the bottom
    values = pd.to_numeric(ordered[value]).fillna(0)
    figure = go.Figure(
        go.Bar(
            x=values,
            y=escape_plotly_labels(ordered[label]),
            orientation="h",
            marker={"color": [HIGHLIGHT if number == 0 else PRIMARY for number in values]},
            texttemplate=f"%{{x:{_COUNT_FORMAT}}}",
            textposition="outside",
            textfont={"color": [HIGHLIGHT if number == 0 else "#1F2933" for number in values]},
            cliponaxis=False,
            customdata=escape_plotly_labels(ordered[hover]) if hover else None,
            hovertemplate=f"%{{y}}：%{{x:{_COUNT_FORMAT}}}{'<br>%{customdata}' if hover else ''}<extra></extra>",
        )
    )
    largest = max(1.0, float(values.max() or 0))
    figure.update_xaxes(
        title=labels.AXIS_VISITS,
        tickformat=_COUNT_FORMAT,
        range=[0, largest * 1.15],
        dtick=1 if largest < 8 else None,  # whole visits only: no 0, 1, 1, 2 from rounded half steps
    )
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(220, 100 + 30 * len(ordered)))


def build_visit_heatmap_figure(matrix: pd.DataFrame, *, title: str, height: int = 380) -> go.Figure:
    """Visits by weekday (rows, Monday at the top) and hour of the day (columns 0..23), in the sequential scale.

    `matrix` is shaped like metrics.stations.compute_visit_heatmap: index weekday 0..6, columns hour 0..23.
    """
    weekdays = [labels.WEEKDAY_LABELS[int(day)] for day in matrix.index]
    hours = [labels.HOUR_TICK.format(hour=int(hour)) for hour in matrix.columns]
    largest = float(matrix.to_numpy().max()) if matrix.size else 0.0
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=hours,
            y=weekdays,
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=max(1.0, largest),
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": labels.AXIS_VISITS},
                "tickformat": _COUNT_FORMAT,
                "thickness": 14,
                "dtick": 1 if largest < 8 else None,  # whole visits only
            },
            hovertemplate=f"%{{y}} %{{x}}：%{{z:{_COUNT_FORMAT}}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=labels.AXIS_HOUR, type="category", tickangle=0)
    figure.update_yaxes(title=None, type="category", autorange="reversed", gridcolor="white")
    return apply_theme(figure, title, height=height)


def build_contributions_figure(movers: pd.DataFrame, key: str, *, title: str) -> go.Figure:
    """Areas as horizontal bars of their contribution to the change of `key` (metrics.movers; percentage points
    for a rate), in the frame's order from the top: good news in green, bad in red, plain counts in blue."""
    ordered = movers.iloc[::-1]  # plotly draws the first bar at the bottom
    scale = 100 if key in RATE_INDICATORS else 1
    values = ordered["contribution"].astype(float) * scale
    digits = DECIMALS.get(key, 0)
    lower_is_better = BY_KEY[key].lower_is_better

    def colour(value: float) -> str:
        if lower_is_better is None:
            return CONTEXT_BLUE
        return GOOD if (value < 0) == lower_is_better else BAD

    unit = labels.AXIS_PERCENTAGE_POINTS if scale == 100 else labels.INDICATOR_LABELS[key]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=escape_plotly_labels(ordered["name"]),
            orientation="h",
            marker={"color": [colour(v) for v in values]},
            texttemplate=f"%{{x:+,.{digits}f}}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}：%{{x:+,.{digits}f}}<extra></extra>",
        )
    )
    figure.update_xaxes(title=unit, zeroline=True, zerolinecolor="#3E4C59", zerolinewidth=2)
    figure.update_yaxes(title=None, type="category")
    return apply_theme(figure, title, height=max(260, 80 + 34 * len(ordered)))
