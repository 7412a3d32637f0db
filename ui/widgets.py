"""Shared widgets and renderers: the sidebar pickers (kept in the URL), metrics, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from data_access.areas import AreaPath, OutOfScopeError, Scope
from data_access.engine import DataAccessError
from metrics.columns import LOWER_IS_BETTER
from metrics.periods import Week, last_complete_week, today_in_china
from metrics.report import Figure
from ui import labels
from ui.auth import current_scope
from ui.data import load_areas, load_meta
from ui.formatting import change_of, format_change, format_figure
from ui.text import as_code, escape_markdown

WEEKS_OFFERED = 156  # three years back, as far as the precomputed figures go
# The view lives in plain session keys, which outlive page switches (widget keys do not), and in the URL.
_WEEK, _AREA = "view_week", "view_area"
_AREA_WIDGETS = ("pick_district", "pick_street", "pick_community")


def require_app_frame() -> None:
    """Make sure app.py frames this page (page config, first run, navigation).

    Until some session has run app.py's st.navigation after a server start, Streamlit serves
    scripts in pages/ directly (its old multipage mode), so a bookmarked /import would skip
    app.py. Switch that mode off and rerun: the rerun goes through app.py to the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def render_error(exc: Exception) -> None:
    """One friendly Chinese message, then stop; never a traceback."""
    code = exc.code if isinstance(exc, DataAccessError) else ""
    st.error(labels.DATABASE_ERRORS.get(code, labels.DATABASE_ERROR_FALLBACK))
    st.stop()


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show database problems, or a request outside the viewer's scope, as one Chinese message and stop."""
    try:
        yield
    except DataAccessError as exc:
        render_error(exc)
    except OutOfScopeError:
        st.error(labels.OUT_OF_SCOPE)
        st.stop()


@dataclass(frozen=True)
class View:
    """What every page shows: a week and an area, and the data version that keys the caches."""

    week: Week
    area: AreaPath
    data_version: str
    synthetic: bool
    scope: Scope

    @property
    def args(self) -> tuple[str, str, str, str]:
        """(week, area, data_version, scope) as the cached loaders take them: the viewer's scope is part of
        every cache key, since caches are shared by all users."""
        return str(self.week), str(self.area), self.data_version, str(self.scope)

    @property
    def area_name(self) -> str:
        return self.area.parts[-1] if self.area.parts else labels.CITY

    @property
    def breadcrumb(self) -> str:
        return labels.BREADCRUMB_SEPARATOR.join((labels.CITY, *self.area.parts))


def week_options(meta: dict[str, str], today: date) -> list[Week]:
    """Weeks a user may pick, newest first: the last complete week back to the first precomputed one."""
    last = last_complete_week(today)
    first = last.shifted(-(WEEKS_OFFERED - 1))
    if "summary_first_week" in meta:
        first = max(first, Week.containing(date.fromisoformat(meta["summary_first_week"])))
    count = max(1, (last.start - first.start).days // 7 + 1)
    return [last.shifted(-i) for i in range(count)]


def _children(areas: pd.DataFrame, parent: AreaPath) -> list[str]:
    level = parent.child_level
    prefix = str(parent) + "/" if parent.parts else ""
    rows = areas[(areas["level"] == level) & areas["path"].str.startswith(prefix)]
    return rows[level].tolist()


def _init_from_url(options: list[Week], areas: pd.DataFrame, scope: Scope) -> None:
    """On a session's first run, take week and area from the URL; a bad value gets a message and the default,
    an area outside the viewer's scope a polite refusal and the viewer's own area."""
    raw_week = st.query_params.get("week", "")
    try:
        week = Week.parse(raw_week) if raw_week else options[0]
    except ValueError:
        week = None
    if week not in options:
        st.warning(labels.BAD_WEEK_IN_URL.format(value=as_code(raw_week), default=options[0]))
        week = options[0]
    raw_area = st.query_params.get("area", "")
    try:
        area = AreaPath.parse(raw_area)
    except ValueError:
        area = None
    own = escape_markdown(labels.BREADCRUMB_SEPARATOR.join((labels.CITY, *scope.area.parts)))
    if not raw_area:  # no area asked for (every sign-in lands so): the viewer's own, without a word
        area = scope.area
    elif area is None or (area.parts and str(area) not in set(areas["path"])):
        st.warning(labels.BAD_AREA_IN_URL.format(value=as_code(raw_area), default=own))
        area = scope.area
    elif not scope.allows(area):
        st.error(labels.AREA_NOT_YOURS.format(value=as_code(raw_area), own=own))
        area = scope.area
    st.session_state[_WEEK] = str(week)
    st.session_state[_AREA] = str(area)


def set_area(area: AreaPath) -> None:
    """Point the view at `area` (a click that drills down); takes effect on the next run."""
    st.session_state[_AREA] = str(area)


def _take_week() -> None:
    st.session_state[_WEEK] = st.session_state["pick_week"]


def _take_area(level: int) -> None:
    """A picker changed: the area becomes the pickers above it plus this one (blank: stop at the one above)."""
    parts = [st.session_state[key] for key in _AREA_WIDGETS[: level + 1]]
    set_area(AreaPath(tuple(p for p in parts if p)))


def _area_pickers(areas: pd.DataFrame, current: AreaPath, scope: Scope) -> AreaPath:
    """One picker per level below the viewer's own area (the levels above are fixed by the account)."""
    area = scope.area
    if area.parts:
        st.sidebar.caption(labels.OWN_AREA.format(area=escape_markdown(labels.BREADCRUMB_SEPARATOR.join(area.parts))))
    titles = (labels.PICK_DISTRICT, labels.PICK_STREET, labels.PICK_COMMUNITY)
    for level, (key, title) in enumerate(zip(_AREA_WIDGETS, titles, strict=True)):
        if level < len(scope.area.parts):
            st.session_state[key] = scope.area.parts[level]  # fixed: the picker callbacks read the levels above
            continue
        names = _children(areas, area)
        if not names:
            break
        wanted = current.parts[level] if level < len(current.parts) else ""
        st.session_state[key] = wanted if wanted in names else ""
        chosen = st.sidebar.selectbox(
            title,
            ["", *names],
            key=key,
            format_func=lambda name: name or labels.PICK_ALL,
            placeholder=labels.PICK_PLACEHOLDER,
            on_change=_take_area,
            args=(level,),
        )
        if not chosen:
            break
        area = area.child(chosen)
    return area


def render_sidebar() -> View:
    """The banner, the week and area pickers (mirrored in the URL, kept within the signed-in viewer's scope), or
    the empty state; returns the view."""
    scope = current_scope()
    with friendly_errors():
        meta = load_meta()
        synthetic = meta.get("data_kind") == "synthetic"
        if synthetic:
            st.warning(labels.SYNTHETIC_BANNER)
        if "data_kind" not in meta:
            st.info(labels.NO_DATA)
            st.stop()
        data_version = meta.get("data_version", "0")
        areas = load_areas(data_version)
    options = week_options(meta, today_in_china())
    by_name = {str(w): w for w in options}
    if st.session_state.get(_WEEK) not in by_name:
        _init_from_url(options, areas, scope)
    st.session_state["pick_week"] = st.session_state[_WEEK]
    week = by_name[
        st.sidebar.selectbox(
            labels.PICK_WEEK,
            list(by_name),
            key="pick_week",
            on_change=_take_week,
            placeholder=labels.PICK_PLACEHOLDER,
            format_func=lambda name: labels.WEEK_OPTION.format(
                week=name, start=by_name[name].start, end=by_name[name].end
            ),
        )
    ]
    wanted = AreaPath.parse(st.session_state[_AREA])
    area = _area_pickers(areas, wanted if scope.allows(wanted) else scope.area, scope)
    st.session_state[_AREA] = str(area)
    st.query_params.update({"week": str(week), "area": str(area)})
    return View(week=week, area=area, data_version=data_version, synthetic=synthetic, scope=scope)


def stop_if_area_empty(view: View, report: dict[str, dict[str, Figure]]) -> None:
    """An area with no active members in either week gets a message instead of empty charts."""
    if not report["active_members"]["value"] and not report["active_members"]["previous"]:
        st.info(labels.AREA_EMPTY.format(area=escape_markdown(view.area_name)))
        st.stop()


def render_view_caption(view: View) -> None:
    week, area = view.week, escape_markdown(view.breadcrumb)
    st.caption(labels.WEEK_CAPTION.format(area=area, week=week, start=week.start, end=week.end))


def render_indicator(key: str, figure: dict[str, Figure], trend: pd.Series | None = None) -> None:
    """A metric with last week's figure beside it and an optional sparkline; the colour says whether the change
    is good."""
    value, previous = figure["value"], figure["previous"]
    change = change_of(key, value, previous)
    st.metric(
        labels.INDICATOR_LABELS[key],
        format_figure(key, value),
        delta=None if change is None else format_change(key, value, previous),
        delta_color="off" if not change else "inverse" if key in LOWER_IS_BETTER else "normal",
        help=labels.PREVIOUS_WEEK.format(value=format_figure(key, previous)),
        chart_data=None if trend is None else trend.astype(float).tolist(),
        border=True,
    )
