"""Settings: read from the environment, typed, and every one documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import Settings, describe

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("env", [env for env, _, _ in describe()])
def test_every_setting_is_documented(env):
    assert f"`{env}`" in README


def test_environment_overrides_defaults_with_types():
    settings = Settings.from_env({"DASHBOARD_OVERDUE_DAYS": "45", "DASHBOARD_STATION_RADIUS_M": "800"})
    assert settings.overdue_days == 45
    assert settings.thresholds.station_radius_m == 800.0
    assert settings.thresholds.lost_contact_days == 90


def test_default_database_is_the_embedded_sqlite_file():
    assert Settings.from_env({}).resolved_database_url.endswith("data/dashboard.sqlite")
    assert Settings.from_env({"DATABASE_URL": "sqlite:///x.db"}).resolved_database_url == "sqlite:///x.db"


def test_malformed_setting_names_the_variable():
    with pytest.raises(ValueError, match="DASHBOARD_OVERDUE_DAYS"):
        Settings.from_env({"DASHBOARD_OVERDUE_DAYS": "thirty"})


def test_demand_thresholds_reach_the_metrics():
    thresholds = Settings.from_env(
        {"DASHBOARD_DEMAND_WINDOW_DAYS": "60", "DASHBOARD_DEMAND_OVERDUE_DAYS": "14"}
    ).thresholds
    assert (thresholds.demand_window_days, thresholds.demand_overdue_days) == (60, 14)
    assert (Settings().thresholds.demand_window_days, Settings().thresholds.demand_overdue_days) == (90, 30)
