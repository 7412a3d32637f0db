"""Every setting of the dashboard, declared once with its default and help text.

Settings are read from the environment; `Settings.from_env()` is the only reader.
Metrics never read settings: callers pass `settings.thresholds` down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from metrics.registry import REVIEW_INDICATORS
from metrics.thresholds import Thresholds

PROJECT_DIR = Path(__file__).resolve().parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "dashboard.sqlite"


def _setting(default: object, env: str, help_text: str) -> object:
    return field(default=default, metadata={"env": env, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """The dashboard's settings; see `describe()` for the list the README documents."""

    database_url: str = _setting(
        "",
        "DATABASE_URL",
        "SQLAlchemy URL of the database; empty means the embedded SQLite file data/dashboard.sqlite.",
    )
    contact_window_days: int = _setting(
        30, "DASHBOARD_CONTACT_WINDOW_DAYS", "Days a contact counts towards contact coverage."
    )
    overdue_days: int = _setting(
        30, "DASHBOARD_OVERDUE_DAYS", "A member is overdue when the last contact is more days ago than this."
    )
    lost_contact_days: int = _setting(
        90, "DASHBOARD_LOST_CONTACT_DAYS", "A member is at risk of lost contact past this many days."
    )
    three_way_window_days: int = _setting(
        90, "DASHBOARD_THREE_WAY_WINDOW_DAYS", "Days within which all three sides must have made contact."
    )
    station_radius_m: float = _setting(
        1000.0, "DASHBOARD_STATION_RADIUS_M", "Great-circle metres within which a station serves a member."
    )
    demand_window_days: int = _setting(
        90,
        "DASHBOARD_DEMAND_WINDOW_DAYS",
        "Days ending at the period's end over which demands' resolution rate, mean days and satisfaction are taken.",
    )
    demand_overdue_days: int = _setting(
        30,
        "DASHBOARD_DEMAND_OVERDUE_DAYS",
        "A demand not resolved is open too long when raised more days ago than this.",
    )
    record_fresh_days: int = _setting(
        90,
        "DASHBOARD_RECORD_FRESH_DAYS",
        "A member's record (一人一档) is up to date when verified in this many days ending at the period's end.",
    )
    cache_ttl_seconds: int = _setting(
        600, "DASHBOARD_CACHE_TTL_SECONDS", "How long the dashboard keeps a computed figure."
    )
    upload_limit_mb: int = _setting(200, "DASHBOARD_UPLOAD_LIMIT_MB", "Largest ledger file accepted, in MB.")
    session_idle_minutes: int = _setting(
        30, "DASHBOARD_SESSION_IDLE_MINUTES", "Minutes without activity before a signed-in user must sign in again."
    )
    session_lifetime_hours: int = _setting(
        12, "DASHBOARD_SESSION_LIFETIME_HOURS", "Hours a sign-in lasts at most, however active the user is."
    )
    upload_session_limit_mb: int = _setting(
        400, "DASHBOARD_UPLOAD_SESSION_LIMIT_MB", "Uploaded files one browser tab may hold at once, in MB."
    )
    upload_total_limit_mb: int = _setting(
        1000, "DASHBOARD_UPLOAD_TOTAL_LIMIT_MB", "Uploaded files the server holds at once for all users, in MB."
    )
    signin_max_failures: int = _setting(
        5, "DASHBOARD_SIGNIN_MAX_FAILURES", "Wrong passwords in a row, for a name from one address, that lock it."
    )
    signin_lock_minutes: int = _setting(
        15,
        "DASHBOARD_SIGNIN_LOCK_MINUTES",
        "Minutes a name stays locked (from that address) after too many wrong passwords.",
    )
    review_slides: str = _setting(
        ",".join(REVIEW_INDICATORS),
        "DASHBOARD_REVIEW_SLIDES",
        "Indicator keys shown as weekly review slides (/review), comma-separated, in order; unknown keys are ignored.",
    )
    digest_webhook_kind: str = _setting(
        "wecom",
        "DASHBOARD_DIGEST_WEBHOOK_KIND",
        "Which group robot cli.py digest --webhook posts to: wecom (企业微信) or dingtalk (钉钉).",
    )
    chromium_path: str = _setting(
        "/usr/bin/chromium", "DASHBOARD_CHROMIUM_PATH", "The Chromium that renders the digest's PNG (headless)."
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, falling back to the defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for spec in fields(cls):
            raw = environ.get(spec.metadata["env"])
            if raw is None or raw.strip() == "":
                continue
            try:
                values[spec.name] = type(spec.default)(raw.strip())
            except ValueError as exc:
                raise ValueError(f"{spec.metadata['env']} must be a {type(spec.default).__name__}") from exc
        return cls(**values)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{DEFAULT_SQLITE_PATH}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            contact_window_days=self.contact_window_days,
            overdue_days=self.overdue_days,
            lost_contact_days=self.lost_contact_days,
            three_way_window_days=self.three_way_window_days,
            station_radius_m=self.station_radius_m,
            demand_window_days=self.demand_window_days,
            demand_overdue_days=self.demand_overdue_days,
            record_fresh_days=self.record_fresh_days,
        )


def describe() -> list[tuple[str, object, str]]:
    """(environment variable, default, help) for every setting."""
    return [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Settings)]
