"""The indicator registry: every declared indicator is labelled, stored, documented and reported, and nothing is
labelled, stored, documented or reported that is not declared (in the manner of datasette's settings test)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Float, Integer, inspect, select, text

import cli
import tiny_city
from data_access.areas import CITY_SCOPE, AreaPath
from data_access.engine import add_weekly_parts, get_engine
from data_access.loading import replace_all_data
from data_access.lookups import fetch_meta
from data_access.schema import weekly_stats_table
from metrics import registry
from metrics.periods import Week
from metrics.registry import GROUPS, INDICATORS, REPORT_KEYS, SUMMARY_COUNTS, Indicator, compute_value
from metrics.thresholds import Thresholds
from services.refresh import refresh_from_tables
from services.report import figures_fresh, weekly_report
from ui import labels

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
KEYS = [indicator.key for indicator in INDICATORS]
CJK = re.compile(r"[\u4e00-\u9fff]")
STORED = [column.name for column in weekly_stats_table.columns if column.name not in ("week_start", "community_id")]


def readme_rows() -> list[tuple[str, str]]:
    """(key, label) of each row of the table under README's "## Indicators"."""
    section = README.split("\n## Indicators\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \| ([^|]+?) \|", section, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory) -> dict:
    """`cli.py report --json` on the tiny city, its indicators (the registration funnel beside them aside)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'tiny.sqlite'}"
    engine = get_engine(url)
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=Thresholds(), until=date(2026, 11, 22))
    engine.dispose()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["report", "--db", url, "--week", "2026-W46", "--json"]) == 0
    printed = json.loads(out.getvalue())
    assert "funnel" in printed
    return {key: figure for key, figure in printed.items() if key != "funnel"}


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_every_indicator_has_a_chinese_label_and_short_header(indicator: Indicator):
    label = labels.INDICATOR_LABELS[indicator.key]
    header = labels.AREAS_SHORT_HEADERS[indicator.key]
    assert CJK.search(label) and CJK.search(header)
    assert len(header) <= len(label)


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_every_indicator_has_a_labelled_group(indicator: Indicator):
    assert CJK.search(labels.INDICATOR_GROUP_LABELS[indicator.group])


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_every_indicator_s_parts_are_stored_with_their_type(indicator: Indicator):
    for part in indicator.parts:
        column = weekly_stats_table.c[part]
        wanted = Float if part in registry.FRACTIONAL_PARTS else Integer
        assert isinstance(column.type, wanted) and not column.nullable, part


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_every_indicator_is_defined_in_the_readme(indicator: Indicator):
    assert f"| `{indicator.key}` | {labels.INDICATOR_LABELS[indicator.key]} |" in README


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_every_indicator_is_in_the_report(indicator: Indicator, tiny_report):
    assert set(tiny_report[indicator.key]) == {"value", "previous"}


@pytest.mark.parametrize("indicator", INDICATORS, ids=KEYS)
def test_a_ratio_is_null_on_a_zero_denominator_and_a_count_is_its_part(indicator: Indicator):
    totals = dict.fromkeys(SUMMARY_COUNTS, 0) | {part: 3 for part in indicator.parts[:1]}
    if indicator.kind == "count":
        assert compute_value(indicator, totals) == 3
    else:
        assert compute_value(indicator, totals) is None
        assert compute_value(indicator, totals | {indicator.parts[1]: 4}) == 0.75


def test_nothing_is_labelled_that_is_not_declared():
    assert list(labels.INDICATOR_LABELS) == KEYS
    assert list(labels.AREAS_SHORT_HEADERS) == KEYS
    assert list(labels.INDICATOR_DEFINITIONS) == KEYS  # the .pptx speaker notes'
    assert list(labels.INDICATOR_GROUP_LABELS) == list(GROUPS)


def test_nothing_is_stored_that_no_indicator_or_flow_uses():
    assert STORED == list(SUMMARY_COUNTS)
    used = {part for indicator in INDICATORS for part in indicator.parts} | set(registry.FLOWS.values())
    assert set(STORED) == used


@pytest.mark.parametrize("flow", registry.FLOWS)
def test_every_flow_is_stored_labelled_and_defined_in_the_readme(flow: str):
    assert isinstance(weekly_stats_table.c[registry.FLOWS[flow]].type, Integer)
    assert CJK.search(labels.FLOW_LABELS[flow])
    assert f"| `{flow}` | {labels.FLOW_LABELS[flow]} |" in README


def test_the_readme_defines_the_declared_indicators_only_in_report_order():
    assert readme_rows() == [(key, labels.INDICATOR_LABELS[key]) for key in KEYS]


def test_the_report_has_the_declared_indicators_only_in_order(tiny_report):
    assert list(tiny_report) == list(REPORT_KEYS) == KEYS


def test_keys_are_unique_and_the_registry_has_no_chinese():
    assert len(set(KEYS)) == len(KEYS)
    assert not CJK.search((ROOT / "metrics" / "registry.py").read_text(encoding="utf-8"))


def test_a_count_on_the_map_is_whole():
    """The map's classes of a count are whole numbers (ui.maps.compute_colour_bins)."""
    assert all(i.decimals == 0 for i in INDICATORS if i.on_map and i.kind == "count")


def test_a_declaration_has_as_many_parts_as_its_kind_needs():
    with pytest.raises(ValueError, match="part"):
        Indicator("x", "rate", ("a",), False, 1, "contact")
    with pytest.raises(ValueError, match="part"):
        Indicator("x", "count", ("a", "b"), None, 0, "contact")


def test_an_upgrade_adds_a_new_part_and_leaves_the_figures_to_the_raw_records_until_a_refresh(db_url):
    """What a new indicator's schema version does (data_access.engine.add_weekly_parts), here for a database
    from before idle_stations was stored."""
    engine, thresholds, week = get_engine(db_url), Thresholds(), Week.parse("2026-W47")  # one idle station
    tables = tiny_city.tables()
    replace_all_data(engine, tables, meta={"data_kind": "real"})
    refresh_from_tables(engine, tables, thresholds=thresholds, until=date(2026, 11, 22))
    expected = weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=thresholds)
    assert expected["idle_stations"]["value"] == 1
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE weekly_stats DROP COLUMN idle_stations"))
    upgrade = add_weekly_parts("idle_stations", "volunteer_hours")  # the second is there already
    with engine.begin() as conn:
        upgrade(conn)
        assert not figures_fresh(fetch_meta(conn))
        assert set(conn.execute(select(weekly_stats_table.c.idle_stations)).scalars()) == {0}
    column = next(c for c in inspect(engine).get_columns("weekly_stats") if c["name"] == "idle_stations")
    assert isinstance(column["type"], Integer) and not column["nullable"]
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=thresholds) == expected
    refresh_from_tables(engine, tables, thresholds=thresholds, until=date(2026, 11, 22))
    with engine.connect() as conn:
        assert figures_fresh(fetch_meta(conn))
    assert weekly_report(engine, scope=CITY_SCOPE, week=week, area=AreaPath(), thresholds=thresholds) == expected


def test_the_demand_figures_reach_the_report_json(tiny_report):
    """`cli.py report --json` gives the seven demand figures of the tiny city's 诉求台账 (worked out in
    test_report_edges.py), the means and rates as fractions."""
    figures = {key: tiny_report[key] for key in GROUPS["demand"]}
    assert figures == {
        "demands_raised": {"value": 2, "previous": 2},
        "demands_resolved": {"value": 2, "previous": 1},
        "demand_resolution_rate": {"value": pytest.approx(3 / 5), "previous": pytest.approx(1 / 3)},
        "demand_mean_days": {"value": pytest.approx(14 / 3), "previous": pytest.approx(1.0)},
        "demands_overdue_open": {"value": 1, "previous": 1},
        "wishes_fulfilled": {"value": 1, "previous": 0},
        "demand_satisfaction_rate": {"value": pytest.approx(2 / 3), "previous": pytest.approx(1.0)},
    }


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.key)
def test_every_indicator_has_a_chinese_definition_with_the_settings_filled_in(indicator: Indicator):
    text = labels.INDICATOR_DEFINITIONS[indicator.key].format(**asdict(Thresholds()))
    assert re.search(r"[\u4e00-\u9fff]", text) and "{" not in text
