"""Shared widgets and renderers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from data_access.engine import DataAccessError
from metrics.report import Figure
from ui import labels
from ui.formatting import change_of, format_change, format_figure


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
    """Show database problems inside the block as one Chinese message and stop the page."""
    try:
        yield
    except DataAccessError as exc:
        render_error(exc)


def render_indicator(key: str, figure: dict[str, Figure]) -> None:
    """A metric with last week's figure beside it; the colour says whether the change is good."""
    value, previous = figure["value"], figure["previous"]
    change = change_of(key, value, previous)
    st.metric(
        labels.INDICATOR_LABELS[key],
        format_figure(key, value),
        delta=None if change is None else format_change(key, value, previous),
        delta_color="off" if not change else "inverse" if key in labels.LOWER_IS_BETTER else "normal",
        help=labels.PREVIOUS_WEEK.format(value=format_figure(key, previous)),
    )
