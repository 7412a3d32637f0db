"""Numbers and messages for people (12,345, 87.5%, +0.3 个百分点), shared by the dashboard and the command line."""

from __future__ import annotations

from metrics.report import Figure
from ui import labels

# Decimals for the indicators that are not whole counts or rates
DECIMALS = {"contacts_per_member_30d": 2, "volunteer_hours": 1}


def _missing(value: Figure) -> bool:
    """No figure: None from the report, NaN from a table of them."""
    return value is None or value != value  # NaN is the one value not equal to itself


def format_figure(key: str, value: Figure) -> str:
    if _missing(value):
        return "—"
    if key in labels.RATE_INDICATORS:
        return f"{value:.1%}"
    return f"{value:,.{DECIMALS.get(key, 0)}f}"


def change_of(key: str, value: Figure, previous: Figure) -> float | None:
    """The change as shown: rates in percentage points, rounded as displayed, so a tiny change reads 0."""
    if _missing(value) or _missing(previous):
        return None
    if key in labels.RATE_INDICATORS:
        return round((value - previous) * 100, 1) + 0.0  # "+ 0.0" turns -0.0 into 0.0
    return round(value - previous, DECIMALS.get(key, 0)) + 0.0


def format_change(key: str, value: Figure, previous: Figure) -> str:
    change = change_of(key, value, previous)
    if change is None:
        return "—"
    if key in labels.RATE_INDICATORS:
        return labels.PERCENTAGE_POINTS.format(change=change)
    return f"{change:+,.{DECIMALS.get(key, 0)}f}"


def file_error_message(code: str, name: str, detail: str, *, separator: str = "\n") -> str:
    """Why a ledger file was not imported; for an unknown kind, the headers each ledger needs."""
    from ledgers.formats import LEDGERS

    if code == "unknown_kind":
        expected = separator.join(f"{ledger.title}：{'、'.join(ledger.required_headers)}" for ledger in LEDGERS)
        return labels.IMPORT_UNKNOWN_KIND.format(file=name, headers=detail or "（无）", expected=expected)
    if code == "empty":
        return labels.IMPORT_EMPTY.format(file=name)
    return labels.IMPORT_UNREADABLE.format(file=name)
